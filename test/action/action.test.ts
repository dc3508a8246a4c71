import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { outputFiles } from '../../src/cli/compile.js';
import { checkPolicy } from '../../src/compile.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { asOf, bundle, fixtures, git, outputNames, parseCommand, runAction, tempDir, workspaceFrom, type ActionRun } from './helpers.js';
import { root } from '../helpers/cli.js';

const marker = '<!-- rolecall-diff -->';

function expectAllOutputs(run: ActionRun): void {
  for (const name of outputNames) expect(run.outputs.has(name), `output \`${name}\``).toBe(true);
}

/** The annotation lines (not the setFailed one, which has no file). */
function annotations(run: ActionRun): ReturnType<typeof parseCommand>[] {
  return run.commands
    .map(parseCommand)
    .filter((c) => ['error', 'warning', 'notice'].includes(c.command) && c.properties.has('file'));
}

function expectNoStackTrace(run: ActionRun): void {
  expect(run.stdout + run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

beforeAll(() => {
  if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `npm run build:action`');
});

describe('the bundled Action on a clean policy', () => {
  let workspace: string;
  let run: ActionRun;
  beforeAll(() => {
    workspace = workspaceFrom('clean');
    run = runAction(workspace, { path: 'policies', 'fail-on': 'error', out: 'dist/rolecall', 'as-of': asOf });
  });

  it('exits 0 and sets every output', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectAllOutputs(run);
    expect(run.outputs.get('errors')).toBe('0');
    expect(run.outputs.get('warnings')).toBe('0');
    expect(run.outputs.get('escalations')).toBe('0');
    expect(run.outputs.get('diff-markdown')).toBe('');
  });

  it('writes the artifacts, and the matrix output points at matrix.json', () => {
    const matrix = run.outputs.get('matrix')!;
    expect(matrix).toBe(path.join(workspace, 'dist/rolecall/matrix.json'));
    const document = JSON.parse(readFileSync(matrix, 'utf8')) as { format: string; asOf: string; source: { files: string[] } };
    expect(document.format).toBe('rolecall.matrix/v1');
    expect(document.asOf).toBe(asOf);
    expect(document.source.files).toContain('policies/roles.yaml');
    expect(readdirSync(path.join(workspace, 'dist/rolecall')).sort()).toEqual(['diagnostics.json', 'matrix.csv', 'matrix.html', 'matrix.json', 'matrix.md', 'permissions.ts']);
  });

  it('writes the same bytes as compiling in-process (the bundled ts-morph, yaml and ajv behave as the sources do)', () => {
    const result = checkPolicy(loadPolicyDirectory('policies', { cwd: workspace }), { asOf });
    for (const file of outputFiles(result)) {
      const expected = Buffer.concat([...file.chunks].map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk))));
      expect(readFileSync(path.join(workspace, 'dist/rolecall', file.name)).equals(expected), file.name).toBe(true);
    }
    expect(readFileSync(path.join(workspace, 'dist/rolecall/permissions.ts'), 'utf8')).toMatch(/^export function roleCan</m);
    // ... with matrix.csv written by the bundled worker (dist/worker.js), not a fallback.
    expect(run.stdout).toContain('::debug::rolecall: matrix.csv is written on a worker thread');
  });

  it('writes the SARIF log next to the artifacts, not inside them', () => {
    const sarif = run.outputs.get('sarif')!;
    expect(sarif).toBe(path.join(workspace, 'dist/rolecall.sarif'));
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.results).toHaveLength(2);
  });

  it('annotates the infos as notices on their YAML lines, with paths relative to the workspace', () => {
    expect(run.stdout).toContain('::notice file=policies/roles.yaml,line=6,col=3,endLine=6,endColumn=24,title=unused-role::role `customer_case_manager`');
    expect(run.stdout).toContain('::notice file=policies/users.yaml,line=15,');
    expect(run.commands.filter((c) => c.startsWith('::error'))).toEqual([]);
  });

  it('writes a job summary with the counts', () => {
    expect(run.summary).toContain('✅ rolecall passed');
    expect(run.summary).toContain('| errors | warnings | infos | suppressed | escalations |');
    expect(run.summary).toContain('| 0 | 0 | 2 | 0 | – |');
    expect(run.summary).toContain('`unused-role`');
    expect(run.summary).not.toContain(marker);
  });

  it('passes with `fail-on: warning` when there are only infos', () => {
    const again = runAction(workspaceFrom('clean'), { path: 'policies', 'fail-on': 'warning', 'as-of': asOf });
    expect(again.code).toBe(0);
  });

  it('uses the defaults of action.yml when inputs are empty (path `policies`, out `dist/rolecall`)', () => {
    const ws = workspaceFrom('clean');
    const again = runAction(ws, { 'as-of': asOf });
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs.get('matrix')).toBe(path.join(ws, 'dist/rolecall/matrix.json'));
  });
});

describe('the bundled Action on a policy with errors', () => {
  let workspace: string;
  let run: ActionRun;
  beforeAll(() => {
    workspace = workspaceFrom('errors');
    run = runAction(workspace, { path: 'policies', 'fail-on': 'error', out: 'dist/rolecall', 'as-of': asOf });
  });

  it('exits 1 and says why in one line', () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::rolecall: 3 errors (fail-on: error)');
    expectNoStackTrace(run);
  });

  it('prints ::error annotations with file and line', () => {
    expect(run.stdout).toMatch(/^::error file=policies\/roles\.yaml,line=6,col=14,endLine=6,endColumn=27,title=invalid-scope::role `agent` grants `case\.read@all`/m);
    expect(run.stdout).toMatch(/^::error file=policies\/roles\.yaml,line=6,col=29,.*title=unknown-reference::/m);
    expect(run.stdout).toMatch(/^::error file=policies\/users\.yaml,line=4,col=13,.*title=unknown-reference::user `alice` is assigned role `agnet`/m);
    expect(run.stdout).toMatch(/^::warning file=policies\/roles\.yaml,line=8,.*title=unscoped-grant::/m);
  });

  it('emits errors first, then warnings, then notices, each in file/line order', () => {
    const order = annotations(run).map((a) => `${a.command} ${a.properties.get('file')}:${a.properties.get('line')}`);
    expect(order).toEqual(['error policies/roles.yaml:6', 'error policies/roles.yaml:6', 'error policies/users.yaml:4', 'warning policies/roles.yaml:8', 'notice policies/roles.yaml:3']);
  });

  it('sets every output; matrix is empty', () => {
    expectAllOutputs(run);
    expect(run.outputs.get('errors')).toBe('3');
    expect(run.outputs.get('warnings')).toBe('1');
    expect(run.outputs.get('escalations')).toBe('0');
    expect(run.outputs.get('matrix')).toBe('');
    expect(run.outputs.get('diff-markdown')).toBe('');
    expect(existsSync(run.outputs.get('sarif')!)).toBe(true);
  });

  it('writes nothing to out', () => {
    expect(existsSync(path.join(workspace, 'dist/rolecall'))).toBe(false);
  });

  it('writes the summary: status, counts and the findings table', () => {
    expect(run.summary).toContain('❌ rolecall failed: 3 errors (fail-on: error)');
    expect(run.summary).toContain('| 3 | 1 | 1 | 0 | – |');
    expect(run.summary).toContain('Nothing was written to `dist/rolecall`');
    expect(run.summary).toMatch(/\| ❌ error \| `invalid-scope` \| `policies\/roles\.yaml:6:14` \| role `agent` grants `case\.read@all`/);
    // Most severe first: the first row is an error, the info comes last.
    const rows = run.summary.split('\n').filter((l) => /^\| (❌|⚠️|ℹ️)/.test(l));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| ❌ error', '| ❌ error', '| ❌ error', '| ⚠️ warning', '| ℹ️ info']);
  });

  it('does not fail with `fail-on: never`, and still writes nothing', () => {
    const ws = workspaceFrom('errors');
    const again = runAction(ws, { path: 'policies', 'fail-on': 'never', 'as-of': asOf });
    expect(again.code).toBe(0);
    expect(again.outputs.get('errors')).toBe('3');
    expect(again.outputs.get('matrix')).toBe('');
    expect(existsSync(path.join(ws, 'dist/rolecall'))).toBe(false);
    expect(again.stdout).toMatch(/^::error file=/m);
  });

  it('keeps the previous artifacts when a later run has errors', () => {
    const ws = workspaceFrom('clean');
    expect(runAction(ws, { 'as-of': asOf }).code).toBe(0);
    const before = readFileSync(path.join(ws, 'dist/rolecall/matrix.json'), 'utf8');
    cpSync(path.join(fixtures, 'errors/policies/users.yaml'), path.join(ws, 'policies/users.yaml'));
    const failed = runAction(ws, { 'as-of': asOf });
    expect(failed.code).toBe(1);
    expect(failed.outputs.get('matrix')).toBe('');
    expect(readFileSync(path.join(ws, 'dist/rolecall/matrix.json'), 'utf8')).toBe(before);
  });
});

describe('annotation limits: GitHub shows 10 per type per step', () => {
  let workspace: string;
  let run: ActionRun;
  beforeAll(() => {
    // 13 unknown roles (errors), 12 unscoped grants (warnings), 12 unused roles (infos).
    workspace = workspaceFrom('clean');
    rmSync(path.join(workspace, 'policies'), { recursive: true });
    mkdirSync(path.join(workspace, 'policies'));
    const roles = Array.from({ length: 12 }, (_, i) => `  unused_${String(i).padStart(2, '0')}:\n    grants: [case.read]\n`).join('');
    const users = Array.from({ length: 13 }, (_, i) => `  user${String(i).padStart(2, '0')}:\n    type: internal\n    roles: [missing_${i}]\n`).join('');
    writeFileSync(path.join(workspace, 'policies/roles.yaml'), `permissions:\n  case.read: { scopes: [own, all] }\nroles:\n${roles}`);
    writeFileSync(path.join(workspace, 'policies/users.yaml'), `users:\n${users}`);
    run = runAction(workspace, { path: 'policies', 'as-of': asOf });
  });

  it('has more than 10 findings of each type', () => {
    expect(Number(run.outputs.get('errors'))).toBe(13);
    expect(Number(run.outputs.get('warnings'))).toBe(12);
    const sarif = JSON.parse(readFileSync(run.outputs.get('sarif')!, 'utf8')) as { runs: { results: { level: string }[] }[] };
    expect(sarif.runs[0]!.results.filter((r) => r.level === 'note').length).toBeGreaterThan(10);
  });

  it('emits at most 10 annotations of each type, the most severe first', () => {
    const list = annotations(run);
    expect(list.filter((a) => a.command === 'error')).toHaveLength(10);
    expect(list.filter((a) => a.command === 'warning')).toHaveLength(10);
    expect(list.filter((a) => a.command === 'notice')).toHaveLength(10);
    const kinds = list.map((a) => a.command);
    expect(kinds).toEqual([...Array(10).fill('error'), ...Array(10).fill('warning'), ...Array(10).fill('notice')]);
    // The first ten errors in file/line order: user00 .. user09.
    const lines = list.filter((a) => a.command === 'error').map((a) => Number(a.properties.get('line')));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(list[0]!.message).toContain('user00');
  });

  it('says in the summary how many more there are and where to read them', () => {
    expect(run.summary).toMatch(/GitHub shows at most 10 annotations of each type per step: 3 more errors, 2 more warnings and \d+ more notices are not annotated/);
    expect(run.summary).toContain('the SARIF file `dist/rolecall.sarif`');
    expect(run.summary).toContain('rolecall: findings');
  });

  it('lists every finding in a log group', () => {
    const group = run.stdout.slice(run.stdout.indexOf('::group::rolecall: findings'), run.stdout.indexOf('::endgroup::'));
    expect(group.split('\n').filter((l) => /^(error|warning|info)\s/.test(l)).length).toBeGreaterThanOrEqual(13 + 12 + 11);
  });
});

describe('the bundled Action with a diff base', () => {
  it('a `git:REF` base: escalations fail `fail-on: escalation`, the comment body starts with the marker', () => {
    const repo = workspaceFrom('escalation');
    cpSync(path.join(repo, 'base'), path.join(repo, 'policies'), { recursive: true });
    git(repo, 'init', '--quiet');
    git(repo, 'add', 'policies');
    git(repo, 'commit', '--quiet', '-m', 'base');
    rmSync(path.join(repo, 'policies'), { recursive: true });
    cpSync(path.join(repo, 'head'), path.join(repo, 'policies'), { recursive: true });

    const run = runAction(repo, { path: 'policies', base: 'git:HEAD', 'fail-on': 'escalation', 'as-of': asOf });
    expect(run.code, run.stdout).toBe(1);
    expectAllOutputs(run);
    expect(run.outputs.get('escalations')).toBe('4');
    expect(run.outputs.get('errors')).toBe('0');
    expect(run.stdout).toContain('::error::rolecall: 4 escalations (fail-on: escalation)');

    const comment = run.outputs.get('diff-markdown')!;
    expect(comment).toBe(path.join(repo, 'dist/rolecall-diff.md'));
    const body = readFileSync(comment, 'utf8');
    expect(body.startsWith(marker)).toBe(true);
    expect(body).toContain('Base `git:HEAD`');
    expect(body).toContain('| ⚠️ **Escalations** | **4** |');
    // The full JSON sits beside it, and the comment can name it.
    expect(JSON.parse(readFileSync(path.join(repo, 'dist/rolecall-diff.json'), 'utf8')).format).toBe('rolecall.diff/v1');
    // `out` holds only compile artifacts; the head is clean, so they are written.
    expect(readdirSync(path.join(repo, 'dist/rolecall')).sort()).toEqual(['diagnostics.json', 'matrix.csv', 'matrix.html', 'matrix.json', 'matrix.md', 'permissions.ts']);
    expect(existsSync(run.outputs.get('matrix')!)).toBe(true);

    expect(run.summary).toContain('| 0 | 0 | 1 | 0 | 4 |');
    expect(run.summary).toContain(marker);
    expect(run.summary).toContain('### rolecall: access changes');
    // The working tree and index are untouched by the git base.
    expect(git(repo, 'status', '--porcelain', '--untracked-files=no')).toMatch(/policies\//);
  });

  it('a directory base: `fail-on: error` passes and still reports the escalations', () => {
    const ws = workspaceFrom('escalation');
    const run = runAction(ws, { path: 'head', base: 'base', 'fail-on': 'error', out: 'build/matrix', 'as-of': asOf });
    expect(run.code, run.stdout).toBe(0);
    expectAllOutputs(run);
    expect(run.outputs.get('escalations')).toBe('4');
    expect(run.outputs.get('matrix')).toBe(path.join(ws, 'build/matrix/matrix.json'));
    expect(run.outputs.get('diff-markdown')).toBe(path.join(ws, 'build/rolecall-diff.md'));
    expect(readFileSync(run.outputs.get('diff-markdown')!, 'utf8').startsWith(marker)).toBe(true);
    expect(readdirSync(path.join(ws, 'build/matrix'))).not.toContain('rolecall-diff.md');
  });

  it('on a pull_request event without a base input, diffs against origin/<base branch>', () => {
    const repo = workspaceFrom('escalation');
    cpSync(path.join(repo, 'base'), path.join(repo, 'policies'), { recursive: true });
    git(repo, 'init', '--quiet');
    git(repo, 'add', 'policies');
    git(repo, 'commit', '--quiet', '-m', 'base');
    git(repo, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    rmSync(path.join(repo, 'policies'), { recursive: true });
    cpSync(path.join(repo, 'head'), path.join(repo, 'policies'), { recursive: true });

    const run = runAction(repo, { 'fail-on': 'escalation', 'as-of': asOf }, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main' });
    expect(run.code).toBe(1);
    expect(run.outputs.get('escalations')).toBe('4');
    expect(readFileSync(run.outputs.get('diff-markdown')!, 'utf8')).toContain('Base `git:origin/main`');

    // On a push there is no pull request base: no diff.
    const push = runAction(repo, { 'fail-on': 'escalation', 'as-of': asOf }, { GITHUB_EVENT_NAME: 'push', GITHUB_BASE_REF: '' });
    expect(push.code).toBe(0);
    expect(push.outputs.get('diff-markdown')).toBe('');
    expect(push.outputs.get('escalations')).toBe('0');
  });

  it('an unfetched pull request base fails with one line that says to fetch it', () => {
    const repo = workspaceFrom('clean');
    git(repo, 'init', '--quiet');
    git(repo, 'add', 'policies');
    git(repo, 'commit', '--quiet', '-m', 'base');
    const run = runAction(repo, { 'as-of': asOf }, { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_BASE_REF: 'main' });
    expect(run.code).toBe(1);
    const failure = run.commands.filter((c) => c.startsWith('::error::'));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toBe("::error::rolecall: the pull request's base branch is not in the clone (`git:origin/main` is an unknown git ref): check out with `actions/checkout` and `fetch-depth: 0`, or set the `base` input");
    expectNoStackTrace(run);
  });
});

describe('user errors fail the step with one clear line', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a missing policy directory', { path: 'nope', 'as-of': asOf }, /^::error::rolecall: policy directory `nope` does not exist$/],
    ['a bad fail-on', { 'fail-on': 'errors', 'as-of': asOf }, /^::error::rolecall: input `fail-on` must be one of error, warning, escalation, never, got `errors`$/],
    ['a bad as-of', { 'as-of': '22.11.2026' }, /^::error::rolecall: input `as-of` takes a date written YYYY-MM-DD/],
    ['an unknown git ref', { base: 'git:no-such-branch', 'as-of': asOf }, /^::error::rolecall: input `base`: git:no-such-branch: /],
    ['a missing base directory', { base: 'old-policies', 'as-of': asOf }, /^::error::rolecall: policy directory `old-policies` does not exist$/],
    ['an out that contains the policy', { out: '.', 'as-of': asOf }, /^::error::rolecall: input `out` \(`.`\) contains the policy directory `policies`/],
  ];
  for (const [name, inputs, expected] of cases) {
    it(name, () => {
      const run = runAction(workspaceFrom('clean'), inputs);
      expect(run.code).toBe(1);
      expect(run.commands).toHaveLength(1);
      expect(run.commands[0]).toMatch(expected);
      expect(run.stdout).not.toContain('internal error');
      expectNoStackTrace(run);
    });
  }

  it('an out directory holding foreign files', () => {
    const ws = workspaceFrom('clean');
    mkdirSync(path.join(ws, 'dist/rolecall'), { recursive: true });
    writeFileSync(path.join(ws, 'dist/rolecall/notes.txt'), 'mine\n');
    const run = runAction(ws, { 'as-of': asOf });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::rolecall: input `out` \(`.*dist\/rolecall`\) holds files rolecall did not write \(notes\.txt\)/m);
    expect(readFileSync(path.join(ws, 'dist/rolecall/notes.txt'), 'utf8')).toBe('mine\n');
  });
});

describe('the SARIF log and findings accepted by exceptions', () => {
  type Sarif = { runs: { results: { ruleId: string; suppressions?: unknown[] }[] }[] };

  it('leaves them out (code scanning would show them as open alerts); diagnostics.json keeps them', () => {
    // The example organisation: two findings are accepted by exceptions.
    const workspace = tempDir('sarif-suppressed');
    cpSync(path.join(root, 'policies'), path.join(workspace, 'policies'), { recursive: true });
    const run = runAction(workspace, { path: 'policies', out: 'out', 'as-of': asOf });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const log = JSON.parse(readFileSync(run.outputs.get('sarif')!, 'utf8')) as Sarif;
    const diagnostics = JSON.parse(readFileSync(path.join(workspace, 'out', 'diagnostics.json'), 'utf8')) as { diagnostics: { suppressed: boolean }[] };
    const accepted = diagnostics.diagnostics.filter((d) => d.suppressed).length;
    expect(accepted).toBe(2);
    expect(log.runs[0]!.results.filter((r) => r.suppressions !== undefined)).toEqual([]);
    expect(log.runs[0]!.results).toHaveLength(diagnostics.diagnostics.length - accepted);
    expect(log.runs[0]!.results.length).toBeGreaterThan(0);
  });
});

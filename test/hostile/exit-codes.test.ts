import { chmodSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { root, runCli } from '../helpers/cli.js';
import { testAsOf } from '../helpers/policy.js';
import { cleanup, ensureBuilt, isRoot, nobody, nobodyCanRun, runBinaryWithin, tempDir } from './helpers.js';

const made: string[] = [];
beforeAll(ensureBuilt, 300_000);
afterAll(() => cleanup(made));

/** A stack frame line as Node prints it. */
const stackLine = /^\s+at .+/m;

let work: string;

beforeAll(() => {
  work = tempDir('exit-codes', made);
  cpSync(path.join(root, 'test/fixtures/hostile/prototype-ids'), path.join(work, 'pol'), { recursive: true });
  writeFileSync(path.join(work, 'afile'), 'not a directory\n');
  mkdirSync(path.join(work, 'foreign'));
  writeFileSync(path.join(work, 'foreign', 'notes.txt'), 'mine\n');
  mkdirSync(path.join(work, 'dir-artifact', 'matrix.json'), { recursive: true });
  writeFileSync(path.join(work, 'dir-artifact', 'matrix.json', 'keep.txt'), 'a directory named like an artifact\n');
});

describe('user errors: exit 2, one line on stderr, never a stack trace (with or without --debug)', () => {
  const cases: [string, string[]][] = [
    ['unknown command', ['frobnicate']],
    ['unknown option', ['check', 'pol', '--nope']],
    ['option without its value', ['check', 'pol', '--format']],
    ['bad --as-of', ['check', 'pol', '--as-of', '2026-02-30']],
    ['bad --format', ['check', 'pol', '--format', 'xml']],
    ['bad --max-warnings', ['check', 'pol', '--max-warnings', 'many']],
    ['bad --max-file-bytes', ['check', 'pol', '--max-file-bytes', '1MB']],
    ['bad --max-total-bytes', ['compile', 'pol', '--max-total-bytes', '-5']],
    ['two directories', ['check', 'pol', 'pol']],
    ['missing directory', ['check', 'missing']],
    ['a file as the directory', ['compile', 'afile']],
    ['--out is the policy', ['compile', 'pol', '--out', 'pol']],
    ['--out is a parent of the policy', ['compile', 'pol', '--out', '.']],
    ['--out is a file', ['compile', 'pol', '--out', 'afile']],
    ['--out below a file', ['compile', 'pol', '--out', 'afile/out']],
    ['--out holds foreign files', ['compile', 'pol', '--out', 'foreign']],
    ['--out holds a directory named like an artifact', ['compile', 'pol', '--out', 'dir-artifact']],
    ['--check against a file', ['compile', 'pol', '--check', '--out', 'afile']],
    ['explain without a user', ['explain', '--dir', 'pol']],
    ['explain with three ids', ['explain', 'a', 'b', 'c', '--dir', 'pol']],
    ['explain an unknown user', ['explain', 'valueoff', '--dir', 'pol']],
    ['explain an unknown permission', ['explain', 'valueof', 'nope', '--dir', 'pol']],
    ['explain with a bad format', ['explain', 'valueof', '--dir', 'pol', '--format', 'yaml']],
    ['explain in a missing directory', ['explain', 'valueof', '--dir', 'missing']],
    ['who-can without a permission', ['who-can', '--dir', 'pol']],
    ['who-can an unknown permission', ['who-can', 'nope', '--dir', 'pol']],
    ['who-can --scope on an unscoped permission', ['who-can', 'valueof', '--scope', 'all', '--dir', 'pol']],
    ['who-can an unknown scope', ['who-can', 'constructor', '--scope', 'everything', '--dir', 'pol']],
    ['who-can an unknown scope after @', ['who-can', 'constructor@everything', '--dir', 'pol']],
    ['diff without --base', ['diff', '--head', 'pol']],
    ['diff with a positional', ['diff', 'pol', '--base', 'pol']],
    ['diff with a missing base', ['diff', '--base', 'missing', '--head', 'pol']],
    ['diff with a bad git ref', ['diff', '--base', 'git:-rf', '--head', 'pol']],
    ['diff with a git base outside a repository', ['diff', '--base', 'git:main', '--head', 'pol']],
    ['diff with a bad --fail-on', ['diff', '--base', 'pol', '--head', 'pol', '--fail-on', 'sometimes']],
    ['diff with a bad --format', ['diff', '--base', 'pol', '--head', 'pol', '--format', 'html']],
  ];

  it.each(cases)('%s', async (_name, args) => {
    for (const debug of [[], ['--debug']]) {
      const run = await runCli([...args, '--as-of', testAsOf, ...debug].filter((a, i, all) => !(a === '--as-of' && all.indexOf('--as-of') !== i)), { cwd: work, env: { GIT_CEILING_DIRECTORIES: path.dirname(work) } });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^rolecall: [^\n]+\n$/);
      expect(run.stderr).not.toContain('internal error');
      expect(run.stderr).not.toMatch(stackLine);
      expect(run.stdout).not.toMatch(stackLine);
    }
  });

  // Was a bug (src/cli/diff.ts, fixed in 1de1ed8): `--out afile/diff.md` below a file reported EEXIST as an
  // internal error ("this is a bug").
  it('diff --out below a file', async () => {
    const run = await runCli(['diff', '--base', 'pol', '--head', 'pol', '--out', 'afile/diff.md', '--as-of', testAsOf], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rolecall: [^\n]+\n$/);
    expect(run.stderr).not.toContain('internal error');
  });

  it('an out directory that cannot be written (run as nobody) is a user error', () => {
    const dir = tempDir('exit-perm', made);
    cpSync(path.join(root, 'test/fixtures/hostile/prototype-ids'), path.join(dir, 'pol'), { recursive: true });
    mkdirSync(path.join(dir, 'locked'));
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'pol'), 0o755);
    chmodSync(path.join(dir, 'pol', 'policy.yaml'), 0o644);
    chmodSync(path.join(dir, 'locked'), 0o555);
    const asNobody = isRoot ? (nobodyCanRun() ? nobody : undefined) : {};
    if (asNobody === undefined) return; // root, and the repository is not readable by nobody
    const run = runBinaryWithin(['compile', 'pol', '--out', 'locked/out', '--as-of', testAsOf], { cwd: dir, ...asNobody });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rolecall: cannot write the artifacts to `[^`]*locked\/out`: permission denied[^\n]*\n$/);
  });
});

describe('internal errors: exit 2, say it is a bug and where to report it; the stack only with --debug', () => {
  async function crash(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const code = await main(args, {
      stdout: {
        write: () => {
          throw new TypeError('writing failed in a way rolecall did not expect');
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      env: { NO_COLOR: '1' },
      cwd: work,
    });
    return { code, stderr };
  }

  it('in process, without --debug: no stack trace', async () => {
    const run = await crash(['check', 'pol', '--as-of', testAsOf]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rolecall: internal error \(this is a bug in rolecall, not in your policy\): writing failed/);
    expect(run.stderr).toContain('https://github.com/rolecall-dev/rolecall/issues');
    expect(run.stderr).not.toMatch(stackLine);
  });

  it('in process, with --debug: the stack trace follows', async () => {
    const run = await crash(['check', 'pol', '--debug', '--as-of', testAsOf]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/internal error \(this is a bug/);
    expect(run.stderr).toMatch(stackLine);
  });

  // The issue asks for ONE line saying it is a bug and where to report it (it was two lines until 1de1ed8).
  it('the bug report is one line', async () => {
    const run = await crash(['check', 'pol', '--as-of', testAsOf]);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('with the built binary (a bug injected into JSON.stringify): exit 2, the stack only with --debug', () => {
    const inject = `--import=data:text/javascript,JSON.stringify=function(){throw%20new%20TypeError('injected%20bug')}`;
    const plain = runBinaryWithin(['check', 'pol', '--format', 'json', '--as-of', testAsOf], { cwd: work, env: { NODE_OPTIONS: inject } });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/^rolecall: internal error \(this is a bug in rolecall, not in your policy\): injected bug; please report it at /);
    expect(plain.stderr).toContain('https://github.com/rolecall-dev/rolecall/issues');
    expect(plain.stderr).not.toMatch(stackLine);
    const debug = runBinaryWithin(['check', 'pol', '--format', 'json', '--debug', '--as-of', testAsOf], { cwd: work, env: { NODE_OPTIONS: inject } });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(stackLine);
  });
});

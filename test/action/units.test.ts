import { describe, expect, it } from 'vitest';
import { annotationCommand, logLine, planAnnotations, rankFindings } from '../../src/action/annotations.js';
import { readInputs, resolveBase, shouldFail } from '../../src/action/inputs.js';
import { failureReason } from '../../src/action/run.js';
import { jobSummary, maxSummaryBytes, type JobSummaryInput } from '../../src/action/summary.js';
import { commentMarker } from '../../src/diff/index.js';
import type { Diagnostic, Severity } from '../../src/model/diagnostic.js';
import { InputError } from '../../src/stages/load.js';

function finding(severity: Severity, line: number, overrides: Partial<Diagnostic> = {}): Diagnostic {
  return {
    rule: severity === 'error' ? 'unknown-reference' : severity === 'warning' ? 'unscoped-grant' : 'unused-role',
    severity,
    message: `finding on line ${line}`,
    file: 'policies/roles.yaml',
    line,
    column: 3,
    endLine: line,
    endColumn: 9,
    subject: { kind: 'role', id: `r${line}` },
    related: [],
    suppressed: false,
    ...overrides,
  };
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('annotations', () => {
  it('ranks errors, warnings and infos, keeping file/line order and leaving out suppressed findings', () => {
    const all = [finding('info', 1), finding('error', 2), finding('warning', 3), finding('error', 4, { suppressed: true }), finding('error', 5)];
    const ranked = rankFindings(all);
    expect(ranked.errors.map((d) => d.line)).toEqual([2, 5]);
    expect(ranked.warnings.map((d) => d.line)).toEqual([3]);
    expect(ranked.infos.map((d) => d.line)).toEqual([1]);
  });

  it('plans at most `limit` per type, errors first, and counts the rest', () => {
    const all = [...Array.from({ length: 12 }, (_, i) => finding('info', i + 1)), ...Array.from({ length: 11 }, (_, i) => finding('error', 100 + i)), finding('warning', 200)];
    const plan = planAnnotations(rankFindings(all));
    expect(plan.annotated.map((d) => d.severity)).toEqual([...Array(10).fill('error'), 'warning', ...Array(10).fill('info')]);
    expect(plan.omitted).toEqual({ errors: 1, warnings: 0, notices: 2 });
  });

  it('writes file and line first, columns only on one line, related locations after the message', () => {
    expect(annotationCommand(finding('error', 6))).toBe('::error file=policies/roles.yaml,line=6,col=3,endLine=6,endColumn=9,title=unknown-reference::finding on line 6');
    expect(annotationCommand(finding('info', 6, { endLine: 8 }))).toBe('::notice file=policies/roles.yaml,line=6,endLine=8,title=unused-role::finding on line 6');
    const related = finding('warning', 2, { file: 'a,b:c.yaml', message: '50% done\nnext', related: [{ file: 'x.yaml', line: 1, column: 2, message: 'first here' }] });
    expect(annotationCommand(related)).toBe('::warning file=a%2Cb%3Ac.yaml,line=2,col=3,endLine=2,endColumn=9,title=unscoped-grant::50%25 done%0Anext%0Ax.yaml:1:2: first here');
  });

  it('log lines never start a workflow command, whatever the message says', () => {
    const line = logLine(finding('error', 3, { file: '::error::x.yaml', message: 'a\n::warning::forged' }));
    expect(line).not.toContain('\n');
    expect(line.trimStart().startsWith('::')).toBe(false);
    expect(line).toMatch(/^error\s+::error::x\.yaml:3:3 {2}a ::warning::forged {2}\[unknown-reference\]$/);
  });
});

describe('inputs', () => {
  const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

  it('applies the defaults of action.yml and resolves paths against GITHUB_WORKSPACE', () => {
    const inputs = readInputs(reader({}), { GITHUB_WORKSPACE: '/repo' }, '/elsewhere', () => '2026-01-02');
    expect(inputs).toEqual({ path: 'policies', base: undefined, baseSource: undefined, failOn: 'error', out: 'dist/rolecall', asOf: '2026-01-02', workspace: '/repo' });
    expect(readInputs(reader({}), {}, '/cwd', () => '2026-01-02').workspace).toBe('/cwd');
  });

  it('rejects a bad fail-on, a bad as-of and an out that contains the policy, as input errors', () => {
    expect(() => readInputs(reader({ 'fail-on': 'Error' }), {}, '/r')).toThrow(InputError);
    expect(() => readInputs(reader({ 'as-of': '2026-02-30' }), {}, '/r')).toThrow(/input `as-of` takes a date written YYYY-MM-DD/);
    expect(() => readInputs(reader({ path: 'dist/rolecall/p', out: 'dist/rolecall' }), {}, '/r')).toThrow(/contains the policy directory/);
    expect(() => readInputs(reader({ 'fail-on': 'x\n::error::y' }), {}, '/r')).toThrow(/got `x\\u000a::error::y`/);
  });

  it('takes the base from the input, else from a pull request event, else none', () => {
    expect(resolveBase('git:main', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'dev' })).toEqual({ base: 'git:main', source: 'input' });
    expect(resolveBase('', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'dev' })).toEqual({ base: 'git:origin/dev', source: 'pull-request' });
    expect(resolveBase('', { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_BASE_REF: 'main' })).toEqual({ base: 'git:origin/main', source: 'pull-request' });
    expect(resolveBase('', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: '' })).toBeUndefined();
    expect(resolveBase('', { GITHUB_EVENT_NAME: 'push', GITHUB_BASE_REF: 'main' })).toBeUndefined();
  });

  it('fails per fail-on', () => {
    const c = (errors: number, warnings: number, escalations: number) => ({ errors, warnings, escalations });
    expect(shouldFail('error', c(0, 5, 5))).toBe(false);
    expect(shouldFail('error', c(1, 0, 0))).toBe(true);
    expect(shouldFail('warning', c(0, 1, 0))).toBe(true);
    expect(shouldFail('warning', c(0, 0, 3))).toBe(false);
    expect(shouldFail('escalation', c(0, 9, 0))).toBe(false);
    expect(shouldFail('escalation', c(0, 0, 1))).toBe(true);
    expect(shouldFail('escalation', c(1, 0, 0))).toBe(true);
    expect(shouldFail('never', c(9, 9, 9))).toBe(false);
    expect(failureReason('escalation', c(1, 0, 2), true)).toBe('1 error and 2 escalations (fail-on: escalation)');
    expect(failureReason('warning', c(0, 1, 0), false)).toBe('1 warning (fail-on: warning)');
  });
});

describe('job summary', () => {
  const base: JobSummaryInput = {
    policyPath: 'policies',
    asOf: '2026-11-22',
    base: 'git:origin/main',
    failOn: 'escalation',
    failure: '2 escalations (fail-on: escalation)',
    summary: { errors: 0, warnings: 0, infos: 0, suppressed: 0 },
    escalations: 2,
    ranked: { errors: [], warnings: [], infos: [] },
    omitted: { errors: 0, warnings: 0, notices: 0 },
    notEvaluated: [],
    out: 'dist/rolecall',
    written: 6,
    sarifPath: 'dist/rolecall.sarif',
    diffMarkdown: `${commentMarker}\n### rolecall: access changes\n\nbody\n`,
    diffMarkdownPath: 'dist/rolecall-diff.md',
    logGroup: 'rolecall: findings',
  };

  it('escapes policy text in the findings table', () => {
    const ranked = rankFindings([finding('error', 1, { message: 'role `a|b` <script>alert(1)</script> & more | pipes' })]);
    const text = jobSummary({ ...base, ranked, summary: { ...base.summary, errors: 1 } });
    const row = text.split('\n').find((l) => l.startsWith('| ❌ error'))!;
    expect(row).toContain('`a\\|b`');
    expect(row).toContain('&lt;script&gt;');
    expect(row).not.toContain('<script>');
    expect(row.split(/(?<!\\)\|/).length).toBe(6);
  });

  it('lists at most 50 findings, most severe first, and says how many more', () => {
    const ranked = rankFindings([...Array.from({ length: 40 }, (_, i) => finding('info', i + 1)), ...Array.from({ length: 30 }, (_, i) => finding('error', 100 + i))]);
    const text = jobSummary({ ...base, ranked });
    const rows = text.split('\n').filter((l) => /^\| (❌|ℹ️)/.test(l));
    expect(rows).toHaveLength(50);
    expect(rows.slice(0, 30).every((r) => r.startsWith('| ❌ error'))).toBe(true);
    expect(text).toContain('…and 20 more');
    expect(text).toContain('(the first 50 of 70, most severe first)');
  });

  it('stays under the byte budget, filling the table row by row and leaving out the diff, and says what was cut', () => {
    const long = 'x'.repeat(390);
    const ranked = rankFindings(Array.from({ length: 50 }, (_, i) => finding('error', i + 1, { message: `ä ${long}` })));
    const diffMarkdown = `${commentMarker}\n${'- a line of the diff\n'.repeat(3000)}`;
    for (const budget of [6_000, 20_000, 70_000]) {
      const text = jobSummary({ ...base, ranked, diffMarkdown, summary: { ...base.summary, errors: 50 } }, budget);
      expect(bytes(text), String(budget)).toBeLessThanOrEqual(budget);
      expect(text).toContain("Cut to stay under GitHub's 1 MiB job-summary limit");
      expect(text).toContain('the access diff');
      expect(text).toContain('`dist/rolecall-diff.md`');
    }
    const roomy = jobSummary({ ...base, ranked, diffMarkdown, summary: { ...base.summary, errors: 50 } });
    expect(bytes(roomy)).toBeLessThan(maxSummaryBytes);
    expect(roomy).toContain(commentMarker);
    expect(roomy).not.toContain('Cut to stay under');
  });

  it('names the rules not evaluated', () => {
    const text = jobSummary({ ...base, notEvaluated: [{ rule: 'sod-conflict', reason: 'on `policies/a.yaml` (YAML errors)' }, { rule: 'unused-role', reason: 'on `policies/a.yaml` (YAML errors)' }] });
    expect(text).toContain('2 rules not evaluated');
    expect(text).toContain('`sod-conflict`, `unused-role`');
  });
});

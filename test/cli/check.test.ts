import { describe, expect, it } from 'vitest';
import { runBinary, runCli } from '../helpers/cli.js';

const broken = 'test/fixtures/broken';

describe('rolecall check (issue: foundation, done when)', () => {
  it('reports every structural mistake with rule, file, line and column, exits 1, no stack trace', () => {
    const run = runBinary(['check', broken, '--format', 'json', '--as-of', '2026-11-22']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const doc = JSON.parse(run.stdout);
    expect(doc.format).toBe('rolecall.diagnostics/v1');
    const seen = doc.diagnostics
      .filter((d: { severity: string }) => d.severity === 'error')
      .map((d: { rule: string; file: string; line: number; column: number }) => `${d.rule} ${d.file}:${d.line}:${d.column}`);
    expect(seen).toEqual([
      'yaml-syntax test/fixtures/broken/groups.yaml:3:24',
      'containment-cycle test/fixtures/broken/roles.yaml:10:16',
      'invalid-scope test/fixtures/broken/roles.yaml:11:14',
      'invalid-scope test/fixtures/broken/roles.yaml:14:14',
      'duplicate-definition test/fixtures/broken/roles.yaml:17:3',
      'unknown-reference test/fixtures/broken/users.yaml:4:13',
      'schema test/fixtures/broken/users.yaml:6:11',
      'yaml-syntax test/fixtures/broken/users.yaml:10:5',
    ]);
    const misspelt = doc.diagnostics.find((d: { rule: string }) => d.rule === 'unknown-reference');
    expect(misspelt.message).toContain('did you mean `agent`?');
    expect(misspelt.subject).toEqual({ kind: 'user', id: 'alice' });
    expect(doc.summary).toMatchObject({ errors: 8, suppressed: 0 });
    expect(doc.summary.notEvaluated.map((n: { rule: string }) => n.rule)).toContain('sod-conflict');
    expect(Object.keys(doc.diagnostics[0]).sort()).toEqual(['column', 'file', 'line', 'message', 'related', 'rule', 'severity', 'subject', 'suppressed']);
  });

  it('prints ESLint-style stylish output with code frames (golden)', async () => {
    const run = await runCli(['check', broken, '--as-of', '2026-11-22']);
    expect(run.code).toBe(1);
    await expect(run.stdout).toMatchFileSnapshot('../fixtures/broken.stylish.txt');
  });

  it('colours only when asked and never under NO_COLOR', async () => {
    const plain = await runCli(['check', broken, '--as-of', '2026-11-22']);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runCli(['check', broken, '--as-of', '2026-11-22'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stdout).toContain('\u001b[31m');
  });

  it('passes the example organisation without errors or warnings', async () => {
    const run = await runCli(['check', 'policies', '--as-of', '2026-11-22', '--max-warnings', '0']);
    expect(run.stdout).toMatch(/0 errors, 0 warnings/);
    expect(run.code).toBe(0);
  });

  it.each([
    [['check', '--frobnicate'], /unknown option '--frobnicate'/],
    [['check', 'no/such/dir'], /policy directory `no\/such\/dir` does not exist/],
    [['check', 'policies', '--format', 'xml'], /--format must be one of/],
    [['check', 'policies', '--as-of', '2026-02-30'], /--as-of takes a date/],
    [['check', 'policies', '--max-warnings', 'many'], /--max-warnings takes a whole number/],
    [['check', 'a', 'b'], /expected one policy directory/],
    [['frobnicate'], /unknown command `frobnicate`/],
  ])('bad usage %j exits 2 with one line', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails on warnings over --max-warnings', async () => {
    const run = await runCli(['check', 'test/fixtures/warnings', '--as-of', '2026-11-22', '--max-warnings', '0']);
    expect(run.code).toBe(1);
    const relaxed = await runCli(['check', 'test/fixtures/warnings', '--as-of', '2026-11-22']);
    expect(relaxed.code).toBe(0);
  });
});

describe('rolecall and a reader that stops early', () => {
  it('drops its output quietly when the pipe closes (no EPIPE stack trace) and keeps its exit code', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { root } = await import('../helpers/cli.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rolecall-epipe-'));
    try {
      // Thousands of findings (errors among them): far more output than a pipe buffers.
      const users = Array.from({ length: 3000 }, (_, i) => `  u${i}: { type: external }`);
      writeFileSync(path.join(dir, 'users.yaml'), ['users:', ...users].join('\n') + '\n');
      const script = `node ${JSON.stringify(path.join(root, 'bin/rolecall.js'))} check ${JSON.stringify(dir)} --as-of 2026-11-22 | head -c 100 > /dev/null; exit \${PIPESTATUS[0]}`;
      const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
      expect(run.stderr).toBe('');
      // The same exit code as without the pipe: error-level findings.
      expect(run.status).toBe(1);
      const whole = spawnSync('bash', ['-c', script.replace('head -c 100 > /dev/null', 'wc -c')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
      expect(Number(whole.stdout.trim())).toBeGreaterThan(200_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

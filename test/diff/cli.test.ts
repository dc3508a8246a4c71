import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const fixture = (name: string, side: 'base' | 'head'): string => `test/fixtures/diff/${name}/${side}`;
const pair = (name: string): string[] => ['--base', fixture(name, 'base'), '--head', fixture(name, 'head'), '--as-of', '2026-11-22'];

describe('rolecall diff: exit codes and options', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'rolecall-diff-cli-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('exits 0 with escalations when --fail-on is not given', async () => {
    const run = await runCli(['diff', ...pair('pr-scenario')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rolecall diff test\/fixtures\/diff\/pr-scenario\/base -> test\/fixtures\/diff\/pr-scenario\/head, as of 2026-11-22\n/);
    expect(run.stderr).toBe('');
  });

  it('exits 1 with --fail-on escalation when an escalation is found, and says why', async () => {
    const run = await runCli(['diff', ...pair('pr-scenario'), '--fail-on', 'escalation', '--format', 'md']);
    expect(run.code).toBe(1);
    expect(run.stdout.startsWith('<!-- rolecall-diff -->')).toBe(true);
    expect(run.stderr).toBe('rolecall: 4 escalations (--fail-on escalation)\n');
  });

  it('exits 0 with --fail-on escalation when the change has none (a move between groups, a rename, a deleted group)', async () => {
    for (const name of ['moved-user', 'renamed-role', 'deleted-group']) {
      const run = await runCli(['diff', ...pair(name), '--fail-on', 'escalation']);
      expect(run.code, name).toBe(0);
    }
  });

  it('exits 0 and still diffs when a side has error-level findings, saying so on stderr and at the top of every format', async () => {
    for (const format of ['text', 'md', 'json']) {
      const run = await runCli(['diff', ...pair('broken-head'), '--format', format]);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/^rolecall: warning: the base \(test\/fixtures\/diff\/broken-head\/base\) has \d+ error-level findings?: this diff covers only/m);
      expect(run.stderr).toMatch(/^rolecall: warning: the head \(test\/fixtures\/diff\/broken-head\/head\) has \d+ error-level findings?: this diff covers only/m);
      const top = run.stdout.slice(0, 800);
      if (format === 'json') expect(JSON.parse(run.stdout).incomplete).toHaveLength(2);
      else expect(top).toMatch(/the head \(test\/fixtures\/diff\/broken-head\/head\) has \d+ error-level finding/i);
    }
  });

  it.each([
    [['diff'], /^rolecall: diff needs --base DIR or --base git:REF/],
    [['diff', '--base'], /^rolecall: option '--base\b/i],
    [['diff', '--base', 'policies', 'extra'], /^rolecall: diff takes no positional arguments/],
    [['diff', '--base', 'policies', '--format', 'html'], /^rolecall: --format must be one of md, json, text, got `html`/],
    [['diff', '--base', 'policies', '--fail-on', 'warning'], /^rolecall: --fail-on must be one of escalation, never, got `warning`/],
    [['diff', '--base', 'policies', '--as-of', 'tomorrow'], /^rolecall: --as-of takes a date written YYYY-MM-DD/],
    [['diff', '--base', 'no-such-dir'], /^rolecall: policy directory `no-such-dir` does not exist/],
    [['diff', '--base', 'policies', '--head', 'no-such-dir'], /^rolecall: policy directory `no-such-dir` does not exist/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const run = await runCli([...args, ...(args.includes('--as-of') ? [] : ['--as-of', '2026-11-22'])]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('writes --out and --json-path, and the comment names the JSON artifact', async () => {
    const md = path.join(out, 'comment', 'diff.md');
    const json = path.join(out, 'diff.json');
    const run = await runCli(['diff', ...pair('pr-scenario'), '--format', 'md', '--out', md, '--json-path', json]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`wrote ${md} (4 escalations)\n`);
    const comment = readFileSync(md, 'utf8');
    expect(comment.startsWith('<!-- rolecall-diff -->\n')).toBe(true);
    expect(comment).toContain(`see the artifact \`${json}\``);
    expect(JSON.parse(readFileSync(json, 'utf8')).format).toBe('rolecall.diff/v1');
  });

  it('colours text on request and never under NO_COLOR', async () => {
    const plain = await runCli(['diff', ...pair('pr-scenario')]);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runCli(['diff', ...pair('pr-scenario')], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stdout).toContain('\u001b[31m');
    const md = await runCli(['diff', ...pair('pr-scenario'), '--format', 'md'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(md.stdout).not.toContain('\u001b[');
  });

  it('reports no changes for a policy against itself', async () => {
    const run = await runCli(['diff', '--base', 'policies', '--head', 'policies', '--format', 'md', '--as-of', '2026-11-22', '--fail-on', 'escalation']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No changes in effective access, roles, groups, permissions or findings.');
  });

  it('is listed in --help', async () => {
    const run = await runCli(['--help']);
    expect(run.stdout).toMatch(/\n {2}diff {7}who gains and loses what between two policies/);
  });
});

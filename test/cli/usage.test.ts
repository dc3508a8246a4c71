import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, runCli } from '../helpers/cli.js';

let work: string;
const file = (name: string, text: string | Buffer): string => {
  const target = path.join(work, name);
  writeFileSync(target, text);
  return target;
};

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-usage-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Everyone in the example organisation used their access recently, except the named users. */
function exampleUsage(exceptUsers: readonly string[], kind: 'role' | 'permission' = 'role'): string {
  const users = readFileSync('policies/users/internal.yaml', 'utf8') + readFileSync('policies/users/external.yaml', 'utf8');
  const ids = [...users.matchAll(/^ {2}([a-z][a-z0-9_.-]*):$/gm)].map((m) => m[1]!);
  const item = kind === 'role' ? 'snc_internal' : 'platform.ui.internal';
  return [`user,${kind},lastUsed`, ...ids.filter((id) => !exceptUsers.includes(id)).map((id) => `${id},${item},2026-11-20`)].join('\n') + '\n';
}

describe('check --usage', () => {
  it('without --usage, lists unused-access and dormant-user as not evaluated (JSON summary and stylish)', async () => {
    const json = await runCli(['check', 'policies', '--as-of', '2026-11-22', '--format', 'json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.summary.notEvaluated).toEqual([
      { rule: 'unused-access', reason: 'not evaluated without usage data (pass `--usage FILE`)' },
      { rule: 'dormant-user', reason: 'not evaluated without usage data (pass `--usage FILE`)' },
    ]);
    const stylish = await runCli(['check', 'policies', '--as-of', '2026-11-22']);
    expect(stylish.stdout).toContain('! 2 rules not evaluated without usage data (pass `--usage FILE`): unused-access, dormant-user');
  });

  it('reports dormant users and unused roles of the example organisation; the rules are then evaluated', async () => {
    const usage = file('usage.csv', exampleUsage(['rita.costa', 'lucy.brown']));
    const run = await runCli(['check', 'policies', '--as-of', '2026-11-22', '--format', 'json', '--usage', usage]);
    expect(run.stderr).toBe('');
    const doc = JSON.parse(run.stdout);
    expect(doc.summary.notEvaluated).toBeUndefined();
    const dormant = doc.diagnostics.filter((d: { rule: string }) => d.rule === 'dormant-user').map((d: { subject: { id: string } }) => d.subject.id);
    expect(dormant).toEqual(['lucy.brown', 'rita.costa']);
    const unused = doc.diagnostics.filter((d: { rule: string }) => d.rule === 'unused-access');
    // Everybody else used only snc_internal: every other source role of theirs is unused.
    expect(unused.length).toBeGreaterThan(10);
    expect(unused.every((d: { severity: string }) => d.severity === 'info')).toBe(true);
    expect(run.code).toBe(0); // warnings and infos only
  });

  it('compile --usage writes the usage findings into diagnostics.json', async () => {
    const usage = file('usage-compile.csv', exampleUsage(['rita.costa']));
    const out = path.join(work, 'out');
    const run = await runCli(['compile', 'policies', '--as-of', '2026-11-22', '--out', out, '--usage', usage]);
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'diagnostics.json'), 'utf8'));
    expect(doc.diagnostics.filter((d: { rule: string }) => d.rule === 'dormant-user').map((d: { subject: { id: string } }) => d.subject.id)).toEqual(['rita.costa']);
  });

  it('notes roles the policy does not declare, and ignores them', async () => {
    const usage = file('usage-extra.csv', exampleUsage([]) + 'helen.park,itil_admin,2026-11-01\nhelen.park,itil,2026-11-01\n');
    const run = await runCli(['check', 'policies', '--as-of', '2026-11-22', '--usage', usage]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^rolecall: note: 2 roles in `.*usage-extra\.csv` are not declared in the policy and ignored \(the first, `itil_admin`, in row 42\)\n$/);
  });

  it.each([
    ['a changed header', 'user,perm,lastUsed\nhelen.park,x,2026-11-01\n', /usage-bad\.csv:1: the header is `user,perm,lastUsed`; a usage file starts with `user,permission,lastUsed` or `user,role,lastUsed`/],
    ['a bad date', 'user,role,lastUsed\nhelen.park,snc_internal,2026-11-01\nhelen.park,snc_internal,01/11/2026\n', /usage-bad\.csv:3: `01\/11\/2026` in column lastUsed of row 3 is not a date: write it YYYY-MM-DD/],
    ['an impossible date', 'user,role,lastUsed\nhelen.park,snc_internal,2026-02-30\n', /usage-bad\.csv:2: `2026-02-30` in column lastUsed of row 2 is not a date/],
    ['an unknown user', 'user,role,lastUsed\nhelen.park,snc_internal,2026-11-01\n\nhelen.prak,snc_internal,2026-11-01\n', /usage-bad\.csv:4: user `helen\.prak` in row 4 is not defined in the policy/],
    ['a row with too many cells', 'user,role,lastUsed\nhelen.park,snc_internal,2026-11-01,extra\n', /usage-bad\.csv:2: row 2 has 4 cells, the header user,role,lastUsed has 3/],
    ['an unclosed quote', 'user,role,lastUsed\nhelen.park,"snc_internal,2026-11-01\n', /usage-bad\.csv:2: a quoted cell is never closed/],
    ['an empty file', '', /usage-bad\.csv:1: the file is empty: it needs a header row/],
    ['a row without a user', 'user,role,lastUsed\n,snc_internal,2026-11-01\n', /usage-bad\.csv:2: row 2 has no user/],
  ])('%s: one line naming the file and row, exit 2, nothing else', async (_name, text, message) => {
    const usage = file('usage-bad.csv', text);
    const run = await runCli(['check', 'policies', '--as-of', '2026-11-22', '--usage', usage]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['a missing file', () => path.join(work, 'nope.csv'), /the usage file `.*nope\.csv` does not exist/],
    ['a directory', () => { mkdirSync(path.join(work, 'dir.csv'), { recursive: true }); return path.join(work, 'dir.csv'); }, /is a directory: pass the CSV file/],
    ['Latin-1 text', () => file('latin1.csv', Buffer.from('user,role,lastUsed\nj\xf6rg,x,2026-01-01\n', 'latin1')), /is not valid UTF-8 text: save it as "CSV UTF-8"/],
    ['a binary file', () => file('binary.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])), /is a binary file/],
  ])('%s: one clear line, exit 2, no stack trace (built binary)', (_name, make, message) => {
    const run = runBinary(['compile', 'policies', '--as-of', '2026-11-22', '--out', path.join(work, 'never'), '--usage', make()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

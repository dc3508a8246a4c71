import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/compile.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { readCsv, isCsvProblem } from '../../src/util/csv.js';
import { root, runBinary, runCli } from '../helpers/cli.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-review-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const asOf = ['--as-of', '2026-11-22'];

/** A fresh copy of the example policy under `work`, as `name`. */
function copyPolicy(name: string): string {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(root, 'policies'), dir, { recursive: true });
  return dir;
}

/** Every file of a directory tree with its text, for "nothing changed" checks. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, name.name);
      if (name.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** A packet CSV with decisions filled in by `decide(user, access)`. */
function decide(csvText: string, choose: (user: string, access: string) => string): string {
  const table = readCsv(csvText);
  if (isCsvProblem(table)) throw new Error(table.message);
  const lines = [table.header.join(',')];
  for (const r of table.records) lines.push([...r.cells.slice(0, 6), choose(r.cells[0]!, r.cells[1]!), ...r.cells.slice(7)].map((c) => (/[",\s]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','));
  return lines.join('\n') + '\n';
}

describe('rolecall review: packets of the example organisation', () => {
  let out: string;
  beforeAll(async () => {
    out = path.join(work, 'packets');
    const run = await runCli(['review', 'policies', '--out', out, ...asOf]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `wrote 6 review packets (79 rows) and index.md to ${out} as of 2026-11-22; 1 reviewer is due now\n` +
        'next: send each reviewer their <reviewer>.csv and .html, collect the decisions, then run `rolecall review apply DECISIONS.csv... policies`\n',
    );
  });

  it('writes a packet (CSV and HTML) for every group owner, role owner and sponsor, and index.md', () => {
    // The reviewers, read from the policy independently of the packet code.
    const result = checkPolicy(loadPolicyDirectory('policies', { cwd: root }), { asOf: '2026-11-22', rules: [] });
    const reviewers = new Set<string>();
    for (const group of result.model.groups.values()) if (group.owner && group.members.length > 0) reviewers.add(group.owner.id);
    for (const role of result.model.roles.values()) if (role.owner) reviewers.add(role.owner.id);
    for (const user of result.model.users.values()) if (user.type === 'external' && user.sponsor && user.roles.length + [...result.model.groups.values()].filter((g) => g.members.some((m) => m.id === user.id)).length > 0) reviewers.add(user.sponsor.id);
    expect([...reviewers].sort()).toEqual(['david.chen', 'helen.park', 'kwame.mensah', 'lisa.nguyen', 'maria.lopez', 'samuel.reed']);
    expect(readdirSync(out).sort()).toEqual(['index.md', ...[...reviewers].flatMap((r) => [`${r}.csv`, `${r}.html`])].sort());
    for (const r of reviewers) expect(readFileSync(path.join(out, `${r}.csv`), 'utf8').startsWith('user,access,scope,via,expires,lastReviewed,decision\r\n')).toBe(true);
  });

  it('index.md and two packets match their golden files', async () => {
    await expect(readFileSync(path.join(out, 'index.md'), 'utf8')).toMatchFileSnapshot('../review/golden/index.md');
    await expect(readFileSync(path.join(out, 'kwame.mensah.csv'), 'utf8')).toMatchFileSnapshot('../review/golden/kwame.mensah.csv');
    await expect(readFileSync(path.join(out, 'kwame.mensah.html'), 'utf8')).toMatchFileSnapshot('../review/golden/kwame.mensah.html');
  });

  it('a role held through containment is shown with its path and is not revocable in the packet', () => {
    const csv = readFileSync(path.join(out, 'kwame.mensah.csv'), 'utf8');
    expect(csv).toContain('kwame.mensah,role:now_support_contributor,role:now_support_contributor,role:now_support_admin > role:now_support_contributor,2027-05-31,2026-11-02,\r\n');
    const html = readFileSync(path.join(out, 'kwame.mensah.html'), 'utf8');
    expect(html).toContain('no: contained in role <code>now_support_admin</code>');
  });

  it('shows last use with --usage', async () => {
    const usage = path.join(work, 'usage.csv');
    writeFileSync(usage, 'user,role,lastUsed\nkwame.mensah,now_support_admin,2026-11-20\n');
    const withUsage = path.join(work, 'packets-usage');
    const run = await runCli(['review', 'policies', '--out', withUsage, '--usage', usage, ...asOf]);
    expect(run.code).toBe(0);
    const csv = readFileSync(path.join(withUsage, 'kwame.mensah.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('user,access,scope,via,expires,lastReviewed,decision,lastUsed');
    // A use of now_support_admin is a use of the roles it contains, so of the contributor role it brings.
    expect(csv).toContain('kwame.mensah,role:now_support_contributor,role:now_support_contributor,role:now_support_admin > role:now_support_contributor,2027-05-31,2026-11-02,,\r\n');
    expect(csv).toContain('diego.alvarez,role:now_support_contributor,role:now_support_contributor,role:now_support_contributor,2027-03-31,2026-11-02,,\r\n');
    expect(readFileSync(path.join(withUsage, 'kwame.mensah.html'), 'utf8')).toContain('<th>last used</th>');
  });

  it('writes again over its own earlier packets, removing packets of reviewers who are gone', async () => {
    const again = path.join(work, 'again');
    mkdirSync(again);
    writeFileSync(path.join(again, 'old.reviewer.csv'), 'user,access,scope,via,expires,lastReviewed,decision\n');
    writeFileSync(path.join(again, 'old.reviewer.html'), '<!doctype html>');
    const run = await runCli(['review', 'policies', '--out', again, ...asOf]);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(again, 'old.reviewer.csv'))).toBe(false);
    expect(existsSync(path.join(again, 'maria.lopez.csv'))).toBe(true);
  });

  it.each([
    [['review', 'policies'], /--out DIR is required/],
    [['review', 'policies', '--out', '.'], /contains the policy directory `policies`/],
    [['review', 'no/such/dir', '--out', 'x'], /policy directory `no\/such\/dir` does not exist/],
    [['review', 'policies', '--out', 'x', '--dry-run'], /--dry-run belongs to `rolecall review apply`/],
    [['review', 'apply', '--out', 'x'], /--out belongs to `rolecall review`, not `review apply`/],
    [['review', 'apply'], /name the decisions files to apply/],
  ])('usage errors: %j', async (args, message) => {
    const run = await runCli([...args, ...asOf]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('refuses an --out that holds other files, or packets that already hold decisions', async () => {
    const foreign = path.join(work, 'foreign');
    mkdirSync(foreign, { recursive: true });
    writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    const run = await runCli(['review', 'policies', '--out', foreign, ...asOf]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds files rolecall did not write \(notes\.txt\)/);
    const filled = path.join(work, 'filled');
    mkdirSync(filled, { recursive: true });
    writeFileSync(path.join(filled, 'maria.lopez.csv'), decide(readFileSync(path.join(out, 'maria.lopez.csv'), 'utf8'), () => 'keep'));
    const again = await runCli(['review', 'policies', '--out', filled, ...asOf]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/maria\.lopez\.csv` holds decisions: move the filled-in packets out of --out/);
    expect(readFileSync(path.join(filled, 'maria.lopez.csv'), 'utf8')).toContain(',keep');
  });

  it('refuses a policy with structural errors, writing nothing', async () => {
    const broken = path.join(root, 'test/fixtures/broken');
    const target = path.join(work, 'never');
    const run = await runCli(['review', broken, '--out', target, ...asOf]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('unknown-reference');
    expect(run.stderr).toMatch(/has errors that keep it from being read reliably: fix them first; nothing was written/);
    expect(existsSync(target)).toBe(false);
  });
});

describe('rolecall review apply on the example organisation', () => {
  let packets: string;
  beforeAll(async () => {
    packets = path.join(work, 'apply-packets');
    const run = await runCli(['review', 'policies', '--out', packets, ...asOf]);
    expect(run.code).toBe(0);
  });

  it('revoking one membership and keeping the rest changes exactly those lines (golden), comments intact; diff shows the lost access', async () => {
    const before = copyPolicy('before');
    const after = copyPolicy('after');
    const decisions = path.join(work, 'maria.lopez-decisions.csv');
    writeFileSync(decisions, decide(readFileSync(path.join(packets, 'maria.lopez.csv'), 'utf8'), (user, access) => (user === 'noah.kim' && access === 'group:case-collaborators' ? 'revoke' : 'keep')));
    const run = await runCli(['review', 'apply', decisions, 'after', ...asOf], { cwd: work });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    await expect(run.stdout.replaceAll(decisions, 'DECISIONS.csv')).toMatchFileSnapshot('../review/golden/apply-maria.lopez.txt');

    const old = snapshot(before);
    const now = snapshot(after);
    const patches = [...old.keys()]
      .sort()
      .filter((file) => old.get(file) !== now.get(file))
      .map((file) => createTwoFilesPatch(`before/${file}`, `after/${file}`, old.get(file)!, now.get(file)!, '', '', { context: 1 }))
      .join('');
    await expect(patches).toMatchFileSnapshot('../review/golden/apply-maria.lopez.diff');
    // Exactly: one membership line and reviewedAt lines; every comment survives.
    const changed = patches.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed.filter((l) => !/reviewedAt: /.test(l))).toEqual(['-    members: [noah.kim, diego.alvarez]', '+    members: [diego.alvarez]']);
    for (const [file, text] of old) {
      const comments = text.split('\n').filter((l) => l.trim().startsWith('#'));
      const kept = new Set(now.get(file)!.split('\n'));
      for (const c of comments) expect(kept.has(c), `${file}: ${c}`).toBe(true);
    }

    const diff = await runCli(['diff', '--base', 'before', '--head', 'after', '--format', 'json', ...asOf], { cwd: work });
    expect(diff.code).toBe(0);
    const doc = JSON.parse(diff.stdout);
    expect(Object.keys(doc.users)).toEqual(['noah.kim']);
    const noah = doc.users['noah.kim'];
    expect(noah.rolesRemoved).toEqual(['sn_customerservice.case_contributor_editor', 'sn_customerservice.case_contributor_viewer', 'snc_internal']);
    expect(Object.keys(noah.removed)).toEqual(['case.field.limited_write', 'case.related.read', 'platform.ui.internal']);
  });

  it('the edited policy has no structural finding, and applying the same file again refuses the revoked row', async () => {
    const after = copyPolicy('twice');
    const decisions = path.join(work, 'twice.csv');
    writeFileSync(decisions, decide(readFileSync(path.join(packets, 'maria.lopez.csv'), 'utf8'), (user, access) => (user === 'noah.kim' && access === 'group:case-collaborators' ? 'revoke' : 'keep')));
    expect((await runCli(['review', 'apply', decisions, after, ...asOf])).code).toBe(0);
    const check = JSON.parse((await runCli(['check', after, ...asOf, '--format', 'json'])).stdout);
    // Noah's only group is gone: user-without-role says so, as it should; nothing is malformed.
    expect(check.diagnostics.filter((d: { severity: string; suppressed: boolean }) => d.severity === 'error' && !d.suppressed).map((d: { rule: string; subject: { id: string } }) => `${d.rule} ${d.subject.id}`)).toEqual(['user-without-role noah.kim']);
    const unchanged = snapshot(after);
    const again = await runCli(['review', 'apply', decisions, after, ...asOf]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/twice\.csv:\d+: `noah\.kim` is no longer a member of group `case-collaborators`: the row no longer matches the policy; export the packets again\nrolecall: 1 row refused: nothing was applied\n$/);
    expect(snapshot(after)).toEqual(unchanged);
  });

  it('--dry-run says what would change and writes nothing', async () => {
    const dir = copyPolicy('dry');
    const decisions = path.join(work, 'dry.csv');
    writeFileSync(decisions, decide(readFileSync(path.join(packets, 'helen.park.csv'), 'utf8'), () => 'keep'));
    const unchanged = snapshot(dir);
    const run = await runCli(['review', 'apply', decisions, dir, '--dry-run', ...asOf]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^would apply the decisions of/);
    expect(run.stdout).toMatch(/would change 3 files: /);
    expect(snapshot(dir)).toEqual(unchanged);
  });

  /** A decisions file made from a packet, then changed by `edit`. */
  function decisionsFile(name: string, reviewer: string, choose: (user: string, access: string) => string, edit: (text: string) => string = (t) => t): string {
    const file = path.join(work, name);
    writeFileSync(file, edit(decide(readFileSync(path.join(packets, `${reviewer}.csv`), 'utf8'), choose)));
    return file;
  }

  it.each([
    ['a changed header', () => decisionsFile('h.csv', 'maria.lopez', () => 'keep', (t) => t.replace('decision', 'verdict')), 2, /h\.csv:1: the header is `user,access,scope,via,expires,lastReviewed,verdict`, not a review packet's `user,access,scope,via,expires,lastReviewed,decision`/],
    ['a decision other than keep or revoke', () => decisionsFile('d.csv', 'maria.lopez', (u) => (u === 'lea.martin' ? 'approve' : 'keep')), 2, /d\.csv:8: the decision `approve` in row 8 is not `keep` or `revoke`/],
    ['an unknown user', () => decisionsFile('u.csv', 'maria.lopez', () => 'keep', (t) => t.replace('\nnoah.kim,', '\nnoah.kimm,')), 1, /u\.csv:3: user `noah\.kimm` is not defined in the policy \(any more\)/],
    [
      'a revoke of a role held through containment',
      () => decisionsFile('c.csv', 'kwame.mensah', (u, a) => (u === 'kwame.mensah' && a === 'role:now_support_contributor' ? 'revoke' : 'keep')),
      1,
      /c\.csv:\d+: role `now_support_contributor` is contained in role `now_support_admin` \(.*now-support\.yaml:\d+\), which `kwame\.mensah` holds through `role:now_support_admin`: it cannot be revoked here/,
    ],
    [
      'a revoke of a role held through a group',
      () => decisionsFile('g.csv', 'david.chen', (u, a) => (u === 'mei.lin' && a === 'role:sn_customerservice.customer' ? 'revoke' : '')),
      1,
      /g\.csv:\d+: `mei\.lin` holds role `sn_customerservice\.customer` through group `globex-contacts` \(the membership at .*groups\.yaml:\d+\), not by a direct assignment: it cannot be revoked here; revoke the membership in `globex-contacts` instead \(in the packet of its owner `david\.chen`\)/,
    ],
    ['a row that no longer matches', () => decisionsFile('s.csv', 'kwame.mensah', () => 'keep', (t) => t.replace('2027-05-31', '2027-06-30')), 1, /s\.csv:\d+: the row no longer matches the policy: its `expires` was `2027-06-30` in the packet and is `2027-05-31` now/],
  ])('%s: refused with file and row, nothing applied', async (_name, make, code, message) => {
    const dir = copyPolicy('refused');
    const unchanged = snapshot(dir);
    const run = runBinary(['review', 'apply', make(), dir, ...asOf]);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
    expect(snapshot(dir)).toEqual(unchanged);
  });

  it('refuses everything when one of several files has a refused row, and contradicting decisions across files', async () => {
    const dir = copyPolicy('several');
    const unchanged = snapshot(dir);
    const good = decisionsFile('good.csv', 'maria.lopez', () => 'keep');
    const bad = decisionsFile('bad.csv', 'kwame.mensah', (u, a) => (u === 'yuki.tanaka' && a === 'group:northwind-employees' ? 'revoke' : ''));
    const contra = decisionsFile('contra.csv', 'kwame.mensah', (u, a) => (u === 'yuki.tanaka' && a === 'group:northwind-employees' ? 'keep' : ''));
    const run = await runCli(['review', 'apply', good, bad, contra, dir, ...asOf]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/contra\.csv:\d+: `keep` for `yuki\.tanaka` `group:northwind-employees` contradicts `revoke` in .*bad\.csv:\d+: decide the row once/);
    expect(snapshot(dir)).toEqual(unchanged);
  });

  it('refuses a policy with errors, and a missing decisions file, changing nothing', async () => {
    const dir = copyPolicy('broken');
    writeFileSync(path.join(dir, 'oops.yaml'), 'users:\n  zed: { type: internal, roles: [nope] }\n');
    const unchanged = snapshot(dir);
    const decisions = decisionsFile('ok.csv', 'maria.lopez', () => 'keep');
    const run = await runCli(['review', 'apply', decisions, dir, ...asOf]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/nothing was written/);
    expect(snapshot(dir)).toEqual(unchanged);
    const missing = await runCli(['review', 'apply', path.join(work, 'nope.csv'), dir, ...asOf]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/the decisions file `.*nope\.csv` does not exist/);
  });
});

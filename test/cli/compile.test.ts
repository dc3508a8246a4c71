import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runBinary, runCli } from '../helpers/cli.js';

const asOf = ['--as-of', '2026-11-22'];
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-compile-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Matrix = {
  roles: Record<string, { effectiveRoles: string[]; grants: Record<string, string | true>; holders: string[] }>;
  groups: Record<string, { members: string[]; roles: string[] }>;
  users: Record<string, { groups: string[]; roles: string[]; permissions: Record<string, string | true>; status: string; type: string }>;
  format: string;
  asOf: string;
  source: { files: string[]; digest: string };
};

describe('rolecall compile on the example organisation (issue: resolve, done when)', () => {
  let matrix: Matrix;
  let out: string;

  beforeAll(() => {
    out = path.join(work, 'example');
    const run = runBinary(['compile', 'policies', '--out', out, ...asOf]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    matrix = JSON.parse(readFileSync(path.join(out, 'matrix.json'), 'utf8')) as Matrix;
  });

  it('writes every artifact', () => {
    expect(readdirSync(out).sort()).toEqual(['diagnostics.json', 'matrix.csv', 'matrix.html', 'matrix.json', 'matrix.md', 'permissions.ts']);
    expect(matrix.format).toBe('rolecall.matrix/v1');
    expect(matrix.asOf).toBe('2026-11-22');
    expect(matrix.source.files[0]).toBe('policies/controls.yaml');
    expect(matrix.source.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('the Now Support admin effectively holds Trust and Contributor', () => {
    expect(matrix.roles['now_support_admin']!.effectiveRoles).toEqual(expect.arrayContaining(['now_support_admin', 'now_support_contributor', 'trust']));
    expect(matrix.users['kwame.mensah']!.roles).toEqual(expect.arrayContaining(['now_support_admin', 'now_support_contributor', 'trust']));
    expect(matrix.users['kwame.mensah']!.permissions['trust.compliance_case.create']).toBeDefined();
  });

  it('a subgroup member inherits the parent group\'s roles, not the other way round', () => {
    expect(matrix.users['sofia.rossi']!.groups).toEqual(expect.arrayContaining(['csm-agents', 'csm-agents-emea']));
    expect(matrix.users['sofia.rossi']!.roles).toEqual(expect.arrayContaining(['sn_customerservice_agent', 'sn_customerservice.consumer_agent']));
    expect(matrix.users['ahmed.karim']!.groups).not.toContain('csm-agents-emea');
    expect(matrix.users['ahmed.karim']!.roles).not.toContain('sn_customerservice.consumer_agent');
    expect(matrix.users['ahmed.karim']!.permissions['household.read']).toBeUndefined();
    expect(matrix.groups['csm-agents']!.members).toEqual(expect.arrayContaining(['ahmed.karim', 'sofia.rossi']));
  });

  it('own from one role and account from another give account', () => {
    expect(matrix.users['carla.mendes']!.permissions['case.read']).toBe('account');
  });

  it('a denied permission is absent', () => {
    expect(matrix.users['tomas.berg']!.permissions['kb.write']).toBe(true);
    expect(matrix.users['tomas.berg']!.permissions['kb.publish']).toBeUndefined();
    expect(matrix.roles['x_nwn.agent_trainee']!.grants['kb.publish']).toBeUndefined();
  });

  it('an expired assignment and an inactive user give nothing', () => {
    expect(matrix.users['ben.carter']!.roles).not.toContain('sn_customerservice.contact_manager');
    expect(matrix.users['ben.carter']!.permissions['contact.manage']).toBeUndefined();
    expect(matrix.users['hannah.weiss']!).toMatchObject({ status: 'inactive', roles: [], permissions: {}, groups: [] });
    expect(matrix.groups['csm-agents-emea']!.members).not.toContain('hannah.weiss');
  });

  it('CSV rows match the JSON matrix, with the shortest path as via', () => {
    const rows = readFileSync(path.join(out, 'matrix.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('user,permission,scope,via');
    const expected = Object.entries(matrix.users).flatMap(([u, user]) => Object.entries(user.permissions).map(([p, v]) => `${u},${p},${v === true ? '' : v}`));
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(expected);
    expect(rows).toContain('carla.mendes,case.read,account,role:sn_customerservice.customer_admin');
  });

  it('two compiles give byte-identical files', () => {
    const second = path.join(work, 'second');
    expect(runBinary(['compile', 'policies', '--out', second, ...asOf]).code).toBe(0);
    for (const name of readdirSync(out)) expect(readFileSync(path.join(second, name)), name).toEqual(readFileSync(path.join(out, name)));
  });

  it('--check passes on fresh artifacts and detects a stale committed matrix', () => {
    expect(runBinary(['compile', 'policies', '--out', out, '--check', ...asOf]).code).toBe(0);
    writeFileSync(path.join(out, 'matrix.csv'), readFileSync(path.join(out, 'matrix.csv'), 'utf8').replace('account', 'all'));
    const stale = runBinary(['compile', 'policies', '--out', out, '--check', ...asOf]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('changed');
    expect(stale.stdout).toContain('matrix.csv');
    expect(stale.stdout).not.toContain('matrix.json');
    const otherDay = runBinary(['compile', 'policies', '--out', out, '--check', '--as-of', '2026-11-23']);
    expect(otherDay.stdout).toContain('matrix.json');
  });
});

describe('rolecall compile: failure modes', () => {
  it('writes nothing and exits 1 when the policy has errors, keeping the previous artifacts', async () => {
    const out = path.join(work, 'keep');
    expect((await runCli(['compile', 'policies', '--out', out, ...asOf])).code).toBe(0);
    const before = readFileSync(path.join(out, 'matrix.json'));
    const run = await runCli(['compile', 'test/fixtures/broken', '--out', out, ...asOf]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nothing was written');
    expect(readFileSync(path.join(out, 'matrix.json'))).toEqual(before);
    const fresh = path.join(work, 'never');
    expect((await runCli(['compile', 'test/fixtures/broken', '--out', fresh, ...asOf])).code).toBe(1);
    expect(existsSync(fresh)).toBe(false);
  });

  it('refuses an out directory that holds other files, or that contains the policy', async () => {
    const foreign = path.join(work, 'foreign');
    cpSync(path.join(root, 'policies'), path.join(foreign, 'policies'), { recursive: true });
    writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
    const run = await runCli(['compile', path.join(foreign, 'policies'), '--out', foreign, ...asOf]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/contains the policy directory/);
    const other = await runCli(['compile', 'policies', '--out', foreign, ...asOf]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds files rolecall did not write \(notes.txt/);
    expect(readFileSync(path.join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('rolecall compile with matrix.csv on a worker thread (the built binary)', () => {
  const threads = { env: { ROLECALL_THREADS: '2' } };
  const siblings = (out: string): string[] => readdirSync(path.dirname(out)).filter((name) => name.startsWith(`${path.basename(out)}.`));

  it('writes nothing, and leaves no lock or staging directory, when the policy has errors', () => {
    const out = path.join(work, 'threaded-broken');
    const run = runBinary(['compile', 'test/fixtures/broken', '--out', out, ...asOf], threads);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nothing was written');
    expect(existsSync(out)).toBe(false);
    expect(siblings(out)).toEqual([]);
  });

  it('reports the findings before an unusable out directory, and the out directory only for a clean policy', () => {
    const out = path.join(work, 'threaded-foreign');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const broken = runBinary(['compile', 'test/fixtures/broken', '--out', out, ...asOf], threads);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('nothing was written');
    const clean = runBinary(['compile', 'policies', '--out', out, ...asOf], threads);
    expect(clean.code).toBe(2);
    expect(clean.stderr).toMatch(/holds files rolecall did not write \(notes.txt/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
    expect(siblings(out)).toEqual([]);
  });

  it('replaces previous artifacts and leaves nothing beside them', () => {
    const out = path.join(work, 'threaded-twice');
    for (let i = 0; i < 2; i++) expect(runBinary(['compile', 'policies', '--out', out, ...asOf], threads).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['diagnostics.json', 'matrix.csv', 'matrix.html', 'matrix.json', 'matrix.md', 'permissions.ts']);
    expect(siblings(out)).toEqual([]);
  });
});

describe('rolecall explain and who-can', () => {
  it('explain names every hop with file:line', async () => {
    const run = await runCli(['explain', 'carla.mendes', 'case.read', ...asOf]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('carla.mendes holds case.read@account');
    const paths = run.stdout.split('\n').filter((l) => l.startsWith('  user '));
    expect(paths.length).toBeGreaterThanOrEqual(2);
    for (const line of paths) {
      const hops = line.replace(/ \(narrower: \w+\)$/, '').trim().split(' > ').slice(1);
      for (const hop of hops) expect(hop).toMatch(/\(policies\/[\w/.-]+\.yaml:\d+\)$/);
    }
  });

  it('explain says why a permission is missing: denied, expired, inactive, no path', async () => {
    expect((await runCli(['explain', 'tomas.berg', 'kb.publish', ...asOf])).stdout).toMatch(/denied by role x_nwn.agent_trainee \(policies\/roles\/csm-internal.yaml:\d+\)/);
    expect((await runCli(['explain', 'ben.carter', 'contact.manage', ...asOf])).stdout).toMatch(/assignment of role sn_customerservice.contact_manager expired on 2026-10-31/);
    expect((await runCli(['explain', 'hannah.weiss', 'case.read', ...asOf])).stdout).toMatch(/the user is inactive/);
    expect((await runCli(['explain', 'ahmed.karim', 'household.read', ...asOf])).stdout).toMatch(/no path/);
  });

  it('explain and who-can exit 2 with a did-you-mean for unknown ids', async () => {
    const user = await runCli(['explain', 'carla.mendez', ...asOf]);
    expect([user.code, user.stderr.trim()]).toEqual([2, 'rolecall: unknown user `carla.mendez`; did you mean `carla.mendes`?']);
    const permission = await runCli(['who-can', 'ns.user.manag', ...asOf]);
    expect([permission.code, permission.stderr.trim()]).toEqual([2, 'rolecall: unknown permission `ns.user.manag`; did you mean `ns.user.manage`?']);
  });

  it('who-can lists exactly the holders, with roles and a located path', async () => {
    const run = await runCli(['who-can', 'ns.user.manage', '--format', 'json', ...asOf]);
    const doc = JSON.parse(run.stdout) as { holders: { user: string; roles: string[]; via: string }[] };
    expect(doc.holders.map((h) => h.user)).toEqual(['kwame.mensah', 'yuki.tanaka']);
    expect(doc.holders[0]!.roles).toEqual(['now_support_admin']);
    expect(doc.holders[0]!.via).toMatch(/^user kwame.mensah > role now_support_admin \(policies\/users\/internal.yaml:\d+\) > grant ns.user.manage \(policies\/roles\/now-support.yaml:\d+\)$/);
  });

  it('who-can --scope keeps only holders at that scope or wider', async () => {
    const all = JSON.parse((await runCli(['who-can', 'case.read', '--format', 'json', ...asOf])).stdout) as { holders: { user: string; scope: string }[] };
    const wide = JSON.parse((await runCli(['who-can', 'case.read', '--scope', 'all', '--format', 'json', ...asOf])).stdout) as { holders: { user: string; scope: string }[] };
    expect(wide.holders.length).toBeLessThan(all.holders.length);
    expect(wide.holders.every((h) => h.scope === 'all')).toBe(true);
    expect(wide.holders.map((h) => h.user)).toEqual(all.holders.filter((h) => h.scope === 'all').map((h) => h.user));
  });
});

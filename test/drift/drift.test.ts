import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareAccess } from '../../src/drift/compare.js';
import { formatDriftMarkdown } from '../../src/drift/format.js';
import type { EffectivePolicy } from '../../src/drift/effective.js';
import { root, runCli } from '../helpers/cli.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-drift-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const asOf = ['--as-of', '2026-11-22'];
const policy = path.join(root, 'policies');

function csv(name: string, text: string): string {
  const file = path.join(work, name);
  writeFileSync(file, text);
  return file;
}

describe('rolecall drift with a CSV of observed access', () => {
  it('user,role: unexpected first, then missing; managed ignores undeclared roles, authoritative counts them', async () => {
    const observed = csv('roles.csv', 'user,role\nkwame.mensah,now_support_admin\nkwame.mensah,not_a_declared_role\nghost.user,now_support_admin\n');
    const managed = await runCli(['drift', '--observed', observed, '--dir', policy, '--format', 'json', ...asOf]);
    expect(managed.code).toBe(1);
    const report = JSON.parse(managed.stdout) as { format: string; summary: { unexpected: number }; users: { user: string; only?: string; unexpected: { role: string }[]; missing: unknown[] }[]; unknownUsers: string[] };
    expect(report.format).toBe('rolecall.drift/v1');
    expect(report.unknownUsers).toEqual(['ghost.user']);
    const ghost = report.users.find((u) => u.user === 'ghost.user')!;
    expect(ghost).toEqual({ user: 'ghost.user', only: 'observed', unexpected: [{ role: 'now_support_admin' }], missing: [] });
    const kwame = report.users.find((u) => u.user === 'kwame.mensah')!;
    expect(kwame.unexpected).toEqual([]);
    const authoritative = JSON.parse((await runCli(['drift', '--observed', observed, '--dir', policy, '--scope', 'authoritative', '--format', 'json', ...asOf])).stdout) as typeof report;
    expect(authoritative.users.find((u) => u.user === 'kwame.mensah')!.unexpected).toEqual([{ role: 'not_a_declared_role' }]);
  });

  it('user,permission,scope: a wider live scope is unexpected, a narrower one missing', () => {
    const effective: EffectivePolicy = {
      userIds: ['alice'],
      hasUser: (id) => id === 'alice',
      isActive: () => true,
      isRoleDeclared: () => true,
      isPermissionDeclared: (id) => id.startsWith('case.'),
      roles: () => [],
      permissions: () => new Map<string, string | true>([['case.read', 'account'], ['case.write', 'all'], ['case.close', true]]),
      scopes: (p) => (p === 'case.close' ? [] : ['own', 'account', 'all']),
    };
    const observed = { kind: 'permissions' as const, roles: new Map(), users: undefined, notes: [], permissions: new Map([['alice', new Map([['case.read', 'all'], ['case.write', 'own'], ['other.thing', '']])]]) };
    const report = compareAccess(effective, observed, { asOf: '2026-11-22', scope: 'managed', policyPath: 'p', source: { path: 'o.csv', digest: 'sha256:0', kind: 'permissions' } });
    expect(report.users).toEqual([
      {
        user: 'alice',
        unexpected: [{ permission: 'case.read', scope: 'all', policy: 'account' }],
        missing: [{ permission: 'case.write', scope: 'all', observed: 'own' }, { permission: 'case.close' }],
      },
    ]);
  });

  it('the md report stays under 60,000 characters however large the drift, and says what was cut', () => {
    const users = Array.from({ length: 3000 }, (_, i) => `user${String(i).padStart(5, '0')}`);
    const effective: EffectivePolicy = {
      userIds: users,
      hasUser: () => true,
      isActive: () => true,
      isRoleDeclared: () => true,
      isPermissionDeclared: () => true,
      roles: () => Array.from({ length: 30 }, (_, r) => `role_${r}`),
      permissions: () => new Map(),
      scopes: () => [],
    };
    const observed = { kind: 'roles' as const, permissions: new Map(), users: undefined, notes: [], roles: new Map(users.map((u) => [u, new Set(['admin', 'role_0'])])) };
    const report = compareAccess(effective, observed, { asOf: '2026-11-22', scope: 'authoritative', policyPath: 'p', source: { path: 'o.csv', digest: 'sha256:0', kind: 'roles' } });
    const md = formatDriftMarkdown(report);
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toMatch(/^<!-- rolecall-drift -->/);
    expect(md).toContain('✂️ Cut to fit the 60,000-character limit: showing');
    expect(md.split('<details>').length - 1).toBe(md.split('</details>').length - 1);
  });

  it('bad input: exit 2 with one line', async () => {
    const cases: [string[], string][] = [
      [['drift', '--dir', policy], 'drift needs --observed'],
      [['drift', '--observed', path.join(work, 'none.csv'), '--dir', policy], 'does not exist'],
      [['drift', '--observed', csv('header.csv', 'login,role\na,b\n'), '--dir', policy], 'has the header `login,role`'],
      [['drift', '--observed', csv('nouser.csv', 'user,role\n,admin\n'), '--dir', policy], 'row 1 (line 2) has no user'],
      [['drift', '--observed', csv('short.csv', 'user,role\nalice\n'), '--dir', policy], 'row 1 (line 2): 1 fields where the header has 2'],
      [['drift', '--observed', csv('ok.csv', 'user,role\n'), '--dir', policy, '--scope', 'all'], '--scope must be one of managed, authoritative'],
      [['drift', '--observed', csv('ok2.csv', 'user,role\n'), '--dir', path.join(work, 'no-policy')], 'does not exist'],
    ];
    for (const [args, text] of cases) {
      const run = await runCli([...args, ...asOf]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(text);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

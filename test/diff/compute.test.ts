import { describe, expect, it } from 'vitest';
import { checkPolicy, ParseCache } from '../../src/compile.js';
import { computeDiff, diffFindings, PathFinder } from '../../src/diff/index.js';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { formatPath } from '../../src/query.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { shortestPermissionPath, shortestRolePath } from '../../src/stages/paths.js';
import { root } from '../helpers/cli.js';
import { checkYaml, testAsOf, yaml } from '../helpers/policy.js';
import { structuralRules } from './helpers.js';

const check = (text: string) => checkYaml(text, { rules: structuralRules });
const diff = (base: string, head: string) => computeDiff(check(base), check(head));

const permissions = yaml`
  permissions:
    case.read: { scopes: [own, account, all] }
    case.write: { scopes: [own, account, all], risk: medium }
    case.delete: { risk: high }
    kb.read: {}
`;

describe('computeDiff', () => {
  it('gives the same paths as explain (shortestPermissionPath / shortestRolePath) on the example organisation', () => {
    const result = checkPolicy(loadPolicyDirectory('policies', { cwd: root }), { asOf: testAsOf, rules: structuralRules });
    const res = result.resolution;
    const finder = new PathFinder(res);
    let compared = 0;
    for (let u = 0; u < res.userIds.length; u++) {
      for (let p = 0; p < res.permissionIds.length; p++) {
        if (res.level(u, p) === 0) continue;
        expect(finder.permissionPath(u, p)).toBe(formatPath(shortestPermissionPath(res, u, p)!));
        compared++;
      }
      for (const r of res.userRoles[u]!.toArray()) expect(finder.rolePath(u, r)).toBe(formatPath(shortestRolePath(res, u, r)!));
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('reports nothing for the same policy', () => {
    const text = permissions + yaml`
      roles:
        agent: { grants: [case.read@all] }
      users:
        alice: { type: internal, roles: [agent] }
    `;
    const report = diff(text, text);
    expect([report.users, report.roles, report.groups, report.permissions, report.escalations, report.findings.introduced, report.findings.resolved]).toEqual([[], [], [], [], [], [], []]);
  });

  it('counts a widened low-risk scope of an internal user as a change, not an escalation; an external user\'s as an escalation', () => {
    const policy = (scope: string) =>
      permissions +
      yaml`
        roles:
          reader: { grants: [case.read@${scope}] }
        users:
          alice: { type: internal, roles: [reader] }
          carla: { type: external, sponsor: alice, roles: [reader] }
      `;
    const report = diff(policy('own'), policy('all'));
    expect(report.users.map((u) => [u.user, u.changed.map((c) => `${c.permission} ${String(c.from)}->${String(c.to)} widened=${c.widened}`)])).toEqual([
      ['alice', ['case.read own->all widened=true']],
      ['carla', ['case.read own->all widened=true']],
    ]);
    expect(report.escalations.map((e) => `${e.user} ${e.kind}`)).toEqual(['carla widened-scope']);
    // narrowing is never an escalation
    const narrowed = diff(policy('all'), policy('own'));
    expect(narrowed.users.flatMap((u) => u.changed.map((c) => c.widened))).toEqual([false, false]);
    expect(narrowed.escalations).toEqual([]);
  });

  it('flags any permission an external user gains, and each high/critical permission or privileged role anyone gains', () => {
    const base = permissions + yaml`
      roles:
        reader: { grants: [kb.read] }
        writer: { grants: [case.write@own] }
        cleaner: { privileged: true, grants: [case.delete] }
      users:
        alice: { type: internal, roles: [reader] }
        carla: { type: external, sponsor: alice, roles: [reader] }
    `;
    const head = base.replace('alice: { type: internal, roles: [reader] }', 'alice: { type: internal, roles: [reader, writer, cleaner] }').replace('carla: { type: external, sponsor: alice, roles: [reader] }', 'carla: { type: external, sponsor: alice, roles: [reader, writer] }');
    const report = diff(base, head);
    expect(report.escalations.map((e) => `${e.user} ${e.kind} ${e.role ?? e.permission}`)).toEqual([
      'alice privileged-role cleaner',
      'alice high-risk-permission case.delete',
      'carla external-access case.write',
    ]);
    // the reverse change is all losses: never an escalation
    const back = diff(head, base);
    expect(back.escalations).toEqual([]);
    expect(back.users.map((u) => `${u.user} -${u.removed.map((l) => l.permission).join(',')}`)).toEqual(['alice -case.delete,case.write', 'carla -case.write']);
  });

  it('reports the blast radius of a high/critical permission gained by more than settings.maxNewHolders users', () => {
    const policy = (members: number, max: number): string =>
      permissions +
      [
        'roles:',
        '  base: { grants: [kb.read] }',
        '  cleaner: { grants: [case.delete] }',
        'groups:',
        `  cleaners: { roles: [cleaner], members: [${Array.from({ length: members }, (_, i) => `u${i}`).join(', ')}] }`,
        'users:',
        ...Array.from({ length: 12 }, (_, i) => `  u${i}: { type: internal, roles: [base] }`),
        'settings:',
        `  maxNewHolders: ${max}`,
      ].join('\n');
    const report = diff(policy(0, 10), policy(12, 10));
    expect(report.escalations.filter((e) => e.kind === 'blast-radius')).toEqual([{ kind: 'blast-radius', permission: 'case.delete', risk: 'high', newHolders: 12, maxNewHolders: 10 }]);
    expect(report.escalations.filter((e) => e.kind === 'high-risk-permission')).toHaveLength(12);
    expect(diff(policy(0, 12), policy(12, 12)).escalations.some((e) => e.kind === 'blast-radius')).toBe(false);
    expect(diff(policy(2, 10), policy(12, 10)).escalations.some((e) => e.kind === 'blast-radius')).toBe(false);
  });

  it('compares scopes by name when a permission\'s scope list changes', () => {
    const policy = (scopes: string, grants: string) =>
      yaml`
        permissions:
          case.read: { scopes: [${scopes}] }
        roles:
          narrow: { grants: [case.read@own] }
          wide: { grants: [${grants}] }
        users:
          alice: { type: internal, roles: [narrow] }
          bob: { type: internal, roles: [wide] }
      `;
    // a scope inserted in the middle: nobody's access changes
    expect(diff(policy('own, all', 'case.read@all'), policy('own, account, all', 'case.read@all')).users).toEqual([]);
    // a scope renamed: the change is shown, and counted as a widening (it cannot be ordered)
    const renamed = diff(policy('own, everything', 'case.read@everything'), policy('own, all', 'case.read@all'));
    expect(renamed.users.map((u) => u.changed.map((c) => `${u.user} ${String(c.from)}->${String(c.to)} ${c.widened}`))).toEqual([['bob everything->all true']]);
    expect(renamed.permissions).toEqual([{ permission: 'case.read', status: 'changed', changes: [{ field: 'scopes', from: 'own, everything', to: 'own, all' }] }]);
  });

  it('lists new and removed users, roles and groups, and inactive users as losing everything', () => {
    const base = permissions + yaml`
      roles:
        agent: { grants: [kb.read, case.read@own] }
      groups:
        team: { roles: [agent], members: [alice, bob] }
      users:
        alice: { type: internal }
        bob: { type: internal }
    `;
    const head = permissions + yaml`
      roles:
        agent: { grants: [kb.read, case.read@own] }
      groups:
        team: { roles: [agent], members: [alice, carol] }
      users:
        alice: { type: internal, status: inactive }
        carol: { type: internal }
    `;
    const report = diff(base, head);
    expect(report.users.map((u) => `${u.user} ${u.status} +${u.added.length} -${u.removed.length} roles -${u.rolesRemoved.join(',')}`)).toEqual([
      'alice changed +0 -2 roles -agent',
      'bob removed +0 -2 roles -agent',
      'carol added +2 -0 roles -',
    ]);
    expect(report.groups).toEqual([
      { group: 'team', status: 'changed', membersAdded: ['carol'], membersRemoved: ['alice', 'bob'], rolesAdded: [], rolesRemoved: [], subgroupsAdded: [], subgroupsRemoved: [] },
    ]);
    expect(report.counts.users).toEqual({ added: 1, removed: 1, changed: 1 });
  });

  it('reports a definition change that grants the same as a role change without user changes', () => {
    const policy = (title: string) =>
      permissions +
      yaml`
        roles:
          agent: { title: ${title}, grants: [kb.read] }
        users:
          alice: { type: internal, roles: [agent] }
      `;
    const report = diff(policy('Agent'), policy('Support agent'));
    expect(report.users).toEqual([]);
    expect(report.roles).toEqual([
      expect.objectContaining({ role: 'agent', status: 'changed', fields: ['title'], grantsAdded: [], grantsRemoved: [], grantsChanged: [], holders: { before: 1, after: 1 } }),
    ]);
    expect(report.roles[0]!.patch).toContain('-  title: Agent\n+  title: Support agent\n');
  });

  it('takes denies into account in role and user grants', () => {
    const policy = (denies: string) =>
      permissions +
      yaml`
        roles:
          agent: { grants: [case.read@all, kb.read], denies: [${denies}] }
        users:
          alice: { type: internal, roles: [agent] }
      `;
    const report = diff(policy(''), policy('kb.read'));
    expect(report.roles[0]).toMatchObject({ role: 'agent', fields: ['denies'], grantsRemoved: [{ permission: 'kb.read', scope: true }] });
    expect(report.users[0]).toMatchObject({ user: 'alice', removed: [{ permission: 'kb.read', scope: true, risk: 'low' }] });
  });

  it('matches findings by rule, subject and target, not by position or message', () => {
    const base = permissions + yaml`
      users:
        alice: { type: internal, roles: [agnet] }
    `;
    const moved = permissions + yaml`
      # a comment that moves every line down

      users:
        bob: { type: internal, roles: [kb] }
        alice: { type: internal, roles: [agnet] }
    `;
    const report = diff(base, moved);
    expect(report.findings.introduced.map((f) => `${f.rule} ${f.subject} ${f.target ?? ''}`)).toEqual(['unknown-reference user:bob role:kb']);
    expect(report.findings.resolved).toEqual([]);
  });

  it('counts findings that an exception now accepts as resolved, and keeps duplicates apart', () => {
    const d = (line: number, message: string, suppressed = false, target = 'role:x'): Diagnostic => ({
      rule: 'sod-conflict',
      severity: 'error',
      message,
      file: 'p.yaml',
      line,
      column: 1,
      endLine: line,
      endColumn: 2,
      subject: { kind: 'user', id: 'alice' },
      target: { kind: target.split(':')[0] as 'role', id: target.split(':')[1]! },
      related: [],
      suppressed,
    });
    expect(diffFindings([d(1, 'a')], [d(9, 'b')])).toEqual({ introduced: [], resolved: [] });
    expect(diffFindings([d(1, 'a')], [d(1, 'a', false, 'role:y')]).introduced.map((f) => f.target)).toEqual(['role:y']);
    expect(diffFindings([d(1, 'a')], [d(1, 'a'), d(2, 'a')]).introduced.map((f) => f.line)).toEqual([2]);
    expect(diffFindings([d(1, 'a')], [d(1, 'a', true)])).toEqual({ introduced: [], resolved: [expect.objectContaining({ line: 1, acceptedByException: true })] });
  });
});

describe('the parse cache of the pipeline', () => {
  it('reuses the tree of a file with the same text under another path, with spans on the new file', () => {
    const text = permissions + yaml`
      users:
        alice: { type: internal, roles: [agnet] }
    `;
    const cache = new ParseCache();
    const first = checkPolicy({ files: [{ path: 'base/policy.yaml', text }], problems: [] }, { asOf: testAsOf, rules: structuralRules, cache });
    const second = checkPolicy({ files: [{ path: 'head/policy.yaml', text }], problems: [] }, { asOf: testAsOf, rules: structuralRules, cache });
    expect(cache.hits).toBe(1);
    expect(second.parsed[0]!.root).toBe(first.parsed[0]!.root);
    expect(first.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(['base/policy.yaml:7']);
    expect(second.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(['head/policy.yaml:7']);
    expect(second.model.users.get('alice')!.span.file.path).toBe('head/policy.yaml');
  });

  it('keeps syntax and schema problems of a cached file', () => {
    const text = 'users:\n  alice: { type: robot }\n  alice: { type: internal }\n';
    const cache = new ParseCache();
    const once = checkPolicy({ files: [{ path: 'a.yaml', text }], problems: [] }, { asOf: testAsOf, rules: structuralRules });
    checkPolicy({ files: [{ path: 'a.yaml', text }], problems: [] }, { asOf: testAsOf, rules: structuralRules, cache });
    const cached = checkPolicy({ files: [{ path: 'b.yaml', text }], problems: [] }, { asOf: testAsOf, rules: structuralRules, cache });
    expect(cache.hits).toBe(1);
    expect(cached.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column} ${d.message}`)).toEqual(once.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column} ${d.message}`));
    expect(cached.diagnostics.every((d) => d.file === 'b.yaml')).toBe(true);
    expect(cached.diagnostics.length).toBeGreaterThanOrEqual(2);
  });
});

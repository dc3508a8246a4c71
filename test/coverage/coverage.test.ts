import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { computeCoverage, type CoverageReport } from '../../src/coverage/coverage.js';
import { checkYaml, testAsOf, yaml } from '../helpers/policy.js';
import { policyArbitrary } from '../resolve/arbitraries.js';
import { naiveResolve, type NaivePolicy } from '../resolve/naive.js';

const coverageOf = (text: string): CoverageReport => computeCoverage(checkYaml(text, { rules: [] }).resolution);

const org = yaml`
  permissions:
    case.read: { scopes: [own, all] }
    case.write: {}
    case.delete: { risk: high }
    kb.read: {}
    payment.release: {}
  roles:
    reader: { grants: [case.read@own, kb.read] }
    agent: { contains: [reader], grants: [case.read@all, case.write] }
    admin: { privileged: true, contains: [agent], grants: [case.delete] }
    carve: { denies: [case.write] }
    payer: { grants: [payment.release] }
    unused: { grants: [kb.read] }
  groups:
    agents: { roles: [agent], members: [bob] }
  users:
    alice: { type: internal, roles: [admin] }
    bob: { type: internal, roles: [carve] }
    carol: { type: internal, roles: [admin, payer] }
  separationOfDuties:
    - id: delete-vs-pay
      permissions: [case.delete, payment.release]
`;

describe('assertion coverage: what an assertion exercises', () => {
  it('nothing without assertions; empty kinds count as fully covered', () => {
    const report = coverageOf(org);
    expect(report.assertions).toBe(0);
    expect(report.roles).toEqual({ covered: 0, total: 6, percent: 0, uncovered: ['admin', 'agent', 'carve', 'payer', 'reader', 'unused'] });
    expect(report.privilegedHolders.uncovered).toEqual([{ user: 'alice', role: 'admin' }, { user: 'carol', role: 'admin' }]);
    expect(coverageOf('permissions: { p: {} }').separationOfDuties).toEqual({ covered: 0, total: 0, percent: 100, uncovered: [] });
  });

  it('has: the permission, and the roles on the user\'s paths to its grants and denies (containment included)', () => {
    const report = coverageOf(org + yaml`
      assertions:
        - { user: bob, has: [case.read@own], lacks: [case.write] }
    `);
    // case.read: agent (group) > reader; case.write: agent grants, carve denies.
    expect(report.permissions.uncovered).toEqual(['case.delete', 'kb.read', 'payment.release']);
    expect(report.roles.uncovered).toEqual(['admin', 'payer', 'unused']);
    expect(report.privilegedHolders.covered).toBe(0);
  });

  it('a privileged role on the path exercises that holder\'s holding only', () => {
    const report = coverageOf(org + yaml`
      assertions:
        - { user: alice, has: [kb.read] }
    `);
    expect(report.privilegedHolders).toEqual({ covered: 1, total: 2, percent: 50, uncovered: [{ user: 'carol', role: 'admin' }] });
    expect(report.roles.uncovered).toEqual(['carve', 'payer', 'unused']);
  });

  it('heldBy judges every user: every holder\'s paths are crossed', () => {
    const report = coverageOf(org + yaml`
      assertions:
        - { permission: case.delete, heldBy: [alice, carol] }
    `);
    expect(report.permissions.uncovered).toEqual(['case.read', 'case.write', 'kb.read', 'payment.release']);
    expect(report.roles.uncovered).toEqual(['agent', 'carve', 'payer', 'reader', 'unused']);
    expect(report.privilegedHolders.covered).toBe(2);
    // carol holds payment.release: checking case.delete for her tests the boundary of delete-vs-pay.
    expect(report.separationOfDuties.covered).toBe(1);
  });

  it('role grants/lacks: the role itself and its containment chains to the permission', () => {
    const report = coverageOf(org + yaml`
      assertions:
        - { role: admin, grants: [case.read@all] }
        - { role: unused }
    `);
    // admin > agent grants case.read@all, admin > agent > reader grants it @own: every grant at any scope is on a path.
    expect(report.roles.uncovered).toEqual(['carve', 'payer']);
    expect(report.permissions.uncovered).toEqual(['case.delete', 'case.write', 'kb.read', 'payment.release']);
    expect(report.privilegedHolders.covered).toBe(0); // a role assertion is about no user
  });

  it('a separation-of-duties set needs an item checked for a subject holding another item', () => {
    const checkedAlone = coverageOf(org + yaml`
      assertions:
        - { user: alice, has: [case.delete] }
    `);
    expect(checkedAlone.separationOfDuties.uncovered).toEqual(['delete-vs-pay']); // alice holds no payment.release
    const boundary = coverageOf(org + yaml`
      assertions:
        - { user: carol, lacks: [payment.release] }
    `);
    expect(boundary.separationOfDuties.covered).toBe(1); // carol holds case.delete
  });

  it('percentages round down, so a report never shows a threshold as met when it is not', () => {
    const report = coverageOf(yaml`
      permissions: { a: {}, b: {}, c: {} }
      roles: { r: { grants: [a] } }
      users: { u: { type: internal, roles: [r] } }
      assertions:
        - { user: u, has: [a], lacks: [b] }
    `);
    expect(report.permissions).toMatchObject({ covered: 2, total: 3, percent: 66.6 });
  });

  it('ignores assertions on unknown ids', () => {
    const report = coverageOf(org + yaml`
      assertions:
        - { user: nobody, has: [kb.read] }
        - { user: alice, has: [no.such] }
    `);
    expect(report.assertions).toBe(1);
    expect(report.permissions.covered).toBe(0);
  });
});

// --- a slow model, straight from the definition, sharing no code with src/ ------------------

interface ModelAssertion {
  user?: string;
  permission?: string;
  role?: string;
  has?: string[];
  lacks?: string[];
  heldBy?: string[];
  grants?: string[];
}

interface ModelSod {
  id: string;
  roles?: string[];
  permissions?: string[];
}

type ModelPolicy = NaivePolicy & { separationOfDuties: ModelSod[]; assertions: ModelAssertion[]; privileged: string[] };

const matches = (entry: string, permission: string): boolean => {
  const name = entry.split('@')[0]!;
  return name === '*' || (name.endsWith('.*') ? permission.startsWith(name.slice(0, -1)) : name === permission);
};

/** Every role on a walk from `start` down `contains` that ends at a role whose own grants or denies name p. */
function rolesOnPaths(policy: NaivePolicy, starts: readonly string[], permission: string): Set<string> {
  const out = new Set<string>();
  const walk = (role: string, path: string[]): void => {
    const def = policy.roles[role];
    if (!def) return;
    const here = [...path, role];
    if ([...(def.grants ?? []), ...(def.denies ?? [])].some((e) => matches(e, permission))) for (const r of here) out.add(r);
    for (const c of def.contains ?? []) walk(c, here);
  };
  for (const s of starts) walk(s, []);
  return out;
}

function closureOf(policy: NaivePolicy, role: string, seen = new Set<string>()): Set<string> {
  if (seen.has(role) || !policy.roles[role]) return seen;
  seen.add(role);
  for (const c of policy.roles[role]!.contains ?? []) closureOf(policy, c, seen);
  return seen;
}

/** The live source roles of a user (direct assignments and roles of their groups), as SPEC §2 says. */
function startRoles(policy: NaivePolicy, userId: string): string[] {
  const user = policy.users[userId]!;
  if (user.status === 'inactive') return [];
  const groups = new Set(Object.keys(policy.groups).filter((g) => (policy.groups[g]!.members ?? []).includes(userId)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [g, group] of Object.entries(policy.groups)) {
      if (!groups.has(g) && (group.subgroups ?? []).some((s) => groups.has(s))) {
        groups.add(g);
        grew = true;
      }
    }
  }
  const out: string[] = [];
  for (const a of user.roles ?? []) {
    if (typeof a === 'string') out.push(a);
    else if (a.expires === undefined || a.expires >= testAsOf) out.push(a.role);
  }
  for (const g of groups) out.push(...(policy.groups[g]!.roles ?? []));
  return out;
}

function slowCoverage(policy: ModelPolicy): { roles: string[]; permissions: string[]; sets: string[]; holdings: string[] } {
  const matrix = naiveResolve(policy, testAsOf);
  const roles = new Set<string>();
  const permissions = new Set<string>();
  const holdings = new Set<string>();
  const sets = new Set<string>();
  const rank = (p: string, scope: string | true | undefined): number => (scope === undefined ? 0 : scope === true ? 1 : policy.permissions[p]!.scopes!.indexOf(scope) + 1);
  const itemKey = (kind: string, id: string): string => `${kind}:${id}`;
  const userHolds = (u: string, key: string): boolean => {
    const [kind, id] = key.split(':') as [string, string];
    if (kind === 'role') return startRoles(policy, u).some((s) => closureOf(policy, s).has(id));
    return rank(id, matrix[u]![id]) > 0;
  };
  const roleHolds = (r: string, key: string): boolean => {
    const [kind, id] = key.split(':') as [string, string];
    if (kind === 'role') return closureOf(policy, r).has(id);
    const closure = [...closureOf(policy, r)];
    const denied = closure.some((c) => (policy.roles[c]!.denies ?? []).some((e) => matches(e, id)));
    return !denied && closure.some((c) => (policy.roles[c]!.grants ?? []).some((e) => matches(e, id)));
  };
  const sodCheck = (holds: (key: string) => boolean, checked: Set<string>): void => {
    for (const set of policy.separationOfDuties) {
      const items = [...(set.roles ?? []).map((r) => itemKey('role', r)), ...(set.permissions ?? []).map((p) => itemKey('permission', p))];
      if (items.some((x) => checked.has(x) && items.some((y) => y !== x && holds(y)))) sets.add(set.id);
    }
  };
  const userCheck = (u: string, named: string[]): void => {
    const checked = new Set<string>();
    for (const p of named) {
      permissions.add(p);
      checked.add(itemKey('permission', p));
      for (const r of rolesOnPaths(policy, startRoles(policy, u), p)) {
        roles.add(r);
        checked.add(itemKey('role', r));
        if (policy.privileged.includes(r)) holdings.add(`${u} ${r}`);
      }
    }
    sodCheck((key) => userHolds(u, key), checked);
  };
  for (const a of policy.assertions) {
    if (a.user !== undefined) userCheck(a.user, [...new Set([...(a.has ?? []), ...(a.lacks ?? [])])]);
    else if (a.permission !== undefined) for (const u of Object.keys(policy.users)) userCheck(u, [a.permission]);
    else if (a.role !== undefined) {
      roles.add(a.role);
      const checked = new Set<string>([itemKey('role', a.role)]);
      for (const p of new Set([...(a.grants ?? []), ...(a.lacks ?? [])])) {
        permissions.add(p);
        checked.add(itemKey('permission', p));
        for (const r of rolesOnPaths(policy, [a.role], p)) {
          roles.add(r);
          checked.add(itemKey('role', r));
        }
      }
      sodCheck((key) => roleHolds(a.role!, key), checked);
    }
  }
  const allHoldings: string[] = [];
  for (const u of Object.keys(policy.users)) for (const r of policy.privileged) if (userHolds(u, itemKey('role', r))) allHoldings.push(`${u} ${r}`);
  const sort = (xs: Iterable<string>): string[] => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    roles: sort(Object.keys(policy.roles).filter((r) => !roles.has(r))),
    permissions: sort(Object.keys(policy.permissions).filter((p) => !permissions.has(p))),
    sets: sort(policy.separationOfDuties.map((s) => s.id).filter((id) => !sets.has(id))),
    holdings: sort(allHoldings.filter((h) => !holdings.has(h))),
  };
}

/** Random policies with privileged roles, SoD sets and assertions of every kind. */
const modelPolicy: fc.Arbitrary<ModelPolicy> = policyArbitrary({ rich: true }).chain((policy) => {
  const roleIds = Object.keys(policy.roles);
  const permissionIds = Object.keys(policy.permissions);
  const userIds = Object.keys(policy.users);
  const someOf = <T,>(xs: readonly T[], max: number) => fc.uniqueArray(fc.constantFrom(...xs), { maxLength: max });
  const assertion: fc.Arbitrary<ModelAssertion> = fc.oneof(
    fc.record({ user: fc.constantFrom(...userIds), has: someOf(permissionIds, 2), lacks: someOf(permissionIds, 2) }),
    fc.record({ permission: fc.constantFrom(...permissionIds), heldBy: someOf(userIds, 2) }),
    fc.record({ role: fc.constantFrom(...roleIds), grants: someOf(permissionIds, 2), lacks: someOf(permissionIds, 1) }),
  );
  const sod = fc.record({ roles: someOf(roleIds, 2), permissions: someOf(permissionIds, 2) }).filter((s) => s.roles.length + s.permissions.length >= 2);
  return fc.record({ privileged: someOf(roleIds, 3), assertions: fc.array(assertion, { maxLength: 4 }), sods: fc.array(sod, { maxLength: 3 }) }).map(({ privileged, assertions, sods }) => ({
    ...policy,
    privileged,
    assertions,
    separationOfDuties: sods.map((s, i) => ({ id: `set${i}`, ...s })),
  }));
});

function policyText(policy: ModelPolicy): string {
  const roles = Object.fromEntries(Object.entries(policy.roles).map(([id, role]) => [id, { ...role, ...(policy.privileged.includes(id) ? { privileged: true } : {}) }]));
  return stringify({ permissions: policy.permissions, roles, groups: policy.groups, users: policy.users, separationOfDuties: policy.separationOfDuties, assertions: policy.assertions });
}

describe('assertion coverage: property test against a slow model of the definition', () => {
  it('the uncovered roles, permissions, SoD sets and privileged holdings equal the path-walking model', () => {
    fc.assert(
      fc.property(modelPolicy, (policy) => {
        const result = checkYaml(policyText(policy), { rules: [] });
        expect(result.diagnostics).toEqual([]);
        const report = computeCoverage(result.resolution);
        const slow = slowCoverage(policy);
        expect(report.roles.uncovered).toEqual(slow.roles);
        expect(report.permissions.uncovered).toEqual(slow.permissions);
        expect(report.separationOfDuties.uncovered).toEqual(slow.sets);
        expect(report.privilegedHolders.uncovered.map((h) => `${h.user} ${h.role}`)).toEqual(slow.holdings);
        expect(report.roles.covered + report.roles.uncovered.length).toBe(report.roles.total);
        expect(report.privilegedHolders.covered + report.privilegedHolders.uncovered.length).toBe(report.privilegedHolders.total);
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });
});

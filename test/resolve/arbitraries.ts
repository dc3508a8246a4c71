import fc from 'fast-check';
import type { NaivePolicy } from './naive.js';

const scopeSets = [[], [], ['own', 'all'], ['own', 'account', 'all']] as const;
const prefixes = ['case', 'kb', 'user'] as const;

/** Options for random policies. */
export interface PolicyShape {
  /** Allow scopes, denies, wildcards, expiry and inactive users (off: pure RBAC, for casbin). */
  readonly rich: boolean;
  readonly maxRoles?: number;
  readonly maxGroups?: number;
  readonly maxUsers?: number;
}

/**
 * Random valid policies: containment and subgroups only point to higher
 * indices, so they are DAGs (depth bounded by the counts).
 */
export function policyArbitrary(shape: PolicyShape): fc.Arbitrary<NaivePolicy> {
  return fc
    .record({
      permissionCount: fc.integer({ min: 1, max: 8 }),
      roleCount: fc.integer({ min: 1, max: shape.maxRoles ?? 7 }),
      groupCount: fc.integer({ min: 0, max: shape.maxGroups ?? 5 }),
      userCount: fc.integer({ min: 1, max: shape.maxUsers ?? 6 }),
      seed: fc.array(fc.nat(1000), { minLength: 400, maxLength: 400 }),
    })
    .map(({ permissionCount, roleCount, groupCount, userCount, seed }) => {
      let i = 0;
      const next = (n: number): number => (n <= 0 ? 0 : seed[i++ % seed.length]! % n);
      const chance = (percent: number): boolean => next(100) < percent;
      const policy: NaivePolicy = { permissions: {}, roles: {}, groups: {}, users: {} };
      const permissions: string[] = [];
      for (let p = 0; p < permissionCount; p++) {
        const id = `${prefixes[next(prefixes.length)]}.p${p}`;
        const scopes = shape.rich ? scopeSets[next(scopeSets.length)]! : [];
        policy.permissions[id] = scopes.length > 0 ? { scopes: [...scopes] } : {};
        permissions.push(id);
      }
      const roleIds = Array.from({ length: roleCount }, (_, r) => `r${r}`);
      roleIds.forEach((id, r) => {
        const grants = new Set<string>();
        for (const p of permissions) {
          if (!chance(30)) continue;
          const scopes = policy.permissions[p]!.scopes ?? [];
          grants.add(shape.rich && scopes.length > 0 && chance(80) ? `${p}@${scopes[next(scopes.length)]}` : p);
        }
        if (shape.rich && chance(10)) grants.add(`${prefixes[next(prefixes.length)]}.*`);
        const denies = shape.rich ? permissions.filter(() => chance(8)) : [];
        const contains = roleIds.slice(r + 1).filter(() => chance(25));
        policy.roles[id] = { grants: [...grants], ...(denies.length ? { denies } : {}), ...(contains.length ? { contains } : {}) };
      });
      const userIds = Array.from({ length: userCount }, (_, u) => `u${u}`);
      const groupIds = Array.from({ length: groupCount }, (_, g) => `g${g}`);
      groupIds.forEach((id, g) => {
        const roles = roleIds.filter(() => chance(20));
        const members = userIds.filter(() => chance(30));
        const subgroups = groupIds.slice(g + 1).filter(() => chance(30));
        policy.groups[id] = { roles, members, subgroups };
      });
      for (const id of userIds) {
        const roles: (string | { role: string; expires?: string })[] = [];
        for (const r of roleIds) {
          if (!chance(20)) continue;
          if (shape.rich && chance(30)) roles.push({ role: r, expires: chance(50) ? '2026-11-21' : chance(50) ? '2026-11-22' : '2027-01-01' });
          else roles.push(r);
        }
        policy.users[id] = { type: 'internal', ...(shape.rich && chance(15) ? { status: 'inactive' as const } : {}), roles };
      }
      return policy;
    });
}

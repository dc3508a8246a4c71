import type { CheckResult } from '../compile.js';

/**
 * The policy's side of a drift comparison, as questions: who the users are,
 * what each effectively holds, what the policy declares. The one place the
 * drift code reads the resolver's tables (porting it to the access layer
 * touches this file only).
 */
export interface EffectivePolicy {
  /** Every user id, sorted. */
  readonly userIds: readonly string[];
  hasUser(id: string): boolean;
  isActive(id: string): boolean;
  isRoleDeclared(id: string): boolean;
  isPermissionDeclared(id: string): boolean;
  /** The user's effective role ids, sorted (none for an inactive user). */
  roles(user: string): readonly string[];
  /** The user's effective permissions with their scope (`true` when unscoped), sorted by id. */
  permissions(user: string): ReadonlyMap<string, string | true>;
  /** A permission's scopes, narrowest first (empty when unscoped or undeclared). */
  scopes(permission: string): readonly string[];
}

/** The effective access of a checked policy. */
export function effectivePolicy(result: CheckResult): EffectivePolicy {
  const res = result.resolution;
  const model = result.model;
  return {
    userIds: res.userIds,
    hasUser: (id) => res.userIndex.has(id),
    isActive: (id) => model.users.get(id)?.status !== 'inactive',
    isRoleDeclared: (id) => res.roleIndex.has(id),
    isPermissionDeclared: (id) => res.permissionIndex.has(id),
    roles(user) {
      const u = res.userIndex.get(user);
      if (u === undefined) return [];
      return res.userRoles[u]!.toArray().map((r) => res.roleIds[r]!);
    },
    permissions(user) {
      const u = res.userIndex.get(user);
      const out = new Map<string, string | true>();
      if (u === undefined) return out;
      const { perms, levels } = res.userLevels(u);
      for (let i = 0; i < perms.length; i++) out.set(res.permissionIds[perms[i]!]!, res.levelValue(perms[i]!, levels[i]!));
      return out;
    },
    scopes(permission) {
      const p = res.permissionIndex.get(permission);
      return p === undefined ? [] : res.scopes[p]!;
    },
  };
}

/**
 * A deliberately naive resolver written straight from SPEC §2, sharing no code
 * with src/: plain objects, recursion, fixpoints. Slow and obviously correct.
 */
export interface NaivePolicy {
  permissions: Record<string, { scopes?: string[] }>;
  roles: Record<string, { grants?: string[]; denies?: string[]; contains?: string[] }>;
  groups: Record<string, { roles?: string[]; members?: string[]; subgroups?: string[] }>;
  users: Record<string, { type: 'internal' | 'external'; status?: 'active' | 'inactive'; roles?: (string | { role: string; expires?: string })[] }>;
}

/** user -> permission -> scope name or true. */
export type NaiveMatrix = Record<string, Record<string, string | true>>;

function matches(entry: string, permission: string): boolean {
  const name = entry.split('@')[0]!;
  if (name === '*') return true;
  if (name.endsWith('.*')) return permission.startsWith(name.slice(0, -1));
  return name === permission;
}

function roleClosure(policy: NaivePolicy, role: string, seen = new Set<string>()): Set<string> {
  if (seen.has(role) || !policy.roles[role]) return seen;
  seen.add(role);
  for (const c of policy.roles[role]!.contains ?? []) roleClosure(policy, c, seen);
  return seen;
}

/** Resolves every user's effective permissions as of `asOf`. */
export function naiveResolve(policy: NaivePolicy, asOf: string): NaiveMatrix {
  const out: NaiveMatrix = {};
  for (const [userId, user] of Object.entries(policy.users)) {
    out[userId] = {};
    if (user.status === 'inactive') continue;
    // Effective groups: a fixpoint over "member of a subgroup is a member of the parent".
    const groups = new Set(Object.keys(policy.groups).filter((g) => (policy.groups[g]!.members ?? []).includes(userId)));
    let grew = true;
    while (grew) {
      grew = false;
      for (const [g, group] of Object.entries(policy.groups)) {
        if (!groups.has(g) && (group.subgroups ?? []).some((s) => groups.has(s))) {
          groups.add(g);
          grew = true;
        }
      }
    }
    const direct: string[] = [];
    for (const a of user.roles ?? []) {
      if (typeof a === 'string') direct.push(a);
      else if (a.expires === undefined || a.expires >= asOf) direct.push(a.role);
    }
    for (const g of groups) direct.push(...(policy.groups[g]!.roles ?? []));
    const roles = new Set<string>();
    for (const r of direct) for (const c of roleClosure(policy, r)) roles.add(c);
    for (const [permission, def] of Object.entries(policy.permissions)) {
      const scopes = def.scopes ?? [];
      let best = -1;
      let denied = false;
      for (const r of roles) {
        for (const entry of policy.roles[r]!.grants ?? []) {
          if (!matches(entry, permission)) continue;
          const at = entry.indexOf('@');
          const level = at < 0 || entry.includes('*') ? Math.max(0, scopes.length - 1) : scopes.indexOf(entry.slice(at + 1));
          if (level > best) best = level;
        }
        for (const entry of policy.roles[r]!.denies ?? []) if (matches(entry, permission)) denied = true;
      }
      if (best >= 0 && !denied) out[userId]![permission] = scopes.length === 0 ? true : scopes[best]!;
    }
  }
  return out;
}

import type { GrantRef } from '../model/policy.js';
import { sourcePrefixes } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';
import { Bitset } from '../util/graph.js';
import { describeHeld, describeHow, hasAccess, perSourceSet, roleHeldVia } from './support/conflicts.js';
import type { Rule } from './types.js';

/** One conflict of a user: role `granter` grants permission p by name, role `denier` denies it. */
interface GrantDeny {
  readonly permission: number;
  readonly granter: number;
  readonly grant: GrantRef;
  readonly denier: number;
  readonly deny: GrantRef;
}

/**
 * For an active user and permission p: an effective role grants p by name and
 * another effective role, which does not contain the granting one, denies it.
 * A deny in a role that contains the granting role, or of something granted
 * only by a wildcard, is an intended carve-out and not reported.
 */
export const grantDenyConflict: Rule = {
  meta: { id: 'grant-deny-conflict', description: "a user's roles both grant and deny one permission", severity: 'warning', stage: 'resolution' },
  *check({ model, resolution: res }) {
    const R = res.roleIds.length;
    // Per role: its own grants by name (first entry per permission), and whether it denies anything.
    const namedGrants: Map<number, GrantRef>[] = [];
    const denying = new Bitset(R);
    for (let r = 0; r < R; r++) {
      const named = new Map<number, GrantRef>();
      for (const grant of model.roles.get(res.roleIds[r]!)!.grants) {
        if (grant.wildcard) continue;
        for (const [p] of res.expand(grant)) if (!named.has(p)) named.set(p, grant);
      }
      namedGrants.push(named);
      if (res.directDenies[r]!.size > 0) denying.add(r);
    }
    const conflictsOf = perSourceSet(res, (u): GrantDeny[] => {
      const roles = res.userRoles[u]!;
      const deniers: number[] = [];
      for (let w = 0; w < roles.words.length; w++) {
        let word = roles.words[w]! & denying.words[w]!;
        while (word !== 0) {
          deniers.push((w << 5) + 31 - Math.clz32(word & -word));
          word &= word - 1;
        }
      }
      if (deniers.length === 0) return [];
      const deniedBy = new Map<number, number[]>();
      for (const d of deniers) {
        for (const p of res.directDenies[d]!.keys()) {
          const list = deniedBy.get(p);
          if (list) list.push(d);
          else deniedBy.set(p, [d]);
        }
      }
      const effective = roles.toArray();
      const out: GrantDeny[] = [];
      for (const p of [...deniedBy.keys()].sort((a, b) => a - b)) {
        const conflict = findConflict(res, p, effective, deniedBy.get(p)!, namedGrants);
        if (conflict) out.push(conflict);
      }
      return out;
    });
    for (let u = 0; u < res.userIds.length; u++) {
      if (!hasAccess(res, u)) continue;
      const conflicts = conflictsOf(u);
      if (conflicts.length === 0) continue;
      const user = model.users.get(res.userIds[u]!)!;
      const prefixes = sourcePrefixes(res, u);
      for (const { permission, granter, grant, denier, deny } of conflicts) {
        const p = res.permissionIds[permission]!;
        const g = res.roleIds[granter]!;
        const d = res.roleIds[denier]!;
        const grantVia = roleHeldVia(res, u, granter, prefixes)!;
        const denyVia = roleHeldVia(res, u, denier, prefixes)!;
        yield {
          message:
            `user \`${user.id}\` is granted permission \`${p}\` by role \`${g}\` (${describeHow(grantVia.path)}) but denied it by role \`${d}\` (${describeHow(denyVia.path)}); ` +
            `deny wins, so \`${user.id}\` does not hold \`${p}\`: if the user needs \`${p}\`, remove the deny from \`${d}\` or one of the roles from the user; if not, drop the grant from \`${g}\``,
          span: user.span,
          subject: { kind: 'user', id: user.id },
          target: { kind: 'permission', id: p },
          targets: [
            { kind: 'role', id: g },
            { kind: 'role', id: d },
          ],
          related: [
            { span: grant.span, message: `role \`${g}\` grants \`${grant.text}\`, and the user has role \`${g}\` ${describeHeld(grantVia.path)}` },
            { span: deny.span, message: `role \`${d}\` denies \`${deny.text}\`, and the user has role \`${d}\` ${describeHeld(denyVia.path)}` },
          ],
        };
      }
    }
  },
};

/** The first (granter, denier) pair by role order for permission p where the denier does not contain the granter. */
function findConflict(res: Resolution, p: number, effective: readonly number[], deniers: readonly number[], namedGrants: readonly Map<number, GrantRef>[]): GrantDeny | undefined {
  for (const granter of effective) {
    const grant = namedGrants[granter]!.get(p);
    if (!grant) continue;
    for (const denier of deniers) {
      if (res.roleClosure[denier]!.has(granter)) continue;
      return { permission: p, granter, grant, denier, deny: res.directDenies[denier]!.get(p)![0]! };
    }
  }
  return undefined;
}

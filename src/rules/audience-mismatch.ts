import { sourcePrefixes } from '../stages/paths.js';
import { Bitset } from '../util/graph.js';
import { describeHow, hasAccess, perSourceSet, roleHeldVia } from './support/conflicts.js';
import type { Rule } from './types.js';

/** An active user effectively holds a role meant for the other audience (internal user + external role, or the reverse). */
export const audienceMismatch: Rule = {
  meta: { id: 'audience-mismatch', description: 'a user effectively holds a role of the other audience', severity: 'error', stage: 'resolution' },
  *check({ resolution: res }) {
    const R = res.roleIds.length;
    // Per user type, the roles it must not hold.
    const forbidden = { internal: new Bitset(R), external: new Bitset(R) };
    for (let r = 0; r < R; r++) {
      const audience = res.model.roles.get(res.roleIds[r]!)!.audience;
      if (audience === 'external') forbidden.internal.add(r);
      else if (audience === 'internal') forbidden.external.add(r);
    }
    const typeOf = (u: number): 'internal' | 'external' => res.model.users.get(res.userIds[u]!)!.type;
    const mismatchesOf = perSourceSet(
      res,
      (u) => {
        const roles = res.userRoles[u]!.words;
        const bad = forbidden[typeOf(u)].words;
        const out: number[] = [];
        for (let w = 0; w < roles.length; w++) {
          let word = roles[w]! & bad[w]!;
          while (word !== 0) {
            out.push((w << 5) + 31 - Math.clz32(word & -word));
            word &= word - 1;
          }
        }
        return out;
      },
      typeOf,
    );
    for (let u = 0; u < res.userIds.length; u++) {
      if (!hasAccess(res, u)) continue;
      const mismatches = mismatchesOf(u);
      if (mismatches.length === 0) continue;
      const user = res.model.users.get(res.userIds[u]!)!;
      const prefixes = sourcePrefixes(res, u);
      for (const r of mismatches) {
        const roleId = res.roleIds[r]!;
        const audience = user.type === 'internal' ? 'external' : 'internal';
        const via = roleHeldVia(res, u, r, prefixes)!;
        const fix =
          user.type === 'internal'
            ? `remove the assignment, give the user an internal or any-audience role instead, or mark the role \`audience: any\` if employees may hold it`
            : `remove the assignment, give the user an external or any-audience role instead, or mark the role \`audience: any\` if outside users may hold it`;
        yield {
          message: `${user.type} user \`${user.id}\` holds ${audience} role \`${roleId}\` (${describeHow(via.path)}), which is meant for ${audience} users only: ${fix}`,
          span: user.span,
          subject: { kind: 'user', id: user.id },
          target: { kind: 'role', id: roleId },
          related: [via.related, { span: res.model.roles.get(roleId)!.span, message: `role \`${roleId}\` is declared \`audience: ${audience}\`` }],
        };
      }
    }
  },
};

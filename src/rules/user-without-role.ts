import type { Finding } from '../model/diagnostic.js';
import type { UserDef } from '../model/policy.js';
import type { Resolution } from '../stages/resolve.js';
import { isActive, isExpired, listIds, usersInOrder } from './support/access.js';
import type { Rule } from './types.js';

/** An active user holds no effective role (the seeds: every user must have at least one role). */
export const userWithoutRole: Rule = {
  meta: { id: 'user-without-role', description: 'an active user holds no effective role', severity: 'error', stage: 'resolution' },
  *check({ resolution: res }) {
    for (const [u, user] of usersInOrder(res)) {
      if (!isActive(user) || res.userSources[u]!.length > 0) continue;
      // An assignment of a role that is not (validly) defined is reported by unknown-reference or schema.
      if (user.roles.some((a) => !isExpired(a, res.asOf) && !res.roleIndex.has(a.role.id))) continue;
      yield finding(res, u, user);
    }
  },
};

function finding(res: Resolution, u: number, user: UserDef): Finding {
  const expired = user.roles.filter((a) => isExpired(a, res.asOf));
  const groups = res.userGroups[u]!.map((g) => res.groupIds[g]!);
  const why: string[] = [];
  if (expired.length > 0) why.push(`its ${expired.length === 1 ? 'assignment' : 'assignments'} of ${listIds(expired.map((a) => a.role.id))} expired`);
  if (groups.length > 0) why.push(`its ${groups.length === 1 ? 'group' : 'groups'} ${listIds(groups)} give no role`);
  if (why.length === 0) why.push('it has no role assignment and no group membership');
  return {
    message: `active user \`${user.id}\` holds no effective role (${why.join('; ')}): assign at least one role, directly or through a group, or set \`status: inactive\``,
    span: user.span,
    subject: { kind: 'user', id: user.id },
    related: expired.map((a) => ({ span: a.span, message: `assignment of role \`${a.role.id}\` expired on ${a.expires}` })),
  };
}

import { bitCount, isActive, listIds, usersInOrder } from './support/access.js';
import type { Rule } from './types.js';

/** An active user holds more effective roles than `settings.maxRolesPerUser`. */
export const tooManyRoles: Rule = {
  meta: { id: 'too-many-roles', description: 'a user holds more effective roles than maxRolesPerUser', severity: 'info', stage: 'resolution' },
  *check({ settings, resolution: res }) {
    const limit = settings.maxRolesPerUser;
    for (const [u, user] of usersInOrder(res)) {
      if (!isActive(user)) continue;
      const roles = res.userRoles[u]!;
      const count = bitCount(roles);
      if (count <= limit) continue;
      yield {
        message: `user \`${user.id}\` holds ${count} effective roles, more than \`maxRolesPerUser: ${limit}\`: ${listIds(roles.toArray().map((r) => res.roleIds[r]!))}; remove roles the user no longer needs, or replace several of them with one role that fits the job`,
        span: user.span,
        subject: { kind: 'user', id: user.id },
      };
    }
  },
};

import { listIds, plural, rolesInOrder } from './support/access.js';
import type { Rule } from './types.js';

/** A role has more effective holders than its `maxHolders`, or (privileged roles) `settings.privilegedMaxHolders`. */
export const privilegedHoldersExceeded: Rule = {
  meta: { id: 'privileged-holders-exceeded', description: 'a role has more effective holders than maxHolders / privilegedMaxHolders', severity: 'error', stage: 'resolution' },
  *check({ settings, resolution: res }) {
    for (const [r, role] of rolesInOrder(res)) {
      const limit = role.maxHolders ?? (role.privileged ? settings.privilegedMaxHolders : undefined);
      if (limit === undefined) continue;
      const holders = res.holders(r);
      if (holders.length <= limit) continue;
      const source = role.maxHolders !== undefined ? '`maxHolders`' : '`settings.privilegedMaxHolders` for privileged roles';
      yield {
        message: `role \`${role.id}\` has ${plural(holders.length, 'effective holder')}, more than its limit of ${limit} (${source}): ${listIds(holders.map((u) => res.userIds[u]!))}; remove ${holders.length - limit} of them (directly, from groups or from roles that contain it), or raise the limit`,
        span: role.span,
        subject: { kind: 'role', id: role.id },
      };
    }
  },
};

import type { Finding } from '../model/diagnostic.js';
import { AccessView } from '../review/access.js';
import { lastUse, lastUseOfAnything, usedWithin } from '../usage/last-use.js';
import { daysBetween } from '../util/dates.js';
import type { Rule } from './types.js';

/**
 * With usage data (`--usage FILE`): a user holds a role (a direct assignment,
 * or a role of a group they belong to) that they have not used within
 * `settings.unusedAfterDays`. A role counts as used when the user used it or
 * a role it contains (a `user,role,lastUsed` file), or any permission it
 * gives them (a `user,permission,lastUsed` file). Users who used nothing at
 * all are left to dormant-user (one finding per cause).
 */
export const unusedAccess: Rule = {
  meta: { id: 'unused-access', description: 'a user holds a role or permission not used within unusedAfterDays (needs --usage)', severity: 'info', stage: 'resolution', needs: 'usage' },
  *check({ settings, usage, resolution, asOf }) {
    if (!usage) return;
    const view = new AccessView(resolution);
    const days = settings.unusedAfterDays;
    for (let u = 0; u < view.userIds.length; u++) {
      const userId = view.userIds[u]!;
      const user = view.model.users.get(userId)!;
      if (user.status === 'inactive' || !usedWithin(lastUseOfAnything(usage, userId), asOf, days)) continue;
      for (const source of view.sources(u)) {
        const roleId = view.roleIds[source.role]!;
        let what = 'it';
        if (usage.kind === 'permission') {
          let held = 0;
          for (const p of view.granted(source.role)) if (view.level(u, p) > 0) held++;
          if (held === 0) continue; // nothing to use: the role gives them no permission
          what = held === 1 ? 'the permission it gives them' : `any of the ${held} permissions it gives them`;
        }
        const last = lastUse(view, usage, u, [source.role]);
        if (usedWithin(last, asOf, days)) continue;
        const since =
          last === undefined
            ? `has no recorded use of ${what} in \`${usage.path}\``
            : `has not used ${what} since ${last} according to \`${usage.path}\`, ${daysBetween(last, asOf)} days before ${asOf} (more than \`unusedAfterDays: ${days}\`)`;
        const remove = source.first.kind === 'group' ? `remove them from group \`${source.first.id}\`` : 'remove the assignment';
        const finding: Finding = {
          message: `user \`${userId}\` holds role \`${roleId}\` through \`${source.via}\` and ${since}: if the access is no longer needed, ${remove}`,
          span: source.first.span ?? user.span,
          subject: { kind: 'user', id: userId },
          target: { kind: 'role', id: roleId },
        };
        yield finding;
      }
    }
  },
};

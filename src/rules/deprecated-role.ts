import type { Finding } from '../model/diagnostic.js';
import type { RoleDef } from '../model/policy.js';
import { isLive, listIds } from './support/hygiene.js';
import type { Rule } from './types.js';

/**
 * A deprecated role is assigned: directly to an active user (unexpired), or
 * through a group's `roles`. The message names the replacement.
 */
export const deprecatedRole: Rule = {
  meta: { id: 'deprecated-role', description: 'a deprecated role is assigned to a user or given by a group', severity: 'warning', stage: 'model' },
  *check({ model, resolution: res, asOf }) {
    const deprecated = new Map<string, RoleDef>();
    for (const id of res.roleIds) {
      const role = model.roles.get(id)!;
      if (role.deprecated) deprecated.set(id, role);
    }
    if (deprecated.size === 0) return;
    // Users in definition order (the order findings are reported in).
    for (const user of model.users.values()) {
      if (user.status === 'inactive') continue; // inactive-user-access reports leftovers
      for (const assignment of user.roles) {
        const role = deprecated.get(assignment.role.id);
        if (!role || !isLive(assignment, asOf)) continue; // expired ones: expired-assignment
        yield finding(role, `user \`${user.id}\` is assigned`, '', 'the assignment', {
          span: assignment.span,
          subject: { kind: 'user', id: user.id },
        });
      }
    }
    for (const groupId of res.groupIds) {
      const group = model.groups.get(groupId)!;
      const g = res.groupIndex.get(groupId)!;
      for (const ref of group.roles) {
        const role = deprecated.get(ref.id);
        if (!role) continue;
        const members = res.groupMembers[g]!.map((u) => res.userIds[u]!);
        const reach = members.length === 0 ? '' : ` to ${members.length === 1 ? 'its member' : `its ${members.length} members`} ${listIds(members, 3)}`;
        yield finding(role, `group \`${group.id}\` gives`, reach, 'the role from the group', {
          span: ref.span,
          subject: { kind: 'group', id: group.id },
        });
      }
    }
  },
};

function finding(role: RoleDef, who: string, reach: string, what: string, where: Pick<Finding, 'span' | 'subject'>): Finding {
  const deprecated = role.deprecated!;
  const reason = deprecated.reason ? ` (${deprecated.reason})` : '';
  const replacement = deprecated.replacedBy;
  const fix = replacement ? `it is replaced by \`${replacement.id}\`: assign \`${replacement.id}\` instead and remove ${what}` : `it names no replacement: remove ${what}, or assign the role that now covers this access`;
  return {
    message: `${who} deprecated role \`${role.id}\`${reason}${reach}; ${fix}`,
    ...where,
    target: { kind: 'role', id: role.id },
    related: [{ span: deprecated.span, message: `role \`${role.id}\` is deprecated here` }],
  };
}

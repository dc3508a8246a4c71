import type { Resolution } from '../stages/resolve.js';
import { isActive, listIds, markedInClosure, usersInOrder } from './support/access.js';
import type { Rule } from './types.js';

/**
 * A privileged role (or a role containing one) is assigned directly without
 * `expires`, or given through a group: access that never ends by itself.
 */
export const standingPrivilege: Rule = {
  meta: { id: 'standing-privilege', description: 'a privileged role is assigned without `expires`', severity: 'info', stage: 'resolution' },
  *check({ model, resolution: res }) {
    const privileged = markedInClosure(res, (role) => role.privileged);
    if (privileged.every((p) => p === undefined)) return;

    for (const [, user] of usersInOrder(res)) {
      if (!isActive(user)) continue; // an inactive user's assignments give nothing (inactive-user-access)
      for (const assignment of user.roles) {
        if (assignment.expires !== undefined) continue;
        const r = res.roleIndex.get(assignment.role.id);
        const inside = r === undefined ? undefined : privileged[r];
        if (inside === undefined) continue;
        yield {
          message: `user \`${user.id}\` is assigned ${describe(res, r!, inside)}${r === inside[0] && inside.length === 1 ? '' : ','} without \`expires\`: standing privileged access never ends by itself; add \`expires\` and renew it when still needed`,
          span: assignment.span,
          subject: { kind: 'user', id: user.id },
          target: { kind: 'role', id: res.roleIds[inside[0]!]! },
          targets: inside.map((p) => ({ kind: 'role' as const, id: res.roleIds[p]! })),
        };
      }
    }

    for (const groupId of res.groupIds) {
      const group = model.groups.get(groupId)!;
      for (const ref of group.roles) {
        const r = res.roleIndex.get(ref.id);
        const inside = r === undefined ? undefined : privileged[r];
        if (inside === undefined) continue;
        yield {
          message: `group \`${groupId}\` gives ${describe(res, r!, inside)}, and a group's roles never expire: assign it directly, with \`expires\`, to the few people who need it`,
          span: ref.span,
          subject: { kind: 'group', id: groupId },
          target: { kind: 'role', id: res.roleIds[inside[0]!]! },
          targets: inside.map((p) => ({ kind: 'role' as const, id: res.roleIds[p]! })),
        };
      }
    }
  },
};

/** `privileged role \`r\``, or `role \`r\`, which contains privileged role(s) ...`. */
function describe(res: Resolution, assigned: number, privileged: readonly number[]): string {
  if (privileged.length === 1 && privileged[0] === assigned) return `privileged role \`${res.roleIds[assigned]!}\``;
  const others = privileged.filter((p) => p !== assigned).map((p) => res.roleIds[p]!);
  const self = privileged.includes(assigned) ? 'privileged ' : '';
  return `${self}role \`${res.roleIds[assigned]!}\`, which contains privileged ${others.length === 1 ? 'role' : 'roles'} ${listIds(others)}`;
}

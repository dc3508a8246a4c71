import { policyIncomplete } from './support/hygiene.js';
import type { Rule } from './types.js';

/** A role that no user or group is assigned and no other role contains. */
export const unusedRole: Rule = {
  meta: { id: 'unused-role', description: 'a role is neither assigned nor contained', severity: 'info', stage: 'model' },
  *check(context) {
    const { model, resolution: res } = context;
    if (policyIncomplete(context, ['roles', 'groups', 'users'])) return; // a use may sit in the part left out
    const used = new Uint8Array(res.roleIds.length);
    const mark = (id: string, by?: string): void => {
      const r = res.roleIndex.get(id);
      if (r !== undefined && id !== by) used[r] = 1;
    };
    for (const user of model.users.values()) for (const assignment of user.roles) mark(assignment.role.id);
    for (const group of model.groups.values()) for (const ref of group.roles) mark(ref.id);
    for (const role of model.roles.values()) for (const ref of role.contains) mark(ref.id, role.id);
    for (let r = 0; r < res.roleIds.length; r++) {
      if (used[r]) continue;
      const role = model.roles.get(res.roleIds[r]!)!;
      const fix = role.deprecated
        ? `it is deprecated, so remove it`
        : `assign it to a user or group, let another role contain it, or remove it`;
      yield {
        message: `role \`${role.id}\` is neither assigned to a user or group nor contained by another role: ${fix}`,
        span: role.span,
        subject: { kind: 'role', id: role.id },
      };
    }
  },
};

import { grantLocations, grantText, highRiskPermissions, listIds, maxListed, plural, rolesInOrder } from './support/access.js';
import type { Rule } from './types.js';

/** A role effectively grants (after denies) a high- or critical-risk permission but is not `privileged: true`. */
export const undeclaredPrivilegedRole: Rule = {
  meta: { id: 'undeclared-privileged-role', description: 'a role effectively grants a high/critical permission but is not `privileged: true`', severity: 'warning', stage: 'resolution' },
  *check({ resolution: res }) {
    const risky = highRiskPermissions(res);
    if (risky.length === 0) return;
    for (const [r, role] of rolesInOrder(res)) {
      if (role.privileged) continue;
      const grant = res.roleGrant[r]!;
      const deny = res.roleDeny[r]!;
      const reached = risky.filter((p) => grant[p]! > 0 && !deny[p]);
      if (reached.length === 0) continue;
      const ids = reached.map((p) => res.permissionIds[p]!);
      yield {
        message: `role \`${role.id}\` grants ${plural(reached.length, 'high- or critical-risk permission')} (${listIds(reached.map((p) => grantText(res, p, grant[p]!)))}) but is not \`privileged: true\`: mark it privileged so that its holders are capped and reviewed, or stop granting ${reached.length === 1 ? 'it' : 'them'}`,
        span: role.span,
        subject: { kind: 'role', id: role.id },
        target: { kind: 'permission', id: ids[0]! },
        targets: ids.map((id) => ({ kind: 'permission' as const, id })),
        related: grantLocations(res, r, reached.slice(0, maxListed)),
      };
    }
  },
};

import { grantText, highRiskPermissions, isActive, PathExplainer, usersInOrder } from './support/access.js';
import type { Rule } from './types.js';

/** An active external user effectively holds a permission of risk high or critical. One finding per (user, permission). */
export const highRiskExternal: Rule = {
  meta: { id: 'high-risk-external', description: 'an external user effectively holds a high or critical permission', severity: 'error', stage: 'resolution' },
  *check({ model, resolution: res }) {
    const risky = highRiskPermissions(res);
    if (risky.length === 0) return;
    const paths = new PathExplainer(res);
    for (const [u, user] of usersInOrder(res)) {
      if (user.type !== 'external' || !isActive(user) || res.userSources[u]!.length === 0) continue;
      const { grant, deny } = res.access(u);
      for (const p of risky) {
        if (deny[p] || grant[p] === 0) continue;
        const path = paths.explain(u, p);
        const permission = model.permissions.get(res.permissionIds[p]!)!;
        yield {
          message: `external user \`${user.id}\` holds ${permission.risk}-risk permission \`${grantText(res, p, grant[p]!)}\`${path ? ` via ${path.text}` : ''}: take it away from external users (remove the role or group, or deny \`${permission.id}\` in the role), or lower the permission's risk if it is not that dangerous`,
          span: user.span,
          subject: { kind: 'user', id: user.id },
          target: { kind: 'permission', id: permission.id },
          related: path?.related ?? [],
        };
      }
    }
  },
};

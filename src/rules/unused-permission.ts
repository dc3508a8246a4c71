import { policyIncomplete } from './support/hygiene.js';
import type { Rule } from './types.js';

/** A permission that no role grants (wildcard grants count). */
export const unusedPermission: Rule = {
  meta: { id: 'unused-permission', description: 'a permission is granted by no role', severity: 'info', stage: 'resolution' },
  *check(context) {
    const { model, resolution: res } = context;
    if (policyIncomplete(context, ['roles'])) return; // a grant may sit in the part left out
    const granted = new Uint8Array(res.permissionIds.length);
    for (const grants of res.directGrants) for (const p of grants.keys()) granted[p] = 1;
    for (let p = 0; p < res.permissionIds.length; p++) {
      if (granted[p]) continue;
      const permission = model.permissions.get(res.permissionIds[p]!)!;
      yield {
        message: `permission \`${permission.id}\` is granted by no role: grant it from the role that needs it, or remove it`,
        span: permission.span,
        subject: { kind: 'permission', id: permission.id },
      };
    }
  },
};

import type { GrantRef, PolicyModel, RoleDef } from '../model/policy.js';
import { rolesInOrder } from './support/access.js';
import type { Rule } from './types.js';

/**
 * A role grants a scoped permission by name, without a scope: that means the
 * widest scope, which is rarely what was meant.
 */
export const unscopedGrant: Rule = {
  meta: { id: 'unscoped-grant', description: 'a scoped permission is granted without a scope', severity: 'warning', stage: 'model' },
  *check({ model, resolution: res }) {
    for (const [, role] of rolesInOrder(res)) {
      for (const grant of role.grants) {
        if (grant.wildcard || grant.scope !== undefined) continue;
        const scopes = model.permissions.get(grant.permission)?.scopes;
        if (!scopes) continue; // unscoped, or unknown (unknown-reference reports it)
        const widest = scopes[scopes.length - 1]!;
        const suggestion = narrowestThatFits(model, role, grant, scopes);
        const hint =
          suggestion.scope === widest
            ? `write \`${grant.permission}@${widest}\` if the widest scope is meant${suggestion.because}`
            : `write the narrowest scope that fits, such as \`${grant.permission}@${suggestion.scope}\`${suggestion.because}, or \`${grant.permission}@${widest}\` if the widest is meant`;
        yield {
          message: `role \`${role.id}\` grants \`${grant.permission}\` without a scope, which means its widest scope \`${widest}\`: ${hint}`,
          span: grant.span,
          subject: { kind: 'role', id: role.id },
          target: { kind: 'permission', id: grant.permission },
        };
      }
    }
  },
};

/**
 * The narrowest scope of the permission that covers every scope the role grants
 * explicitly on the same resource (`case.write` next to `case.read@account`
 * suggests `account`); the permission's narrowest scope when there is none.
 */
function narrowestThatFits(model: PolicyModel, role: RoleDef, grant: GrantRef, scopes: readonly string[]): { scope: string; because: string } {
  const resource = resourceOf(grant.permission);
  let level = -1;
  let sibling: GrantRef | undefined;
  for (const other of role.grants) {
    if (other.wildcard || other.scope === undefined || other.permission === grant.permission || resourceOf(other.permission) !== resource) continue;
    if (!model.permissions.get(other.permission)?.scopes?.includes(other.scope)) continue;
    const index = scopes.indexOf(other.scope);
    if (index > level) {
      level = index;
      sibling = other;
    }
  }
  if (sibling) return { scope: scopes[level]!, because: ` (as the role's \`${sibling.text}\`)` };
  return { scope: scopes[0]!, because: '' };
}

/** `case` for `case.read`; the whole id when it has no dot. */
function resourceOf(permission: string): string {
  const dot = permission.lastIndexOf('.');
  return dot < 0 ? permission : permission.slice(0, dot);
}

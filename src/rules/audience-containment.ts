import type { Audience } from '../model/policy.js';
import { chainToGrant } from '../stages/paths.js';
import { describePath } from './support/conflicts.js';
import type { Rule } from './types.js';

/**
 * A role directly contains a role of another audience, or an external or
 * any-audience role effectively grants (after its denies) an internal-only permission.
 */
export const audienceContainment: Rule = {
  meta: {
    id: 'audience-containment',
    description: 'a role contains a role of the other audience, or an external/any role effectively grants an internal-only permission',
    severity: 'error',
    stage: 'resolution',
  },
  *check({ model, resolution: res }) {
    const internalPermissions: number[] = [];
    for (let p = 0; p < res.permissionIds.length; p++) if (model.permissions.get(res.permissionIds[p]!)!.audience === 'internal') internalPermissions.push(p);

    for (let r = 0; r < res.roleIds.length; r++) {
      const role = model.roles.get(res.roleIds[r]!)!;
      for (const ref of role.contains) {
        const contained = model.roles.get(ref.id);
        if (!contained || contained.audience === 'any' || contained.audience === role.audience) continue;
        yield {
          message: `${describeAudience(role.audience)} role \`${role.id}\` contains ${contained.audience} role \`${contained.id}\`, so ${holdersAtRisk(role.audience, contained.audience, role.id)}: ${containsFix(role.audience, contained.audience, role.id, contained.id)}`,
          span: ref.span,
          subject: { kind: 'role', id: role.id },
          target: { kind: 'role', id: contained.id },
          related: [{ span: contained.span, message: `role \`${contained.id}\` is declared \`audience: ${contained.audience}\`` }],
        };
      }
      if (role.audience === 'internal' || internalPermissions.length === 0) continue;
      const grant = res.roleGrant[r]!;
      const deny = res.roleDeny[r]!;
      for (const p of internalPermissions) {
        if (grant[p] === 0 || deny[p] !== 0) continue;
        const permission = model.permissions.get(res.permissionIds[p]!)!;
        const chain = chainToGrant(res, r, p);
        const first = chain[0];
        yield {
          message:
            `${describeAudience(role.audience)} role \`${role.id}\` grants internal-only permission \`${permission.id}\`${chain.length > 1 ? ` (via ${chain.slice(0, -1).map((hop) => `role \`${hop.id}\``).join(' > ')})` : ''}, ` +
            `so ${role.audience === 'external' ? 'every' : 'an external'} holder of \`${role.id}\` would get it: remove the grant, add \`${permission.id}\` to the role's \`denies\`, or make the role \`audience: internal\``,
          span: role.span,
          subject: { kind: 'role', id: role.id },
          target: { kind: 'permission', id: permission.id },
          related: [
            ...(first?.span ? [{ span: first.span, message: `role \`${role.id}\` gets permission \`${permission.id}\` via ${describePath(chain)}` }] : []),
            { span: permission.span, message: `permission \`${permission.id}\` is declared \`audience: internal\`` },
          ],
        };
      }
    }
  },
};

function describeAudience(audience: Audience): string {
  return audience === 'any' ? 'any-audience' : audience;
}

function holdersAtRisk(container: Audience, contained: Audience, roleId: string): string {
  if (container === 'any') return `${contained === 'internal' ? 'external' : 'internal'} holders of \`${roleId}\` would get ${contained}-only access`;
  return `every holder of \`${roleId}\` gets ${contained}-only access`;
}

function containsFix(container: Audience, contained: Audience, roleId: string, containedId: string): string {
  const narrow = container === 'any' ? `, or make \`${roleId}\` \`audience: ${contained}\`` : '';
  return `remove \`${containedId}\` from \`contains\` and grant what ${container} holders need directly${narrow}, or split the role by audience`;
}

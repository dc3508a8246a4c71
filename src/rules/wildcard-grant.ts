import type { Subject } from '../model/diagnostic.js';
import { isHighRisk, listIds, plural, rolesInOrder } from './support/access.js';
import type { Rule } from './types.js';

/**
 * A wildcard grant (`prefix.*`, `*`) in a role whose audience is external or
 * any, or one that reaches a high- or critical-risk permission (one the role
 * does not deny).
 */
export const wildcardGrant: Rule = {
  meta: { id: 'wildcard-grant', description: 'a wildcard grant in an external or any-audience role, or one that reaches a high/critical permission', severity: 'warning', stage: 'resolution' },
  *check({ model, resolution: res }) {
    for (const [r, role] of rolesInOrder(res)) {
      const deny = res.roleDeny[r]!;
      for (const grant of role.grants) {
        if (!grant.wildcard) continue;
        const matched = res.expand(grant).map(([p]) => p);
        if (matched.length === 0) continue; // unknown-reference: matches no declared permission
        const risky = matched.filter((p) => !deny[p] && isHighRisk(model.permissions.get(res.permissionIds[p]!)!.risk));
        const openAudience = role.audience !== 'internal';
        if (!openAudience && risky.length === 0) continue;
        const reasons: string[] = [];
        if (openAudience) reasons.push(`the role's audience is \`${role.audience}\`, so permissions declared later under this prefix reach people outside the organisation without review`);
        if (risky.length > 0) reasons.push(`it reaches ${plural(risky.length, 'high- or critical-risk permission')} ${listIds(risky.map((p) => res.permissionIds[p]!))}`);
        yield {
          message: `role \`${role.id}\` grants the wildcard \`${grant.text}\` (${plural(matched.length, 'permission')} today): ${reasons.join('; and ')}; list the permissions the role needs instead${risky.length > 0 ? ', or deny the risky ones' : ''}`,
          span: grant.span,
          subject: { kind: 'role', id: role.id },
          ...(risky.length > 0 ? { target: permissionSubject(res.permissionIds[risky[0]!]!), targets: risky.map((p) => permissionSubject(res.permissionIds[p]!)) } : {}),
        };
      }
    }
  },
};

function permissionSubject(id: string): Subject {
  return { kind: 'permission', id };
}

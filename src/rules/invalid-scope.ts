import type { Finding, Subject } from '../model/diagnostic.js';
import type { PolicyModel } from '../model/policy.js';
import type { Span } from '../model/source.js';
import { didYouMean } from '../util/suggest.js';
import type { Rule } from './types.js';

/** `p@s` where p has no scope s, or p has no scopes at all. */
export const invalidScope: Rule = {
  meta: { id: 'invalid-scope', description: 'a scope that the permission does not declare, or a scope on a permission without scopes', severity: 'error', stage: 'model' },
  check({ model }) {
    const findings: Finding[] = [];
    const check = (permission: string, scope: string | undefined, span: Span, subject: Subject, where: string): void => {
      if (scope === undefined) return;
      const def = model.permissions.get(permission);
      if (!def) return; // unknown-reference reports it
      if (!def.scopes) {
        findings.push({
          message: `${where} \`${permission}@${scope}\`, but permission \`${permission}\` has no scopes: write \`${permission}\` without \`@${scope}\`, or declare \`scopes\` on the permission`,
          span,
          subject,
          target: { kind: 'permission', id: permission },
        });
      } else if (!def.scopes.includes(scope)) {
        const hint = didYouMean(scope, def.scopes);
        findings.push({
          message: `${where} \`${permission}@${scope}\`, but \`${permission}\` has no scope \`${scope}\`${hint ? ` (${hint.slice(2)})` : ''}; its scopes are ${def.scopes.map((s) => `\`${s}\``).join(', ')}`,
          span,
          subject,
          target: { kind: 'permission', id: permission },
        });
      }
    };
    for (const role of model.roles.values()) {
      for (const grant of role.grants) if (!grant.wildcard) check(grant.permission, grant.scope, grant.span, { kind: 'role', id: role.id }, `role \`${role.id}\` grants`);
      for (const deny of role.denies) if (!deny.wildcard) check(deny.permission, deny.scope, deny.span, { kind: 'role', id: role.id }, `role \`${role.id}\` denies`);
    }
    for (const set of model.separationOfDuties) {
      for (const item of set.items) if (item.kind === 'permission') check(item.id, item.scope, item.span, { kind: 'policy', id: `separationOfDuties:${set.id}` }, `separationOfDuties \`${set.id}\` lists`);
    }
    for (const assertion of model.assertions) {
      const subject: Subject = { kind: 'policy', id: 'assertions' };
      const refs = assertion.kind === 'user' ? [...assertion.has, ...assertion.lacks] : assertion.kind === 'role' ? [...assertion.grants, ...assertion.lacks] : [assertion.subject];
      for (const ref of refs) check(ref.permission, ref.scope, ref.span, subject, 'an assertion names');
    }
    return findings;
  },
};

export type { PolicyModel };

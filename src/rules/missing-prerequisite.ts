import type { RelatedSpan } from '../model/diagnostic.js';
import type { Ref } from '../model/policy.js';
import { sourcePrefixes } from '../stages/paths.js';
import { Bitset } from '../util/graph.js';
import { describeHow, hasAccess, perSourceSet, roleHeldVia } from './support/conflicts.js';
import type { Rule } from './types.js';

/** A prerequisite a role declares: `role` requires `required`, written at `ref`. */
interface Requirement {
  readonly role: number;
  readonly required: number;
  readonly ref: Ref;
}

/** An active user effectively holds role R, R `requires` Q, and the user does not effectively hold Q. */
export const missingPrerequisite: Rule = {
  meta: { id: 'missing-prerequisite', description: 'a user holds a role without a role it requires', severity: 'error', stage: 'resolution' },
  *check({ model, asOf, resolution: res }) {
    const R = res.roleIds.length;
    const requirements: Requirement[][] = Array.from({ length: R }, () => []);
    const requiring = new Bitset(R);
    for (let r = 0; r < R; r++) {
      for (const ref of model.roles.get(res.roleIds[r]!)!.requires) {
        const required = res.roleIndex.get(ref.id);
        if (required === undefined || required === r) continue;
        requirements[r]!.push({ role: r, required, ref });
        requiring.add(r);
      }
      requirements[r]!.sort((a, b) => a.required - b.required);
    }
    const missingOf = perSourceSet(res, (u) => {
      const roles = res.userRoles[u]!;
      const out: Requirement[] = [];
      const words = roles.words;
      for (let w = 0; w < words.length; w++) {
        let word = words[w]! & requiring.words[w]!;
        while (word !== 0) {
          const r = (w << 5) + 31 - Math.clz32(word & -word);
          word &= word - 1;
          for (const requirement of requirements[r]!) if (!roles.has(requirement.required)) out.push(requirement);
        }
      }
      return out;
    });
    for (let u = 0; u < res.userIds.length; u++) {
      if (!hasAccess(res, u)) continue;
      const missing = missingOf(u);
      if (missing.length === 0) continue;
      const user = model.users.get(res.userIds[u]!)!;
      const prefixes = sourcePrefixes(res, u);
      for (const { role, required, ref } of missing) {
        const roleId = res.roleIds[role]!;
        const requiredId = res.roleIds[required]!;
        const via = roleHeldVia(res, u, role, prefixes)!;
        const expired = user.roles.find((a) => a.role.id === requiredId && a.expires !== undefined && a.expires < asOf);
        const related: RelatedSpan[] = [via.related, { span: ref.span, message: `role \`${roleId}\` requires role \`${requiredId}\`` }];
        if (expired) related.push({ span: expired.span, message: `the assignment of role \`${requiredId}\` expired on ${expired.expires!}` });
        yield {
          message:
            `user \`${user.id}\` holds role \`${roleId}\` (${describeHow(via.path)}), which requires role \`${requiredId}\`, but does not hold \`${requiredId}\`` +
            (expired ? ` (its assignment expired on ${expired.expires!})` : '') +
            `: assign \`${requiredId}\` too (directly or through a group), or remove \`${roleId}\``,
          span: user.span,
          subject: { kind: 'user', id: user.id },
          target: { kind: 'role', id: roleId },
          targets: [
            { kind: 'role', id: roleId },
            { kind: 'role', id: requiredId },
          ],
          related,
        };
      }
    }
  },
};

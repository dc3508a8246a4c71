import type { RelatedSpan } from '../model/diagnostic.js';
import { listIds, policyIncomplete } from './support/hygiene.js';
import type { Rule } from './types.js';

/** A group with no effective members: nobody active is in it or in any of its subgroups. */
export const emptyGroup: Rule = {
  meta: { id: 'empty-group', description: 'a group has no effective members', severity: 'info', stage: 'resolution' },
  *check(context) {
    const { model, resolution: res } = context;
    if (policyIncomplete(context, ['groups', 'users'])) return; // a member may sit in the part left out
    for (let g = 0; g < res.groupIds.length; g++) {
      if (res.groupMembers[g]!.length > 0) continue;
      const group = model.groups.get(res.groupIds[g]!)!;
      const inactive = new Set<string>();
      const related: RelatedSpan[] = [];
      // Listed members of the group and of its subgroups, transitively: all inactive (or unknown).
      const seen = new Set<number>([g]);
      const queue = [g];
      for (let i = 0; i < queue.length; i++) {
        const current = model.groups.get(res.groupIds[queue[i]!]!)!;
        for (const member of current.members) {
          if (model.users.get(member.id)?.status !== 'inactive' || inactive.has(member.id)) continue;
          inactive.add(member.id);
          related.push({ span: member.span, message: `\`${member.id}\` is inactive` });
        }
        for (const sub of current.subgroups) {
          const s = res.groupIndex.get(sub.id);
          if (s === undefined || seen.has(s)) continue;
          seen.add(s);
          queue.push(s);
        }
      }
      const why = inactive.size > 0 ? ` (${listIds([...inactive].sort())} ${inactive.size === 1 ? 'is' : 'are'} inactive)` : '';
      const roles = group.roles.map((r) => r.id);
      const reach = roles.length > 0 ? `, so its ${roles.length === 1 ? 'role' : 'roles'} ${listIds(roles)} ${roles.length === 1 ? 'reaches' : 'reach'} nobody` : '';
      yield {
        message: `group \`${group.id}\` has no effective members${why}${reach}: add members, or remove the group`,
        span: group.span,
        subject: { kind: 'group', id: group.id },
        related,
      };
    }
  },
};

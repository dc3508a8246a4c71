import type { RelatedSpan, Subject } from '../model/diagnostic.js';
import type { Span } from '../model/source.js';
import { isExpired, listIds, plural } from './support/access.js';
import type { Rule } from './types.js';

/** One leftover piece of access of an inactive user. */
interface Leftover {
  readonly span: Span;
  readonly message: string;
  readonly target: Subject;
}

/**
 * An inactive user still has role assignments (expired or not) or is listed in
 * a group's `members`. The finding points at the user's first assignment (else
 * the first group, by id, that lists the user); every other entry is related.
 */
export const inactiveUserAccess: Rule = {
  meta: { id: 'inactive-user-access', description: 'an inactive user still has role assignments or group memberships', severity: 'error', stage: 'resolution' },
  *check({ model, resolution: res }) {
    const inactive = new Set<string>();
    for (const user of model.users.values()) if (user.status === 'inactive') inactive.add(user.id);
    if (inactive.size === 0) return;

    // One pass over every membership entry, instead of searching each group per user.
    const memberships = new Map<string, Leftover[]>();
    for (const groupId of res.groupIds) {
      for (const member of model.groups.get(groupId)!.members) {
        if (!inactive.has(member.id)) continue;
        const entry: Leftover = { span: member.span, message: `group \`${groupId}\` lists \`${member.id}\` as a member`, target: { kind: 'group', id: groupId } };
        const list = memberships.get(member.id);
        if (list) list.push(entry);
        else memberships.set(member.id, [entry]);
      }
    }

    for (const userId of res.userIds) {
      if (!inactive.has(userId)) continue;
      const user = model.users.get(userId)!;
      const assignments: Leftover[] = user.roles.map((a) => ({
        span: a.span,
        message: `\`${userId}\` is still assigned role \`${a.role.id}\`${a.expires === undefined ? '' : isExpired(a, res.asOf) ? ` (expired ${a.expires})` : ` (until ${a.expires})`}`,
        target: { kind: 'role', id: a.role.id },
      }));
      const groups = memberships.get(userId) ?? [];
      if (assignments.length === 0 && groups.length === 0) continue;
      const entries = [...assignments, ...groups];
      const [first, ...rest] = entries;
      const parts: string[] = [];
      if (assignments.length > 0) parts.push(`${plural(assignments.length, 'role assignment')} (${listIds(user.roles.map((a) => a.role.id))})`);
      if (groups.length > 0) parts.push(`${plural(groups.length, 'group membership')} (${listIds(groups.map((g) => g.target.id))})`);
      yield {
        message: `inactive user \`${userId}\` still has ${parts.join(' and ')}: remove them (deprovision the access of people who left), or set \`status: active\``,
        span: first!.span,
        subject: { kind: 'user', id: userId },
        targets: uniqueSubjects(entries.map((e) => e.target)),
        related: rest.map((e): RelatedSpan => ({ span: e.span, message: e.message })),
      };
    }
  },
};

function uniqueSubjects(subjects: readonly Subject[]): Subject[] {
  const seen = new Set<string>();
  return subjects.filter((s) => {
    const key = `${s.kind}:${s.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

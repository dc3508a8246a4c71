import { Bitset } from '../util/graph.js';
import { daysBetween } from '../util/dates.js';
import { intersects, isActive, listIds, usersInOrder } from './support/access.js';
import type { Rule } from './types.js';

/**
 * An active user holding a privileged effective role, or any group, whose
 * `reviewedAt` is missing or older than `settings.reviewMaxAgeDays` before the
 * as-of date.
 */
export const staleReview: Rule = {
  meta: { id: 'stale-review', description: 'a user holding a privileged role, or a group, was reviewed longer ago than reviewMaxAgeDays, or never', severity: 'warning', stage: 'resolution' },
  *check({ model, settings, resolution: res }) {
    const maxAge = settings.reviewMaxAgeDays;
    const staleness = (reviewedAt: string | undefined): string | undefined => {
      if (reviewedAt === undefined) return 'has never been reviewed (no `reviewedAt`)';
      const age = daysBetween(reviewedAt, res.asOf);
      return age > maxAge ? `was last reviewed on ${reviewedAt}, ${age} days before ${res.asOf} (more than \`reviewMaxAgeDays: ${maxAge}\`)` : undefined;
    };
    const fix = `review it and set \`reviewedAt\` to the review date`;

    const privileged = new Bitset(res.roleIds.length);
    res.roleIds.forEach((id, r) => {
      if (model.roles.get(id)!.privileged) privileged.add(r);
    });
    for (const [u, user] of usersInOrder(res)) {
      if (!isActive(user) || !intersects(res.userRoles[u]!, privileged)) continue;
      const stale = staleness(user.reviewedAt);
      if (stale === undefined) continue;
      const held = res.userRoles[u]!.toArray().filter((r) => privileged.has(r)).map((r) => res.roleIds[r]!);
      yield {
        message: `user \`${user.id}\` holds privileged ${held.length === 1 ? 'role' : 'roles'} ${listIds(held)} and ${stale}: ${fix}, or remove the privileged access`,
        span: user.span,
        subject: { kind: 'user', id: user.id },
      };
    }

    for (const groupId of res.groupIds) {
      const group = model.groups.get(groupId)!;
      const stale = staleness(group.reviewedAt);
      if (stale === undefined) continue;
      yield {
        message: `group \`${groupId}\` ${stale}: ${fix} (its members and roles), at least every ${maxAge} days`,
        span: group.span,
        subject: { kind: 'group', id: groupId },
      };
    }
  },
};

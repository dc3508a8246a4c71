import { daysBetween } from '../util/dates.js';
import { isExpired, plural, usersInOrder } from './support/access.js';
import type { Rule } from './types.js';

/** A direct assignment whose `expires` is before the as-of date: it gives nothing and should be removed. */
export const expiredAssignment: Rule = {
  meta: { id: 'expired-assignment', description: "an assignment's `expires` is past", severity: 'warning', stage: 'model' },
  *check({ resolution: res }) {
    for (const [, user] of usersInOrder(res)) {
      for (const assignment of user.roles) {
        if (!isExpired(assignment, res.asOf)) continue;
        const days = daysBetween(assignment.expires!, res.asOf);
        yield {
          message: `the assignment of role \`${assignment.role.id}\` to user \`${user.id}\` expired: its last day was ${assignment.expires}, ${plural(days, 'day')} before the as-of date ${res.asOf}, so it gives nothing; remove it, or renew it with a later \`expires\``,
          span: assignment.span,
          subject: { kind: 'user', id: user.id },
          target: { kind: 'role', id: assignment.role.id },
        };
      }
    }
  },
};

import type { Subject } from '../model/diagnostic.js';
import type { Resolution } from '../stages/resolve.js';
import { daysBetween } from '../util/dates.js';
import { isActive, isExpired, listIds, markedInClosure, plural, usersInOrder } from './support/access.js';
import type { Rule } from './types.js';

/**
 * A temporary role (`temporary: { maxDays }`) is assigned without `expires`, or
 * for longer than maxDays after the as-of date, or is given through a group
 * (group roles cannot expire). Roles that contain a temporary role count too.
 */
export const temporaryWithoutExpiry: Rule = {
  meta: { id: 'temporary-without-expiry', description: 'a temporary role is assigned without `expires`, or for longer than maxDays', severity: 'error', stage: 'resolution' },
  *check({ model, resolution: res }) {
    const temporaries = markedInClosure(res, (role) => role.temporary !== undefined);
    if (temporaries.every((t) => t === undefined)) return;
    const maxDays = (t: number): number => model.roles.get(res.roleIds[t]!)!.temporary!.maxDays;

    for (const [, user] of usersInOrder(res)) {
      if (!isActive(user)) continue; // an inactive user's assignments give nothing (inactive-user-access)
      for (const assignment of user.roles) {
        const r = res.roleIndex.get(assignment.role.id);
        const inside = r === undefined ? undefined : temporaries[r];
        if (inside === undefined || isExpired(assignment, res.asOf)) continue;
        const days = assignment.expires === undefined ? Infinity : daysBetween(res.asOf, assignment.expires);
        const broken = inside.filter((t) => days > maxDays(t));
        if (broken.length === 0) continue;
        const strictest = [...broken].sort((a, b) => maxDays(a) - maxDays(b) || a - b)[0]!;
        const limit = maxDays(strictest);
        const what = describe(res, r!, strictest, limit) + (r === strictest ? '' : ',');
        const latest = addDays(res.asOf, limit);
        const message =
          assignment.expires === undefined
            ? `user \`${user.id}\` is assigned ${what} without \`expires\`: add \`expires\` no later than ${latest} (${plural(limit, 'day')} after ${res.asOf})`
            : `user \`${user.id}\` is assigned ${what} until ${assignment.expires}, ${plural(days, 'day')} after ${res.asOf}: set \`expires\` no later than ${latest}`;
        yield {
          message,
          span: assignment.span,
          subject: { kind: 'user', id: user.id },
          target: roleSubject(res, strictest),
          targets: broken.map((t) => roleSubject(res, t)),
        };
      }
    }

    for (let g = 0; g < res.groupIds.length; g++) {
      const group = model.groups.get(res.groupIds[g]!)!;
      for (const ref of group.roles) {
        const r = res.roleIndex.get(ref.id);
        const inside = r === undefined ? undefined : temporaries[r];
        if (inside === undefined) continue;
        const strictest = [...inside].sort((a, b) => maxDays(a) - maxDays(b) || a - b)[0]!;
        const temporaryIds = inside.map((t) => res.roleIds[t]!);
        yield {
          message: `group \`${group.id}\` gives ${describe(res, r!, strictest, maxDays(strictest))}, but a group's roles cannot expire: assign it directly to each user who needs it, with \`expires\`${inside.length > 1 ? ` (temporary roles inside: ${listIds(temporaryIds)})` : ''}`,
          span: ref.span,
          subject: { kind: 'group', id: group.id },
          target: roleSubject(res, strictest),
          targets: inside.map((t) => roleSubject(res, t)),
        };
      }
    }
  },
};

/** `temporary role \`t\` (maxDays 30)`, or `role \`r\`, which contains temporary role \`t\` (maxDays 30)`. */
function describe(res: Resolution, assigned: number, temporary: number, maxDays: number): string {
  const t = `temporary role \`${res.roleIds[temporary]!}\` (maxDays ${maxDays})`;
  return assigned === temporary ? t : `role \`${res.roleIds[assigned]!}\`, which contains ${t}`;
}

function roleSubject(res: Resolution, r: number): Subject {
  return { kind: 'role', id: res.roleIds[r]! };
}

/** The date `days` days after `date` (both `YYYY-MM-DD`). */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

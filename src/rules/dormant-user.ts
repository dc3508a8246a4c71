import { compareStrings } from '../model/diagnostic.js';
import { lastUseOfAnything, usedWithin } from '../usage/last-use.js';
import { daysBetween } from '../util/dates.js';
import type { Rule } from './types.js';

/**
 * With usage data (`--usage FILE`): an active user who used nothing at all
 * within `settings.unusedAfterDays` of the as-of date, or is not in the file.
 */
export const dormantUser: Rule = {
  meta: { id: 'dormant-user', description: 'an active user with no use at all within unusedAfterDays (needs --usage)', severity: 'warning', stage: 'resolution', needs: 'usage' },
  *check({ model, settings, usage, asOf }) {
    if (!usage) return;
    const days = settings.unusedAfterDays;
    const file = `\`${usage.path}\``;
    for (const id of [...model.users.keys()].sort(compareStrings)) {
      const user = model.users.get(id)!;
      if (user.status === 'inactive') continue;
      const last = lastUseOfAnything(usage, id);
      if (usedWithin(last, asOf, days)) continue;
      const what =
        last === undefined
          ? `has no recorded use in ${file}`
          : `has used nothing since ${last} according to ${file}, ${daysBetween(last, asOf)} days before ${asOf} (more than \`unusedAfterDays: ${days}\`)`;
      yield {
        message: `user \`${id}\` is active but ${what}: if they no longer need access, set \`status: inactive\` and remove their assignments and memberships`,
        span: user.span,
        subject: { kind: 'user', id },
      };
    }
  },
};

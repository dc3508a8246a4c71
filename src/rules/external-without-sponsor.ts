import { isActive, usersInOrder } from './support/access.js';
import type { Rule } from './types.js';

/** An active external user has no `sponsor`, or the sponsor is not defined, inactive, or external. */
export const externalWithoutSponsor: Rule = {
  meta: { id: 'external-without-sponsor', description: 'an external user has no `sponsor`, or the sponsor is not an active internal user', severity: 'warning', stage: 'model' },
  *check({ model, resolution: res }) {
    const quarantined = new Set(model.quarantined.filter((q) => q.kind === 'user').map((q) => q.id));
    for (const [, user] of usersInOrder(res)) {
      if (user.type !== 'external' || !isActive(user)) continue;
      const subject = { kind: 'user', id: user.id } as const;
      const fix = 'name an active internal user who is accountable for this access as `sponsor`';
      if (user.sponsor === undefined) {
        yield { message: `external user \`${user.id}\` has no \`sponsor\`: ${fix}`, span: user.span, subject };
        continue;
      }
      const sponsorId = user.sponsor.id;
      if (quarantined.has(sponsorId)) continue; // defined, but broken: the schema rule reports it
      const sponsor = model.users.get(sponsorId);
      const problem = !sponsor ? 'is not defined' : sponsor.status === 'inactive' ? 'is inactive' : sponsor.type === 'external' ? 'is an external user' : undefined;
      if (problem === undefined) continue;
      yield {
        message: `the sponsor of external user \`${user.id}\`, \`${sponsorId}\`, ${problem}: ${fix}`,
        span: user.sponsor.span,
        subject,
        target: { kind: 'user', id: sponsorId },
        ...(sponsor ? { related: [{ span: sponsor.span, message: `user \`${sponsorId}\` is defined here` }] } : {}),
      };
    }
  },
};

import { compareStrings } from '../model/diagnostic.js';
import type { Risk } from '../model/policy.js';
import { isHighRisk } from '../rules/support/access.js';
import type { Escalation, EscalationKind, UserChange } from './types.js';

/** The order escalations of one user are listed in: the most alarming first. */
export const escalationKinds: readonly EscalationKind[] = ['blast-radius', 'privileged-role', 'high-risk-permission', 'widened-scope', 'external-access'];

/**
 * The escalations in a set of user changes (docs/diff.md says why each counts):
 *
 * - `privileged-role`: a user gains an effective role marked `privileged: true`;
 * - `high-risk-permission`: a user gains a permission of risk high or critical;
 * - `widened-scope`: a user holds a permission at a wider scope, and either the
 *   permission is high/critical or the user is external (an internal user's
 *   low/medium widening is a change, not an escalation);
 * - `external-access`: an external user gains any other permission;
 * - `blast-radius`: a high/critical permission gained by more users than
 *   `maxNewHolders` (the head's `settings.maxNewHolders`).
 *
 * One escalation per user and role or permission: a gained high-risk
 * permission of an external user is `high-risk-permission`, not also
 * `external-access`. Losses are never escalations.
 */
export function findEscalations(users: readonly UserChange[], maxNewHolders: number): Escalation[] {
  const out: Escalation[] = [];
  const newHolders = new Map<string, { count: number; risk: Risk }>();
  for (const change of users) {
    if (change.status === 'removed') continue;
    const external = change.type === 'external';
    const who = { user: change.user, userType: change.type } as const;
    for (const gain of change.rolesAdded) {
      if (gain.privileged) out.push({ kind: 'privileged-role', ...who, role: gain.role, path: gain.path });
    }
    for (const gain of change.added) {
      const high = isHighRisk(gain.risk);
      if (high) {
        const seen = newHolders.get(gain.permission);
        if (seen) seen.count++;
        else newHolders.set(gain.permission, { count: 1, risk: gain.risk });
      }
      if (high || external) {
        out.push({ kind: high ? 'high-risk-permission' : 'external-access', ...who, permission: gain.permission, risk: gain.risk, scope: gain.scope, path: gain.path });
      }
    }
    for (const rescope of change.changed) {
      if (!rescope.widened || !(isHighRisk(rescope.risk) || external)) continue;
      out.push({ kind: 'widened-scope', ...who, permission: rescope.permission, risk: rescope.risk, from: rescope.from, to: rescope.to, path: rescope.path });
    }
  }
  for (const [permission, { count, risk }] of newHolders) {
    if (count > maxNewHolders) out.push({ kind: 'blast-radius', permission, risk, newHolders: count, maxNewHolders });
  }
  return out.sort(compareEscalations);
}

function compareEscalations(a: Escalation, b: Escalation): number {
  return (
    compareStrings(a.user ?? '', b.user ?? '') ||
    escalationKinds.indexOf(a.kind) - escalationKinds.indexOf(b.kind) ||
    compareStrings(a.role ?? a.permission ?? '', b.role ?? b.permission ?? '')
  );
}

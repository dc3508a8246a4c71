import { compareStrings } from '../model/diagnostic.js';
import type { AccessView } from '../review/access.js';
import { daysBetween } from '../util/dates.js';
import type { UsageData } from './usage.js';

/**
 * The last day user u used any of `roles` (their closures included: a use of
 * a contained role is a use of the role that brings it), or, for a
 * permission usage file, any permission those roles grant that u effectively
 * holds. Undefined when the file records no such use.
 */
export function lastUse(view: AccessView, usage: UsageData, u: number, roles: readonly number[]): string | undefined {
  const used = usage.byUser.get(view.userIds[u]!);
  if (!used) return undefined;
  let last: string | undefined;
  const see = (id: string): void => {
    const day = used.get(id);
    if (day && (last === undefined || compareStrings(day, last) > 0)) last = day;
  };
  if (usage.kind === 'role') {
    for (const r of roles) for (const c of view.closure(r)) see(view.roleIds[c]!);
  } else {
    for (const r of roles) for (const p of view.granted(r)) if (view.level(u, p) > 0) see(view.permissionIds[p]!);
  }
  return last;
}

/** The last day user u used anything at all in the usage file, or undefined. */
export function lastUseOfAnything(usage: UsageData, userId: string): string | undefined {
  let last: string | undefined;
  for (const day of usage.byUser.get(userId)?.values() ?? []) if (day && (last === undefined || compareStrings(day, last) > 0)) last = day;
  return last;
}

/** True when a use on `day` lies within `days` days before the as-of date (or after it). */
export function usedWithin(day: string | undefined, asOf: string, days: number): boolean {
  return day !== undefined && daysBetween(day, asOf) <= days;
}

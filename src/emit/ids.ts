import type { Resolution } from '../stages/resolve.js';

/**
 * Small views of a resolution shared by the emitters. Everything comes out in
 * id order (the resolution interns ids sorted by code unit).
 */

/** The roles a group gives its members: the role closure of the group's own roles, ascending. */
export function groupRoleClosure(res: Resolution, g: number): number[] {
  const roles = new Set<number>();
  for (const r of res.groupRoles[g]!) for (const c of res.roleClosure[r]!.toArray()) roles.add(c);
  return [...roles].sort((a, b) => a - b);
}

/** Count of active users. */
export function activeUserCount(res: Resolution): number {
  let count = 0;
  for (const id of res.userIds) if (res.model.users.get(id)?.status !== 'inactive') count++;
  return count;
}

import type { Resolution } from '../stages/resolve.js';

/**
 * Small views of a resolution shared by the emitters. Everything comes out in
 * id order (the resolution interns ids sorted by code unit).
 */

/** Ids of a list of indices. */
export function idsOf(ids: readonly string[], indices: Iterable<number>): string[] {
  const out: string[] = [];
  for (const i of indices) out.push(ids[i]!);
  return out;
}

/** The roles a group gives its members: the role closure of the group's own roles, ascending. */
export function groupRoleClosure(res: Resolution, g: number): number[] {
  const roles = new Set<number>();
  for (const r of res.groupRoles[g]!) for (const c of res.roleClosure[r]!.toArray()) roles.add(c);
  return [...roles].sort((a, b) => a - b);
}

/** Permission index -> scope name or `true`, for every level above 0, as a null-prototype record. */
export function levelRecord(res: Resolution, levels: Uint8Array): Record<string, string | true> {
  const out = Object.create(null) as Record<string, string | true>;
  for (let p = 0; p < levels.length; p++) {
    const level = levels[p]!;
    if (level > 0) out[res.permissionIds[p]!] = res.levelValue(p, level);
  }
  return out;
}

/** Count of active users. */
export function activeUserCount(res: Resolution): number {
  let count = 0;
  for (const id of res.userIds) if (res.model.users.get(id)?.status !== 'inactive') count++;
  return count;
}

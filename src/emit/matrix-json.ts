import { compareStrings } from '../model/diagnostic.js';
import type { Resolution } from '../stages/resolve.js';
import { groupRoleClosure, idsOf, levelRecord } from './ids.js';
import { indent, nestedJson, streamObject, streamObjectText } from './json-stream.js';
import type { Artifact, EmitInput } from './types.js';

/** The `format` of matrix.json. */
export const matrixFormat = 'rolecall.matrix/v1';

/**
 * `matrix.json` (SPEC §4): every permission, role, group and user with their
 * effective access, keys sorted at every level. Streamed one user (one role,
 * one group) per chunk, so its size is bounded by the disk, not by memory.
 */
export const matrixJson: Artifact = {
  name: 'matrix.json',
  render: renderMatrixJson,
};

/** The chunks of matrix.json; joined, they equal `canonicalJson` of the whole document. */
export function* renderMatrixJson(input: EmitInput): Generator<string> {
  const res = input.result.resolution;
  yield `{\n  "asOf": ${JSON.stringify(res.asOf)},\n  "format": ${JSON.stringify(matrixFormat)},\n  "groups": `;
  yield* streamObject(res.groupIds.length, (g) => [res.groupIds[g]!, groupEntry(res, g)], 1);
  yield ',\n  "permissions": ';
  yield* streamObject(res.permissionIds.length, (p) => [res.permissionIds[p]!, permissionEntry(res, p)], 1);
  yield ',\n  "roles": ';
  yield* streamObject(res.roleIds.length, (r) => [res.roleIds[r]!, roleEntry(res, r)], 1);
  const files = input.result.files.map((f) => f.path).sort(compareStrings);
  yield `,\n  "source": ${nestedJson({ digest: input.digest, files }, 1)},\n  "users": `;
  const cache: UserTextCache = { levels: new LevelsJson(res, 3), shared: new Map() };
  yield* streamObjectText(res.userIds.length, (u) => [res.userIds[u]!, userEntryText(res, u, cache)], 1);
  yield '\n}\n';
}

/** `groups.<g>`: effective (active) members and the role closure of the group's own roles. */
export function groupEntry(res: Resolution, g: number): { members: string[]; roles: string[] } {
  return { members: idsOf(res.userIds, res.groupMembers[g]!), roles: idsOf(res.roleIds, groupRoleClosure(res, g)) };
}

/** `permissions.<p>`: audience, risk, and scopes when the permission is scoped. */
export function permissionEntry(res: Resolution, p: number): { audience: string; risk: string; scopes?: string[] } {
  const def = res.model.permissions.get(res.permissionIds[p]!)!;
  const scopes = res.scopes[p]!;
  return scopes.length > 0 ? { audience: def.audience, risk: def.risk, scopes: [...scopes] } : { audience: def.audience, risk: def.risk };
}

/** `roles.<r>`: effective roles, grants after denies, effective holders. */
export function roleEntry(res: Resolution, r: number): { effectiveRoles: string[]; grants: Record<string, string | true>; holders: string[] } {
  return {
    effectiveRoles: idsOf(res.roleIds, res.roleClosure[r]!.toArray()),
    grants: levelRecord(res, res.roleLevels(r)),
    holders: idsOf(res.userIds, res.holders(r)),
  };
}

/** `users.<u>`: effective groups, permissions and roles (all empty for an inactive user), status and type. */
export function userEntry(res: Resolution, u: number): { groups: string[]; permissions: Record<string, string | true>; roles: string[]; status: string; type: string } {
  const def = res.model.users.get(res.userIds[u]!)!;
  return {
    groups: idsOf(res.groupIds, res.userGroups[u]!),
    permissions: levelRecord(res, res.effectiveLevels(u)),
    roles: idsOf(res.roleIds, res.userRoles[u]!.toArray()),
    status: def.status,
    type: def.type,
  };
}

/** The parts of a user entry that depend only on the user's source roles, as JSON text at depth 3. */
export interface SharedUserText {
  readonly permissions: string;
  readonly roles: string;
}

/** What `userEntryText` reuses between users. */
export interface UserTextCache {
  /** Member texts of `permissions` at depth 3. */
  readonly levels: LevelsJson;
  /** Shared parts by source-role set. */
  readonly shared: Map<string, SharedUserText>;
}

/** Distinct source-role sets whose JSON text is kept for reuse (cleared when full). */
const maxSharedEntries = 1024;

/**
 * `users.<u>` as canonical JSON text at depth 2, equal to `nestedJson(userEntry(res, u), 2)`.
 * Users with the same source roles (members of the same groups) share their
 * `permissions` and `roles` text, which is most of the document.
 */
export function userEntryText(res: Resolution, u: number, cache: UserTextCache): string {
  const shared = cache.shared;
  const def = res.model.users.get(res.userIds[u]!)!;
  const key = res.userSources[u]!.join(',');
  let parts = shared.get(key);
  if (!parts) {
    const { perms, levels } = res.userLevels(u);
    parts = { permissions: cache.levels.sparseText(perms, levels), roles: nestedJson(idsOf(res.roleIds, res.userRoles[u]!.toArray()), 3) };
    if (shared.size >= maxSharedEntries) shared.clear();
    shared.set(key, parts);
  }
  const pad = indent(3);
  return (
    `{\n${pad}"groups": ${nestedJson(idsOf(res.groupIds, res.userGroups[u]!), 3)},\n${pad}"permissions": ${parts.permissions},\n` +
    `${pad}"roles": ${parts.roles},\n${pad}"status": ${JSON.stringify(def.status)},\n${pad}"type": ${JSON.stringify(def.type)}\n${indent(2)}}`
  );
}

/**
 * Writes permission levels (minus `deny`, when given) as canonical JSON text at
 * a depth: `nestedJson(levelRecord(res, levels), depth)` without the
 * intermediate object, from member texts made once per permission and level.
 */
export class LevelsJson {
  private readonly members: string[][];
  private readonly close: string;

  constructor(res: Resolution, depth: number) {
    const pad = indent(depth + 1);
    this.members = res.permissionIds.map((id, p) => {
      const key = `${pad}${JSON.stringify(id)}: `;
      const texts = [''];
      for (let level = 1; level <= res.widest(p); level++) {
        const value = res.levelValue(p, level);
        texts.push(key + (value === true ? 'true' : JSON.stringify(value)));
      }
      return texts;
    });
    this.close = `\n${indent(depth)}}`;
  }

  /** The JSON object text of sparse levels (ascending permissions with their levels). */
  sparseText(perms: Int32Array, levels: Uint8Array): string {
    if (perms.length === 0) return '{}';
    const members = this.members;
    const out: string[] = new Array(perms.length);
    for (let i = 0; i < perms.length; i++) out[i] = members[perms[i]!]![levels[i]!]!;
    return `{\n${out.join(',\n')}${this.close}`;
  }

  /** The JSON object text of `levels`, leaving out permissions marked in `deny`. */
  text(levels: Uint8Array, deny?: Uint8Array): string {
    const out: string[] = [];
    const members = this.members;
    for (let p = 0; p < levels.length; p++) {
      const level = levels[p]!;
      if (level !== 0 && (deny === undefined || deny[p] === 0)) out.push(members[p]![level]!);
    }
    return out.length === 0 ? '{}' : `{\n${out.join(',\n')}${this.close}`;
  }
}

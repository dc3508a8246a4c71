import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { stringify } from 'yaml';
import type { CheckResult } from '../compile.js';
import { policyDigest } from '../emit/digest.js';
import { compareStrings, subjectKey, type Diagnostic } from '../model/diagnostic.js';
import type { GroupDef, PermissionDef, RoleDef } from '../model/policy.js';
import type { Resolution, UserAccess } from '../stages/resolve.js';
import { findEscalations } from './escalations.js';
import { PathFinder } from './paths.js';
import {
  diffFormatId,
  type DiffCounts,
  type DiffReport,
  type DiffSide,
  type FindingChange,
  type GroupChange,
  type PermissionChange,
  type PermissionGain,
  type PermissionLoss,
  type PermissionRescope,
  type RoleChange,
  type RoleGain,
  type RoleGrant,
  type RoleGrantChange,
  type UserChange,
} from './types.js';

/** How a side is named; computeDiff adds file count, digest and finding counts. */
export interface SideLabel {
  readonly label: string;
  readonly kind: DiffSide['kind'];
  readonly path?: string;
  readonly ref?: string;
  readonly commit?: string;
}

/** Marks a base level that has no counterpart in the head's scopes (a scope was renamed or removed). */
const unmapped = 0xff;

/**
 * Compares two checked policies (same as-of date) and reports who gains and
 * loses what, role, group and permission changes, findings introduced and
 * resolved, and escalations. Pure: no I/O, no clock.
 *
 * Users are compared on the resolutions' typed arrays; explanation paths are
 * computed only for what a user gains, from the head.
 */
export function computeDiff(base: CheckResult, head: CheckResult, labels: { base?: SideLabel; head?: SideLabel } = {}): DiffReport {
  const B = base.resolution;
  const H = head.resolution;
  const mapping = new IndexMapping(B, H);
  const users = diffUsers(B, H, mapping);
  const roles = diffRoles(B, H, mapping);
  const groups = diffGroups(B, H);
  const permissions = diffPermissions(B, H);
  const findings = diffFindings(base.diagnostics, head.diagnostics);
  const escalations = findEscalations(users, head.model.settings.maxNewHolders);
  const baseSide = describeSide(base, labels.base ?? { label: 'base', kind: 'memory' });
  const headSide = describeSide(head, labels.head ?? { label: 'head', kind: 'memory' });
  return {
    format: diffFormatId,
    asOf: H.asOf,
    base: baseSide,
    head: headSide,
    incomplete: [incompleteNote('base', baseSide), incompleteNote('head', headSide)].filter((note): note is string => note !== undefined),
    counts: countChanges(users, roles, groups, escalations.length, findings),
    escalations,
    users,
    roles,
    groups,
    permissions,
    findings,
  };
}

function describeSide(result: CheckResult, label: SideLabel): DiffSide {
  return { ...label, files: result.files.length, digest: policyDigest(result.files), users: result.resolution.userIds.length, summary: result.summary };
}

function incompleteNote(which: 'base' | 'head', side: DiffSide): string | undefined {
  const errors = side.summary.errors;
  if (errors === 0) return undefined;
  const check = side.kind === 'git' ? 'check it out and run `rolecall check`' : `run \`rolecall check ${side.path ?? side.label}\``;
  return `the ${which} (${side.label}) has ${errors} error-level finding${errors === 1 ? '' : 's'}: this diff covers only the parts of it that resolved (${check})`;
}

/** Index translations between the two resolutions (ids are interned separately on each side). */
class IndexMapping {
  /** Head permission -> base permission, -1 when new. */
  readonly basePermission: Int32Array;
  /** Base permission -> head permission, -1 when removed. */
  readonly headPermission: Int32Array;
  /** Per head permission: base level -> head level, when the scopes differ (else identity). */
  readonly levelMaps: (Uint8Array | undefined)[];
  /** True when both sides declare the same permissions with the same scopes: levels compare byte for byte. */
  readonly samePermissions: boolean;
  readonly baseRole: Int32Array;
  readonly headRole: Int32Array;
  readonly sameRoles: boolean;
  /**
   * Per head role: its closure, grants and denies are the same as the base
   * role's. A user whose source roles are the same stable roles on both sides
   * has the same access, without looking at the user's levels at all.
   */
  readonly stableRole: Uint8Array;

  constructor(B: Resolution, H: Resolution) {
    [this.basePermission, this.headPermission] = translate(B.permissionIds, H.permissionIds, H.permissionIndex);
    [this.baseRole, this.headRole] = translate(B.roleIds, H.roleIds, H.roleIndex);
    this.levelMaps = H.permissionIds.map((_, p) => {
      const bp = this.basePermission[p]!;
      if (bp < 0) return undefined;
      const from = B.scopes[bp]!;
      const to = H.scopes[p]!;
      if (sameList(from, to)) return undefined;
      const map = new Uint8Array(Math.max(1, from.length) + 1).fill(unmapped);
      map[0] = 0;
      if (from.length > 0 && to.length > 0) from.forEach((scope, i) => (map[i + 1] = to.indexOf(scope) >= 0 ? to.indexOf(scope) + 1 : unmapped));
      return map;
    });
    this.samePermissions = sameList(B.permissionIds, H.permissionIds) && this.levelMaps.every((m) => m === undefined);
    this.sameRoles = sameList(B.roleIds, H.roleIds);
    this.stableRole = new Uint8Array(H.roleIds.length);
    if (this.samePermissions && this.sameRoles) {
      for (let r = 0; r < H.roleIds.length; r++) {
        const stable = sameBytes(B.roleGrant[r]!, H.roleGrant[r]!) && sameBytes(B.roleDeny[r]!, H.roleDeny[r]!) && sameWords(B.roleClosure[r]!.words, H.roleClosure[r]!.words);
        this.stableRole[r] = stable ? 1 : 0;
      }
    }
  }

  /** True when user ub (base) and uh (head) have the same source roles, all stable: same access, nothing to compare. */
  sameSources(B: Resolution, H: Resolution, ub: number, uh: number): boolean {
    const from = B.userSources[ub]!;
    const to = H.userSources[uh]!;
    if (from.length !== to.length) return false;
    for (let k = 0; k < to.length; k++) {
      const r = to[k]!;
      if (this.baseRole[r] !== from[k] || this.stableRole[r] === 0) return false;
    }
    return true;
  }

  /** A base level in head terms (`unmapped` when the scope does not exist in the head). */
  headLevel(p: number, baseLevel: number): number {
    const map = this.levelMaps[p];
    return map ? (map[baseLevel] ?? unmapped) : baseLevel;
  }
}

function translate(baseIds: readonly string[], headIds: readonly string[], headIndex: ReadonlyMap<string, number>): [Int32Array, Int32Array] {
  const toBase = new Int32Array(headIds.length).fill(-1);
  const toHead = new Int32Array(baseIds.length).fill(-1);
  baseIds.forEach((id, b) => {
    const h = headIndex.get(id);
    if (h !== undefined) {
      toBase[h] = b;
      toHead[b] = h;
    }
  });
  return [toBase, toHead];
}

// ---------------------------------------------------------------------------
// Users

function diffUsers(B: Resolution, H: Resolution, mapping: IndexMapping): UserChange[] {
  const paths = new PathFinder(H);
  const out: UserChange[] = [];
  let i = 0;
  let j = 0;
  while (i < B.userIds.length || j < H.userIds.length) {
    const bId = B.userIds[i];
    const hId = H.userIds[j];
    const order = bId === undefined ? 1 : hId === undefined ? -1 : compareStrings(bId, hId);
    const ub = order <= 0 ? i++ : -1;
    const uh = order >= 0 ? j++ : -1;
    if (ub >= 0 && uh >= 0) {
      if (mapping.sameSources(B, H, ub, uh)) continue;
      if (mapping.samePermissions && sameRoleSet(B, H, mapping, ub, uh) && sameLevels(B.access(ub), H.access(uh))) continue;
    }
    const change = userChange(B, H, mapping, paths, ub, uh);
    if (change) out.push(change);
  }
  return out;
}

/** True when two users hold the same permissions at the same levels (after denies), compared on the typed arrays. */
function sameLevels(base: UserAccess, head: UserAccess): boolean {
  const { grant: bg, deny: bd } = base;
  const { grant: hg, deny: hd } = head;
  if (bg === hg && bd === hd) return true;
  for (let p = 0; p < bg.length; p++) if ((bd[p] ? 0 : bg[p]) !== (hd[p] ? 0 : hg[p])) return false;
  return true;
}

function sameRoleSet(B: Resolution, H: Resolution, mapping: IndexMapping, ub: number, uh: number): boolean {
  const b = B.userRoles[ub]!;
  const h = H.userRoles[uh]!;
  if (mapping.sameRoles) {
    if (b === h) return true;
    for (let w = 0; w < b.words.length; w++) if (b.words[w] !== h.words[w]) return false;
    return true;
  }
  const bRoles = b.toArray();
  const hRoles = h.toArray();
  if (bRoles.length !== hRoles.length) return false;
  return bRoles.every((r, k) => mapping.headRole[r] === hRoles[k]);
}

function userChange(B: Resolution, H: Resolution, mapping: IndexMapping, paths: PathFinder, ub: number, uh: number): UserChange | undefined {
  const baseAccess = ub >= 0 ? B.access(ub) : undefined;
  const headAccess = uh >= 0 ? H.access(uh) : undefined;
  const added: PermissionGain[] = [];
  const removed: PermissionLoss[] = [];
  const changed: PermissionRescope[] = [];
  if (headAccess) {
    const { grant: hg, deny: hd } = headAccess;
    for (let p = 0; p < hg.length; p++) {
      const h = hd[p] ? 0 : hg[p]!;
      const bp = mapping.basePermission[p]!;
      const b = baseAccess && bp >= 0 && !baseAccess.deny[bp] ? baseAccess.grant[bp]! : 0;
      if (h === 0 && b === 0) continue;
      const id = H.permissionIds[p]!;
      if (b === 0) {
        added.push({ permission: id, scope: H.levelValue(p, h), risk: H.model.permissions.get(id)!.risk, path: paths.permissionPath(uh, p, h) });
      } else if (h === 0) {
        removed.push({ permission: id, scope: B.levelValue(bp, b), risk: B.model.permissions.get(id)!.risk });
      } else {
        const was = mapping.headLevel(p, b);
        if (was === h) continue;
        changed.push({
          permission: id,
          from: B.levelValue(bp, b),
          to: H.levelValue(p, h),
          widened: was === unmapped || h > was,
          risk: H.model.permissions.get(id)!.risk,
          path: paths.permissionPath(uh, p, h),
        });
      }
    }
  }
  if (baseAccess) {
    const { grant: bg, deny: bd } = baseAccess;
    for (let bp = 0; bp < bg.length; bp++) {
      const b = bd[bp] ? 0 : bg[bp]!;
      if (b === 0 || (headAccess && mapping.headPermission[bp]! >= 0)) continue;
      const id = B.permissionIds[bp]!;
      removed.push({ permission: id, scope: B.levelValue(bp, b), risk: B.model.permissions.get(id)!.risk });
    }
    removed.sort((x, y) => compareStrings(x.permission, y.permission));
  }

  const rolesAdded: RoleGain[] = [];
  const rolesRemoved: string[] = [];
  if (uh >= 0) {
    for (const r of H.userRoles[uh]!.toArray()) {
      const br = mapping.baseRole[r]!;
      if (ub >= 0 && br >= 0 && B.userRoles[ub]!.has(br)) continue;
      const id = H.roleIds[r]!;
      rolesAdded.push({ role: id, privileged: H.model.roles.get(id)!.privileged, path: paths.rolePath(uh, r) });
    }
  }
  if (ub >= 0) {
    for (const r of B.userRoles[ub]!.toArray()) {
      const hr = mapping.headRole[r]!;
      if (uh >= 0 && hr >= 0 && H.userRoles[uh]!.has(hr)) continue;
      rolesRemoved.push(B.roleIds[r]!);
    }
  }
  const status = ub < 0 ? 'added' : uh < 0 ? 'removed' : 'changed';
  if (status === 'changed' && added.length + removed.length + changed.length + rolesAdded.length + rolesRemoved.length === 0) return undefined;
  const user = uh >= 0 ? H.model.users.get(H.userIds[uh]!)! : B.model.users.get(B.userIds[ub]!)!;
  return { user: user.id, type: user.type, status, added, removed, changed, rolesAdded, rolesRemoved };
}

// ---------------------------------------------------------------------------
// Roles

function diffRoles(B: Resolution, H: Resolution, mapping: IndexMapping): RoleChange[] {
  const out: RoleChange[] = [];
  const baseBodies = new Map<string, string[]>();
  const baseHolders = once(() => holderCounts(B));
  const headHolders = once(() => holderCounts(H));
  const added: { index: number; body: string }[] = [];
  mergeIds(B.roleIds, H.roleIds, (br, hr) => {
    const baseDef = br >= 0 ? B.model.roles.get(B.roleIds[br]!)! : undefined;
    const headDef = hr >= 0 ? H.model.roles.get(H.roleIds[hr]!)! : undefined;
    const before = baseDef ? canonicalRole(baseDef) : undefined;
    const after = headDef ? canonicalRole(headDef) : undefined;
    const grants = roleGrantChanges(B, H, mapping, br, hr);
    const beforeKey = before ? JSON.stringify(before) : '';
    const afterKey = after ? JSON.stringify(after) : '';
    if (baseDef && headDef && beforeKey === afterKey && grants.grantsAdded.length + grants.grantsRemoved.length + grants.grantsChanged.length === 0) return;
    const def = (headDef ?? baseDef)!;
    const fields = changedFields(before, after);
    const change: RoleChange = {
      role: def.id,
      status: !baseDef ? 'added' : !headDef ? 'removed' : 'changed',
      privileged: def.privileged,
      ...grants,
      fields,
      patch: beforeKey === afterKey ? '' : rolePatch(def.id, baseDef, headDef, before, after),
      holders: { before: br >= 0 ? baseHolders()[br]! : 0, after: hr >= 0 ? headHolders()[hr]! : 0 },
    };
    // Renames: a removed role and an added role with the same definition apart from the id.
    if (!headDef) {
      const list = baseBodies.get(beforeKey);
      if (list) list.push(def.id);
      else baseBodies.set(beforeKey, [def.id]);
    } else if (!baseDef) added.push({ index: out.length, body: afterKey });
    out.push(change);
  });
  for (const { index, body } of added) {
    const from = baseBodies.get(body)?.shift();
    if (from === undefined) continue;
    const to = out[index]!.role;
    out[index] = { ...out[index]!, renamedFrom: from };
    const k = out.findIndex((c) => c.role === from);
    out[k] = { ...out[k]!, renamedTo: to };
  }
  return out;
}

function roleGrantChanges(B: Resolution, H: Resolution, mapping: IndexMapping, br: number, hr: number): Pick<RoleChange, 'grantsAdded' | 'grantsRemoved' | 'grantsChanged'> {
  const grantsAdded: RoleGrant[] = [];
  const grantsRemoved: RoleGrant[] = [];
  const grantsChanged: RoleGrantChange[] = [];
  const baseLevels = br >= 0 ? B.roleLevels(br) : undefined;
  const headLevels = hr >= 0 ? H.roleLevels(hr) : undefined;
  if (headLevels) {
    for (let p = 0; p < headLevels.length; p++) {
      const h = headLevels[p]!;
      const bp = mapping.basePermission[p]!;
      const b = baseLevels && bp >= 0 ? baseLevels[bp]! : 0;
      if (h === 0 && b === 0) continue;
      const permission = H.permissionIds[p]!;
      if (b === 0) grantsAdded.push({ permission, scope: H.levelValue(p, h) });
      else if (h === 0) grantsRemoved.push({ permission, scope: B.levelValue(bp, b) });
      else if (mapping.headLevel(p, b) !== h) grantsChanged.push({ permission, from: B.levelValue(bp, b), to: H.levelValue(p, h) });
    }
  }
  if (baseLevels) {
    for (let bp = 0; bp < baseLevels.length; bp++) {
      const b = baseLevels[bp]!;
      if (b === 0 || (headLevels && mapping.headPermission[bp]! >= 0)) continue;
      grantsRemoved.push({ permission: B.permissionIds[bp]!, scope: B.levelValue(bp, b) });
    }
    grantsRemoved.sort((x, y) => compareStrings(x.permission, y.permission));
  }
  return { grantsAdded, grantsRemoved, grantsChanged };
}

type CanonicalRole = Record<string, unknown>;

/** A role definition as comparable data: fields in a fixed order, lists sorted, empty lists and defaults left out. */
export function canonicalRole(role: RoleDef): CanonicalRole {
  const out: CanonicalRole = {};
  const ids = (refs: readonly { readonly id: string }[]): string[] => refs.map((r) => r.id).sort(compareStrings);
  const texts = (grants: readonly { readonly text: string }[]): string[] => grants.map((g) => g.text).sort(compareStrings);
  if (role.title !== undefined) out['title'] = role.title;
  if (role.description !== undefined) out['description'] = role.description;
  out['audience'] = role.audience;
  if (role.privileged) out['privileged'] = true;
  const lists: [string, string[]][] = [
    ['grants', texts(role.grants)],
    ['denies', texts(role.denies)],
    ['contains', ids(role.contains)],
    ['excludes', ids(role.excludes)],
    ['requires', ids(role.requires)],
    ['assignableBy', ids(role.assignableBy)],
  ];
  for (const [name, list] of lists) if (list.length > 0) out[name] = list;
  if (role.maxHolders !== undefined) out['maxHolders'] = role.maxHolders;
  if (role.temporary) out['temporary'] = { maxDays: role.temporary.maxDays };
  if (role.deprecated) {
    const deprecated: Record<string, string> = {};
    if (role.deprecated.replacedBy) deprecated['replacedBy'] = role.deprecated.replacedBy.id;
    if (role.deprecated.reason !== undefined) deprecated['reason'] = role.deprecated.reason;
    out['deprecated'] = deprecated;
  }
  return out;
}

/** The role's canonical definition as YAML (`id:` then the fields), the text the unified diff compares. */
export function canonicalRoleYaml(role: RoleDef): string {
  return stringify(new Map([[role.id, canonicalRole(role)]]), { lineWidth: 0, indentSeq: true });
}

function changedFields(before: CanonicalRole | undefined, after: CanonicalRole | undefined): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k])).sort(compareStrings);
}

function rolePatch(id: string, baseDef: RoleDef | undefined, headDef: RoleDef | undefined, before: CanonicalRole | undefined, after: CanonicalRole | undefined): string {
  const oldText = baseDef && before ? canonicalRoleYaml(baseDef) : '';
  const newText = headDef && after ? canonicalRoleYaml(headDef) : '';
  const oldName = baseDef ? `${baseDef.span.file.path} (role ${id})` : '/dev/null';
  const newName = headDef ? `${headDef.span.file.path} (role ${id})` : '/dev/null';
  return createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, { context: 5, headerOptions: FILE_HEADERS_ONLY });
}

// ---------------------------------------------------------------------------
// Groups and permissions

function diffGroups(B: Resolution, H: Resolution): GroupChange[] {
  const out: GroupChange[] = [];
  mergeIds(B.groupIds, H.groupIds, (bg, hg) => {
    const baseDef = bg >= 0 ? B.model.groups.get(B.groupIds[bg]!)! : undefined;
    const headDef = hg >= 0 ? H.model.groups.get(H.groupIds[hg]!)! : undefined;
    const members = listDiff(bg >= 0 ? B.groupMembers[bg]!.map((u) => B.userIds[u]!) : [], hg >= 0 ? H.groupMembers[hg]!.map((u) => H.userIds[u]!) : []);
    const roles = listDiff(refIds(baseDef, 'roles'), refIds(headDef, 'roles'));
    const subgroups = listDiff(refIds(baseDef, 'subgroups'), refIds(headDef, 'subgroups'));
    const status = !baseDef ? 'added' : !headDef ? 'removed' : 'changed';
    if (status === 'changed' && members.added.length + members.removed.length + roles.added.length + roles.removed.length + subgroups.added.length + subgroups.removed.length === 0) return;
    out.push({
      group: (headDef ?? baseDef)!.id,
      status,
      membersAdded: members.added,
      membersRemoved: members.removed,
      rolesAdded: roles.added,
      rolesRemoved: roles.removed,
      subgroupsAdded: subgroups.added,
      subgroupsRemoved: subgroups.removed,
    });
  });
  return out;
}

function refIds(group: GroupDef | undefined, field: 'roles' | 'subgroups'): string[] {
  return group ? [...new Set(group[field].map((r) => r.id))].sort(compareStrings) : [];
}

function diffPermissions(B: Resolution, H: Resolution): PermissionChange[] {
  const out: PermissionChange[] = [];
  const describe = (def: PermissionDef): Record<'risk' | 'audience' | 'scopes', string> => ({ risk: def.risk, audience: def.audience, scopes: (def.scopes ?? []).join(', ') });
  mergeIds(B.permissionIds, H.permissionIds, (bp, hp) => {
    const baseDef = bp >= 0 ? B.model.permissions.get(B.permissionIds[bp]!)! : undefined;
    const headDef = hp >= 0 ? H.model.permissions.get(H.permissionIds[hp]!)! : undefined;
    if (baseDef && headDef) {
      const before = describe(baseDef);
      const after = describe(headDef);
      const changes = (['risk', 'audience', 'scopes'] as const).filter((f) => before[f] !== after[f]).map((field) => ({ field, from: before[field], to: after[field] }));
      if (changes.length > 0) out.push({ permission: headDef.id, status: 'changed', changes });
    } else {
      out.push({ permission: (headDef ?? baseDef)!.id, status: headDef ? 'added' : 'removed', changes: [] });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------
// Findings

/** Introduced and resolved findings, matched by rule + subject + target (never by position or message). */
export function diffFindings(base: readonly Diagnostic[], head: readonly Diagnostic[]): DiffReport['findings'] {
  const key = (d: Diagnostic): string => `${d.rule}\u0000${subjectKey(d.subject)}\u0000${d.target ? subjectKey(d.target) : ''}`;
  const count = (list: readonly Diagnostic[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const d of list) if (!d.suppressed) counts.set(key(d), (counts.get(key(d)) ?? 0) + 1);
    return counts;
  };
  const baseCounts = count(base);
  const headCounts = count(head);
  const suppressedInHead = new Set(head.filter((d) => d.suppressed).map(key));
  const unmatched = (list: readonly Diagnostic[], other: Map<string, number>, resolved: boolean): FindingChange[] => {
    const out: FindingChange[] = [];
    for (const d of list) {
      if (d.suppressed) continue;
      const k = key(d);
      const left = other.get(k) ?? 0;
      if (left > 0) {
        other.set(k, left - 1);
        continue;
      }
      out.push({
        rule: d.rule,
        severity: d.severity,
        message: d.message,
        subject: subjectKey(d.subject),
        ...(d.target ? { target: subjectKey(d.target) } : {}),
        file: d.file,
        line: d.line,
        column: d.column,
        ...(resolved && suppressedInHead.has(k) ? { acceptedByException: true } : {}),
      });
    }
    return out;
  };
  return { introduced: unmatched(head, baseCounts, false), resolved: unmatched(base, headCounts, true) };
}

// ---------------------------------------------------------------------------

function countChanges(users: readonly UserChange[], roles: readonly RoleChange[], groups: readonly GroupChange[], escalations: number, findings: DiffReport['findings']): DiffCounts {
  const byStatus = (list: readonly { status: string }[]): { added: number; removed: number; changed: number } => ({
    added: list.filter((x) => x.status === 'added').length,
    removed: list.filter((x) => x.status === 'removed').length,
    changed: list.filter((x) => x.status === 'changed').length,
  });
  let gained = 0;
  let lost = 0;
  let rescoped = 0;
  for (const u of users) {
    gained += u.added.length;
    lost += u.removed.length;
    rescoped += u.changed.length;
  }
  return {
    escalations,
    users: byStatus(users),
    permissions: { gained, lost, rescoped },
    roles: byStatus(roles),
    groups: byStatus(groups),
    findings: { introduced: findings.introduced.length, resolved: findings.resolved.length },
  };
}

/** How many effective holders each role has: one pass over the users' role bitsets, no lists. */
function holderCounts(res: Resolution): Uint32Array {
  const counts = new Uint32Array(res.roleIds.length);
  for (const roles of res.userRoles) {
    const words = roles.words;
    for (let w = 0; w < words.length; w++) {
      let word = words[w]!;
      while (word !== 0) {
        counts[(w << 5) + 31 - Math.clz32(word & -word)]!++;
        word &= word - 1;
      }
    }
  }
  return counts;
}

function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}

/** Walks two sorted id lists together: `visit(baseIndex, headIndex)` with -1 for a missing side. */
function mergeIds(baseIds: readonly string[], headIds: readonly string[], visit: (b: number, h: number) => void): void {
  let i = 0;
  let j = 0;
  while (i < baseIds.length || j < headIds.length) {
    const b = baseIds[i];
    const h = headIds[j];
    const order = b === undefined ? 1 : h === undefined ? -1 : compareStrings(b, h);
    visit(order <= 0 ? i++ : -1, order >= 0 ? j++ : -1);
  }
}

/** Added and removed items between two sorted lists. */
function listDiff(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  mergeIds(before, after, (b, a) => {
    if (b < 0) added.push(after[a]!);
    else if (a < 0) removed.push(before[b]!);
  });
  return { added, removed };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

import { compareStrings } from '../model/diagnostic.js';
import type { UserDef } from '../model/policy.js';
import { lastUse } from '../usage/last-use.js';
import type { UsageData } from '../usage/usage.js';
import { addDays } from '../util/dates.js';
import type { AccessView } from './access.js';

/** Why a row is in a reviewer's packet. */
export type RowReason = 'group-owner' | 'role-owner' | 'sponsor';

/**
 * One row of a review packet: one user's hold on one piece of access, as the
 * CSV carries it (`user,access,scope,via,expires,lastReviewed,decision`, plus
 * `lastUsed` with usage data) and what the HTML page adds.
 *
 * - A group owner's row is a direct membership: `access` is `group:g`,
 *   `scope` the effective roles the membership gives (g's roles and those of
 *   the groups above it, with what they contain), `via` is `group:g`,
 *   `lastReviewed` the group's `reviewedAt`. `keep` marks the group
 *   reviewed; `revoke` removes the user from g's `members`.
 * - A role owner's row, and a sponsor's row, is a role held: `access` is
 *   `role:r`, `scope` r and the roles it contains, `via` the shortest path
 *   as in matrix.csv, `expires` the expiry of the assignment the path starts
 *   with, `lastReviewed` the user's `reviewedAt`. `keep` marks the user
 *   reviewed; `revoke` removes the direct assignment of r, and is refused
 *   when r is held through a group or containment (`heldThrough` says where).
 */
export interface PacketRow {
  readonly user: string;
  readonly access: string;
  readonly scope: string;
  readonly via: string;
  readonly expires: string;
  readonly lastReviewed: string;
  /** With usage data: the last use of the access ('' for none recorded). */
  readonly lastUsed?: string;
  readonly reason: RowReason;
  /** True when `revoke` can act on this row: a direct membership or a direct assignment. */
  readonly revocable: boolean;
  /** For a row that cannot be revoked here: where the access is granted, in words. */
  readonly heldThrough?: string;
}

/** One reviewer's packet: their rows in packet order, and when the review is due. */
export interface Packet {
  readonly reviewer: string;
  readonly rows: readonly PacketRow[];
  /** What the reviewer reviews, for the index: group and role ids owned, users sponsored. */
  readonly groups: readonly string[];
  readonly roles: readonly string[];
  readonly sponsored: readonly string[];
  /** The earliest day a row's review falls due (its last review plus reviewMaxAgeDays); '' when a row was never reviewed; absent without rows. */
  readonly due?: string;
}

/** A campaign: every reviewer's packet, and the access no reviewer covers. */
export interface Campaign {
  readonly asOf: string;
  readonly reviewMaxAgeDays: number;
  readonly usage: boolean;
  readonly packets: readonly Packet[];
  /** Groups with members but no owner. */
  readonly unownedGroups: readonly string[];
  /** Active external users with access but no sponsor. */
  readonly unsponsored: readonly string[];
  /** Privileged roles with holders but no owner. */
  readonly unownedPrivilegedRoles: readonly string[];
}

/**
 * The review campaign of a policy: one packet per reviewer (a group's owner
 * for its direct members, a role's owner for its holders, an external user's
 * sponsor for that user's roles). Rows in a packet: memberships by group and
 * user, then role holdings by role and user, then sponsored users by user and
 * role; a (user, access) pair appears once per packet. Pure.
 */
export function reviewCampaign(view: AccessView, usage?: UsageData): Campaign {
  const { model } = view;
  const builders = new Map<string, PacketBuilder>();
  const builder = (reviewer: string): PacketBuilder => {
    let b = builders.get(reviewer);
    if (!b) {
      b = new PacketBuilder(reviewer, model.settings.reviewMaxAgeDays);
      builders.set(reviewer, b);
    }
    return b;
  };
  const unownedGroups: string[] = [];
  for (const groupId of view.groupIds) {
    const group = model.groups.get(groupId)!;
    const members = uniqueSorted(group.members.map((m) => m.id).filter((id) => model.users.has(id)));
    if (!group.owner) {
      if (members.length > 0) unownedGroups.push(groupId);
      continue;
    }
    const b = builder(group.owner.id);
    b.groups.push(groupId);
    for (const user of members) b.add(membershipRow(view, user, groupId, usage, true)!);
  }
  const unownedPrivilegedRoles: string[] = [];
  for (let r = 0; r < view.roleIds.length; r++) {
    const role = model.roles.get(view.roleIds[r]!)!;
    const holders = view.holders(r);
    if (!role.owner) {
      if (role.privileged && holders.length > 0) unownedPrivilegedRoles.push(role.id);
      continue;
    }
    const b = builder(role.owner.id);
    b.roles.push(role.id);
    for (const u of holders) b.add(roleRow(view, u, r, 'role-owner', usage)!);
  }
  const unsponsored: string[] = [];
  for (let u = 0; u < view.userIds.length; u++) {
    const user = model.users.get(view.userIds[u]!)!;
    if (user.type !== 'external') continue;
    const roles = view.effectiveRoles(u);
    if (!user.sponsor) {
      if (roles.length > 0) unsponsored.push(user.id);
      continue;
    }
    const b = builder(user.sponsor.id);
    b.sponsored.push(user.id);
    for (const r of roles) b.add(roleRow(view, u, r, 'sponsor', usage)!);
  }
  const packets = [...builders.values()].map((b) => b.finish()).sort((a, b) => compareStrings(a.reviewer, b.reviewer));
  return { asOf: view.asOf, reviewMaxAgeDays: model.settings.reviewMaxAgeDays, usage: usage !== undefined, packets, unownedGroups, unsponsored, unownedPrivilegedRoles };
}

/**
 * The row that (user, access) has in the policy now, as `rolecall review`
 * would write it: a direct membership for `group:g`, a role held for
 * `role:r`; undefined when the user is not a direct member, or does not hold
 * the role. `review apply` compares decisions with it.
 */
export function currentRow(view: AccessView, userId: string, access: string, reason: RowReason = 'role-owner'): PacketRow | undefined {
  const colon = access.indexOf(':');
  const kind = access.slice(0, colon);
  const id = access.slice(colon + 1);
  if (kind === 'group') return membershipRow(view, userId, id);
  if (kind !== 'role') return undefined;
  const u = view.user(userId);
  const r = view.role(id);
  if (u === undefined || r === undefined) return undefined;
  return roleRow(view, u, r, reason);
}

/** The text of a list of roles as the `scope` column writes it: `role:a role:b`. */
export function scopeText(view: AccessView, roles: readonly number[]): string {
  return roles.map((r) => `role:${view.roleIds[r]!}`).join(' ');
}

/** Scope texts of memberships and roles, made once per group and role (many rows share them). */
const scopeCache = new WeakMap<AccessView, Map<string, string>>();

function cachedScope(view: AccessView, key: string, roles: () => readonly number[]): string {
  let cache = scopeCache.get(view);
  if (!cache) {
    cache = new Map();
    scopeCache.set(view, cache);
  }
  let text = cache.get(key);
  if (text === undefined) {
    text = scopeText(view, roles());
    cache.set(key, text);
  }
  return text;
}

function membershipRow(view: AccessView, userId: string, groupId: string, usage?: UsageData, listed = false): PacketRow | undefined {
  const g = view.group(groupId);
  const group = view.model.groups.get(groupId);
  if (g === undefined || !group || !view.model.users.has(userId) || (!listed && !view.isDirectMember(g, userId))) return undefined;
  const roles = view.membershipRoles(g);
  const u = view.user(userId)!;
  return {
    user: userId,
    access: `group:${groupId}`,
    scope: cachedScope(view, `g${g}`, () => roles),
    via: `group:${groupId}`,
    expires: '',
    lastReviewed: group.reviewedAt ?? '',
    ...(usage ? { lastUsed: lastUse(view, usage, u, roles) ?? '' } : {}),
    reason: 'group-owner',
    revocable: true,
  };
}

function roleRow(view: AccessView, u: number, r: number, reason: RowReason, usage?: UsageData): PacketRow | undefined {
  const holding = view.roleHolding(u, r);
  if (!holding) return undefined;
  const user: UserDef = view.model.users.get(view.userIds[u]!)!;
  const roleId = view.roleIds[r]!;
  let heldThrough: string | undefined;
  if (holding.through === 'group') {
    const owner = view.model.groups.get(holding.group!.id)?.owner?.id;
    heldThrough = `through group \`${holding.group!.id}\`${owner ? ` (owner \`${owner}\`)` : ''}: revoke the membership instead`;
  } else if (holding.through === 'containment') {
    heldThrough = `contained in role \`${holding.container!.id}\`, which \`${user.id}\` holds through \`${holding.via.slice(0, holding.via.lastIndexOf(' > '))}\`: revoke that instead`;
  }
  return {
    user: user.id,
    access: `role:${roleId}`,
    scope: cachedScope(view, `r${r}`, () => view.closure(r)),
    via: holding.via,
    expires: holding.assignment?.expires ?? '',
    lastReviewed: user.reviewedAt ?? '',
    ...(usage ? { lastUsed: lastUse(view, usage, u, [r]) ?? '' } : {}),
    reason,
    revocable: holding.through === 'assignment',
    ...(heldThrough ? { heldThrough } : {}),
  };
}

class PacketBuilder {
  readonly groups: string[] = [];
  readonly roles: string[] = [];
  readonly sponsored: string[] = [];
  private readonly rows: PacketRow[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly reviewer: string,
    private readonly maxAgeDays: number,
  ) {}

  add(row: PacketRow): void {
    const key = `${row.user}\0${row.access}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.rows.push(row);
  }

  finish(): Packet {
    // The earliest last review gives the earliest due date.
    let oldest: string | undefined;
    for (const row of this.rows) if (oldest === undefined || compareStrings(row.lastReviewed, oldest) < 0) oldest = row.lastReviewed;
    const due = oldest === undefined || oldest === '' ? oldest : addDays(oldest, this.maxAgeDays);
    return { reviewer: this.reviewer, rows: this.rows, groups: this.groups, roles: this.roles, sponsored: this.sponsored, ...(due === undefined ? {} : { due }) };
  }
}

function uniqueSorted(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort(compareStrings);
}

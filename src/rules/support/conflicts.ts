import type { RelatedSpan, Subject } from '../../model/diagnostic.js';
import type { Ref, UserDef } from '../../model/policy.js';
import { shortLocation } from '../../model/source.js';
import { containmentChain, shortestPermissionPath, shortestRolePath, type AccessPath, type Hop } from '../../stages/paths.js';
import type { Resolution } from '../../stages/resolve.js';

import { describePath } from './paths.js';

export { describePath };

/**
 * How a user came to hold the item at the end of a path, without locations, for
 * messages: `assigned directly`, `via group \`finance\``, `via role \`admin\``.
 */
export function describeHow(path: AccessPath): string {
  const last = path[path.length - 1];
  const hops = path.filter((hop) => hop.kind === 'group' || hop.kind === 'role');
  const inner = last?.kind === 'role' ? hops.slice(0, -1) : hops;
  return inner.length === 0 ? 'assigned directly' : `via ${inner.map((hop) => `${hop.kind} \`${hop.id}\``).join(' > ')}`;
}

/** A role index as a finding subject. */
export function roleSubject(res: Resolution, r: number): Subject {
  return { kind: 'role', id: res.roleIds[r]! };
}

/** How a user holds one item (a role, a permission): the path and the related location that gives it. */
export interface HeldVia {
  readonly path: AccessPath;
  readonly related: RelatedSpan;
}

/**
 * The related location for an item a user holds along `path`: the first hop
 * (the assignment or the group-member entry), with a message naming the whole
 * path. `label` names the item (`role \`payment_approver\``).
 */
export function heldVia(user: UserDef, label: string, path: AccessPath): HeldVia {
  const first = path.find((hop) => hop.kind !== 'user');
  return { path, related: { span: first?.span ?? user.span, message: `${label} ${describeHeld(path)}` } };
}

/**
 * How a user holds the item at the end of a path, with locations:
 * `assigned directly (policies/users.yaml:12)` for a direct assignment, else
 * `via ` and the whole path (`describePath`).
 */
export function describeHeld(path: AccessPath): string {
  const hops = path.filter((hop) => hop.kind !== 'user');
  const only = hops[0];
  if (hops.length === 1 && only?.kind === 'role' && only.span) return `assigned directly (${shortLocation(only.span)})`;
  return `via ${describePath(path)}`;
}

/** Shortest group/assignment prefixes of a user's source roles, as `sourcePrefixes` returns them. */
export type SourcePrefixes = Map<number, Hop[]>;

/** How user u holds effective role r (shortest path), or undefined when u does not hold it. */
export function roleHeldVia(res: Resolution, u: number, r: number, prefixes: SourcePrefixes): HeldVia | undefined {
  const path = shortestRolePath(res, u, r, prefixes);
  const user = res.model.users.get(res.userIds[u]!)!;
  return path ? heldVia(user, `role \`${res.roleIds[r]!}\``, path) : undefined;
}

/** How user u holds permission p at its effective level (shortest path), or undefined. */
export function permissionHeldVia(res: Resolution, u: number, p: number, prefixes: SourcePrefixes): HeldVia | undefined {
  const path = shortestPermissionPath(res, u, p, prefixes);
  const user = res.model.users.get(res.userIds[u]!)!;
  return path ? heldVia(user, `permission \`${res.permissionIds[p]!}\``, path) : undefined;
}

/**
 * The containment chain from role `from` to role `to`, as a related location on
 * the first `contains` entry with the whole chain in the message; undefined
 * when `from` is `to` or does not contain it.
 */
export function containedVia(res: Resolution, from: number, to: number): RelatedSpan | undefined {
  if (from === to) return undefined;
  const chain = containmentChain(res, from, to);
  const span = chain?.[0]?.span;
  if (!chain || !span) return undefined;
  const how = chain.length === 1 ? `(${shortLocation(span)})` : `via ${describePath(chain)}`;
  return { span, message: `role \`${res.roleIds[from]!}\` contains role \`${res.roleIds[to]!}\` ${how}` };
}

/** One `excludes` entry: `owner` lists `excluded`. */
export interface ExcludesEntry {
  readonly owner: number;
  readonly excluded: number;
  readonly ref: Ref;
}

/** An unordered pair of mutually exclusive roles (`a <= b`), with every entry that declares it. */
export interface Exclusion {
  readonly a: number;
  readonly b: number;
  /** Entries declaring the pair, by owner index (one or, when both sides list each other, two). */
  readonly entries: readonly ExcludesEntry[];
}

/** Every exclusion of a policy, and per role the exclusions it takes part in. */
export interface ExclusionIndex {
  /** Pairs by (a, b). */
  readonly pairs: readonly Exclusion[];
  /** For each role r, the pairs with `a === r` (its partners with a larger or equal index), by b. */
  readonly upward: readonly (readonly Exclusion[])[];
}

const exclusionCache = new WeakMap<Resolution, ExclusionIndex>();

/** The exclusions of a policy (symmetric: A excludes B or B excludes A), computed once per resolution. */
export function exclusionIndex(res: Resolution): ExclusionIndex {
  const cached = exclusionCache.get(res);
  if (cached) return cached;
  const byPair = new Map<number, ExcludesEntry[]>();
  const R = res.roleIds.length;
  for (let owner = 0; owner < R; owner++) {
    for (const ref of res.model.roles.get(res.roleIds[owner]!)!.excludes) {
      const excluded = res.roleIndex.get(ref.id);
      if (excluded === undefined) continue; // unknown-reference reports it
      const a = Math.min(owner, excluded);
      const b = Math.max(owner, excluded);
      const key = a * R + b;
      const list = byPair.get(key);
      if (list) list.push({ owner, excluded, ref });
      else byPair.set(key, [{ owner, excluded, ref }]);
    }
  }
  const pairs: Exclusion[] = [...byPair.entries()].sort((x, y) => x[0] - y[0]).map(([key, entries]) => ({ a: Math.floor(key / R), b: key % R, entries }));
  const upward: Exclusion[][] = Array.from({ length: R }, () => []);
  for (const pair of pairs) upward[pair.a]!.push(pair);
  const index = { pairs, upward };
  exclusionCache.set(res, index);
  return index;
}

/** The role an exclusion's first entry names in its `excludes` list: the finding's target. */
export function excludedRole(exclusion: Exclusion): number {
  return exclusion.entries[0]!.excluded;
}

/** `\`a\` excludes \`b\`` or `\`a\` and \`b\` exclude each other`. */
export function describeExclusion(res: Resolution, exclusion: Exclusion): string {
  const a = res.roleIds[exclusion.a]!;
  const b = res.roleIds[exclusion.b]!;
  if (exclusion.a === exclusion.b) return `\`${a}\` excludes itself`;
  if (exclusion.entries.some((e) => e.owner === exclusion.a) && exclusion.entries.some((e) => e.owner === exclusion.b)) return `\`${a}\` and \`${b}\` exclude each other`;
  const entry = exclusion.entries[0]!;
  return `\`${res.roleIds[entry.owner]!}\` excludes \`${res.roleIds[entry.excluded]!}\``;
}

/** Related locations of the `excludes` entries that declare an exclusion. */
export function exclusionRelated(res: Resolution, exclusion: Exclusion): RelatedSpan[] {
  return exclusion.entries.map((e) => ({ span: e.ref.span, message: `role \`${res.roleIds[e.owner]!}\` excludes role \`${res.roleIds[e.excluded]!}\`` }));
}

/**
 * Memoizes a per-user computation that depends only on the user's source roles
 * (and, through `extra`, anything else about the user): users with the same
 * assignments and groups share one result, so the work scales with the number
 * of distinct role combinations rather than with the number of users.
 */
export function perSourceSet<T>(res: Resolution, compute: (u: number) => T, extra?: (u: number) => string): (u: number) => T {
  const cache = new Map<string, T>();
  return (u) => {
    const sources = res.userSources[u]!;
    const key = extra ? `${extra(u)}|${sources.join(',')}` : sources.join(',');
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) {
      value = compute(u);
      cache.set(key, value);
    }
    return value as T;
  };
}

/** The level at which user u holds permission p (0: not held): the widest grant of a source role, unless one denies it. */
export function userLevel(res: Resolution, u: number, p: number): number {
  let level = 0;
  for (const r of res.userSources[u]!) {
    if (res.roleDeny[r]![p]) return 0;
    const granted = res.roleGrant[r]![p]!;
    if (granted > level) level = granted;
  }
  return level;
}

/** True when user u takes part in effective access: active and with at least one source role. */
export function hasAccess(res: Resolution, u: number): boolean {
  return res.userSources[u]!.length > 0;
}

/** `a`, `a and b`, `a, b and c`. */
export function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]!}`;
}

import type { Span } from '../model/source.js';
import { NONE, type Resolution } from './resolve.js';

/** One step of an explanation: `group csm-agents`, with the place in the policy that creates the step. */
export interface Hop {
  readonly kind: 'user' | 'group' | 'role' | 'grant';
  readonly id: string;
  /** Where the edge into this hop is written (the member entry, the role reference, the grant). */
  readonly span?: Span;
  /** For a grant hop: the level it gives. */
  readonly level?: number;
}

/** A path from a user to a role or grant. */
export type AccessPath = readonly Hop[];

/** The most paths `explain` lists for one permission. */
export const maxPaths = 200;

/**
 * Shortest group/assignment prefix to each of a user's source roles:
 * `[group g1, group g2, role r]` or `[role r]` for a direct assignment.
 */
export function sourcePrefixes(res: Resolution, u: number): Map<number, Hop[]> {
  const out = new Map<number, Hop[]>();
  const user = res.model.users.get(res.userIds[u]!)!;
  if (user.status === 'inactive') return out;
  for (const assignment of user.roles) {
    if (assignment.expires !== undefined && assignment.expires < res.asOf) continue;
    const r = res.roleIndex.get(assignment.role.id);
    if (r !== undefined && !out.has(r)) out.set(r, [{ kind: 'role', id: assignment.role.id, span: assignment.role.span }]);
  }
  for (const [g, chain] of groupChains(res, u)) {
    const group = res.model.groups.get(res.groupIds[g]!)!;
    for (const ref of group.roles) {
      const r = res.roleIndex.get(ref.id);
      if (r === undefined) continue;
      const existing = out.get(r);
      if (!existing || existing.length > chain.length + 1) out.set(r, [...chain, { kind: 'role', id: ref.id, span: ref.span }]);
    }
  }
  return out;
}

/** Shortest chain of groups from a user to each effective group (breadth-first, ties by id). */
export function groupChains(res: Resolution, u: number): Map<number, Hop[]> {
  const chains = new Map<number, Hop[]>();
  const userId = res.userIds[u]!;
  let frontier: number[] = [];
  for (const g of res.userDirectGroups[u]!) {
    const span = res.memberSpan(g, userId);
    chains.set(g, [{ kind: 'group', id: res.groupIds[g]!, ...(span ? { span } : {}) }]);
    frontier.push(g);
  }
  while (frontier.length > 0) {
    const nextFrontier: number[] = [];
    for (const g of frontier) {
      const childId = res.groupIds[g]!;
      for (const parent of res.groupParents[g]!) {
        if (chains.has(parent)) continue;
        const group = res.model.groups.get(res.groupIds[parent]!)!;
        const ref = group.subgroups.find((s) => s.id === childId);
        chains.set(parent, [...chains.get(g)!, { kind: 'group', id: group.id, ...(ref ? { span: ref.span } : {}) }]);
        nextFrontier.push(parent);
      }
    }
    frontier = nextFrontier.sort((a, b) => a - b);
  }
  return chains;
}

/** A user's source roles with the text of their prefixes, in the tie-break order of shortest paths (see SourceTexts). */
export interface SourceTextList {
  readonly roles: Int32Array;
  /** Hops in each prefix (groups and the role). */
  readonly hops: Int32Array;
  /** Each prefix as via text: `group:g1 > group:g2 > role:r`. */
  readonly prefixes: readonly string[];
}

/**
 * What `sourcePrefixes` gives, as text, for many users: the same source
 * roles with the same prefixes, sorted by `compareHops`, but with no hop
 * objects or spans; indices and scratch arrays are prepared once. This is
 * what matrix.csv needs per user (tested to agree with sourcePrefixes).
 */
export class SourceTexts {
  private readonly groupHop: readonly string[];
  private readonly roleHop: readonly string[];
  /** Per group: hops from the user (0 = not reached) and the group before it on the chain (-1 for a direct group). */
  private readonly depth: Int32Array;
  private readonly previous: Int32Array;
  /** Per role: prefix hops (0 = not a source) and the group it comes through (-1 for a direct assignment). */
  private readonly sourceHops: Int32Array;
  private readonly sourceGroup: Int32Array;

  constructor(private readonly res: Resolution) {
    this.groupHop = res.groupIds.map((id) => `group:${id}`);
    this.roleHop = res.roleIds.map((id) => `role:${id}`);
    this.depth = new Int32Array(res.groupIds.length);
    this.previous = new Int32Array(res.groupIds.length);
    this.sourceHops = new Int32Array(res.roleIds.length);
    this.sourceGroup = new Int32Array(res.roleIds.length);
  }

  /** User u's source roles and prefixes (empty for an inactive user or one with no active assignment or group role). */
  user(u: number): SourceTextList {
    const res = this.res;
    const { depth, previous, sourceHops, sourceGroup } = this;
    const user = res.model.users.get(res.userIds[u]!)!;
    const sources: number[] = [];
    const reached: number[] = [];
    if (user.status !== 'inactive') {
      for (const assignment of user.roles) {
        if (assignment.expires !== undefined && assignment.expires < res.asOf) continue;
        const r = res.roleIndex.get(assignment.role.id);
        if (r === undefined || sourceHops[r] !== 0) continue;
        sourceHops[r] = 1;
        sourceGroup[r] = -1;
        sources.push(r);
      }
      // Breadth-first over groups exactly as groupChains: direct groups in order, then each level's new groups in discovery order, expanded in ascending order.
      let frontier: number[] = [];
      for (const g of res.userDirectGroups[u]!) {
        if (depth[g] !== 0) continue;
        depth[g] = 1;
        previous[g] = -1;
        reached.push(g);
        frontier.push(g);
      }
      while (frontier.length > 0) {
        const nextFrontier: number[] = [];
        for (const g of frontier) {
          for (const parent of res.groupParents[g]!) {
            if (depth[parent] !== 0) continue;
            depth[parent] = depth[g]! + 1;
            previous[parent] = g;
            reached.push(parent);
            nextFrontier.push(parent);
          }
        }
        frontier = nextFrontier.sort((a, b) => a - b);
      }
      for (const g of reached) {
        const hops = depth[g]! + 1;
        // A group's roles in any order: they share the group's prefix, and sources are sorted below.
        for (const r of res.groupRoles[g]!) {
          const existing = sourceHops[r]!;
          if (existing !== 0 && existing <= hops) continue;
          if (existing === 0) sources.push(r);
          sourceHops[r] = hops;
          sourceGroup[r] = g;
        }
      }
    }
    const texts = sources.map((r) => {
      const hops: string[] = [];
      for (let g = sourceGroup[r]!; g !== -1; g = previous[g]!) hops.push(this.groupHop[g]!);
      hops.reverse();
      hops.push(this.roleHop[r]!);
      return { r, hops };
    });
    texts.sort((a, b) => compareHopTexts(a.hops, b.hops));
    for (const g of reached) depth[g] = 0;
    for (const r of sources) sourceHops[r] = 0;
    return {
      roles: Int32Array.from(texts, (t) => t.r),
      hops: Int32Array.from(texts, (t) => t.hops.length),
      prefixes: texts.map((t) => t.hops.join(' > ')),
    };
  }
}

/** The order of compareHops, over hops already written as `kind:id`. */
function compareHopTexts(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** Follows the shortest containment chain from role r to the grant that gives permission p its level. */
export function chainToGrant(res: Resolution, r: number, p: number): Hop[] {
  const { dist, next } = res.via();
  const hops: Hop[] = [];
  let current = r;
  if (dist[current]![p] === NONE) return hops;
  for (let guard = 0; guard <= res.roleIds.length; guard++) {
    const n = next[current]![p]!;
    if (n === -1) break;
    const ref = res.model.roles.get(res.roleIds[current]!)!.contains.find((c) => c.id === res.roleIds[n]);
    hops.push({ kind: 'role', id: res.roleIds[n]!, ...(ref ? { span: ref.span } : {}) });
    current = n;
  }
  const level = res.roleGrant[current]![p]!;
  const entry = res.directGrants[current]!.get(p)?.find((e) => e.level === level);
  if (entry) hops.push({ kind: 'grant', id: entry.grant.text, span: entry.grant.span, level });
  return hops;
}

/**
 * The shortest path by which user u holds permission p at its effective level,
 * or undefined when u does not hold it. `prefixes` may be passed in when many
 * permissions of one user are explained.
 */
export function shortestPermissionPath(res: Resolution, u: number, p: number, prefixes = sourcePrefixes(res, u)): AccessPath | undefined {
  const level = res.level(u, p);
  if (level === 0) return undefined;
  const best = shortestSource(res, prefixes, p, level);
  if (!best) return undefined;
  return [{ kind: 'user', id: res.userIds[u]! }, ...best.prefix, ...chainToGrant(res, best.r, p)];
}

/**
 * The source role (with its group/assignment prefix) that the shortest path
 * to permission p at `level` goes through: the shortest prefix plus
 * containment chain down to a grant of that level, ties broken by
 * `compareHops` of the prefixes. Every explanation (explain, the rules, diff)
 * chooses with this; matrix.csv chooses for all of a user's permissions at
 * once with `chooseSources`, which is tested to agree.
 */
export function shortestSource(res: Resolution, prefixes: Iterable<readonly [number, Hop[]]>, p: number, level: number): { r: number; prefix: Hop[] } | undefined {
  const { dist } = res.via();
  let best: { prefix: Hop[]; r: number; length: number } | undefined;
  for (const [r, prefix] of prefixes) {
    if (res.roleGrant[r]![p] !== level) continue;
    const length = prefix.length + dist[r]![p]!;
    if (!best || length < best.length || (length === best.length && compareHops(prefix, best.prefix) < 0)) best = { prefix, r, length };
  }
  return best;
}

/** The shortest path by which user u holds role r (as an effective role), or undefined. */
export function shortestRolePath(res: Resolution, u: number, r: number, prefixes = sourcePrefixes(res, u)): AccessPath | undefined {
  if (!res.userRoles[u]!.has(r)) return undefined;
  let best: Hop[] | undefined;
  for (const [s, prefix] of prefixes) {
    if (!res.roleClosure[s]!.has(r)) continue;
    const chain = containmentChain(res, s, r);
    if (!chain) continue;
    const path = [...prefix, ...chain];
    if (!best || path.length < best.length || (path.length === best.length && compareHops(path, best) < 0)) best = path;
  }
  return best ? [{ kind: 'user', id: res.userIds[u]! }, ...best] : undefined;
}

/** Shortest chain of `contains` edges from role `from` to role `to` (empty when equal). */
export function containmentChain(res: Resolution, from: number, to: number): Hop[] | undefined {
  if (from === to) return [];
  const previous = new Map<number, number>([[from, -1]]);
  let frontier = [from];
  while (frontier.length > 0 && !previous.has(to)) {
    const next: number[] = [];
    for (const r of frontier) {
      for (const c of res.containsEdges[r]!) {
        if (previous.has(c)) continue;
        previous.set(c, r);
        next.push(c);
      }
    }
    frontier = next;
  }
  if (!previous.has(to)) return undefined;
  const hops: Hop[] = [];
  for (let r = to; r !== from; r = previous.get(r)!) {
    const parent = previous.get(r)!;
    const ref = res.model.roles.get(res.roleIds[parent]!)!.contains.find((c) => c.id === res.roleIds[r]);
    hops.push({ kind: 'role', id: res.roleIds[r]!, ...(ref ? { span: ref.span } : {}) });
  }
  return hops.reverse();
}

/**
 * Every path by which user u is granted permission p (at any level, before
 * denies), up to `limit` paths, shortest first. Each ends in a grant hop.
 */
export function allPermissionPaths(res: Resolution, u: number, p: number, limit = maxPaths): { paths: AccessPath[]; truncated: boolean } {
  const user = res.model.users.get(res.userIds[u]!)!;
  const paths: AccessPath[] = [];
  let truncated = false;
  const userHop: Hop = { kind: 'user', id: user.id };
  const fromRole = (r: number, prefix: Hop[], seen: Set<number>): void => {
    if (paths.length >= limit) {
      truncated = true;
      return;
    }
    if (res.roleGrant[r]![p] === 0) return;
    for (const entry of res.directGrants[r]!.get(p) ?? []) {
      paths.push([userHop, ...prefix, { kind: 'grant', id: entry.grant.text, span: entry.grant.span, level: entry.level }]);
    }
    const role = res.model.roles.get(res.roleIds[r]!)!;
    for (const ref of role.contains) {
      const c = res.roleIndex.get(ref.id);
      if (c === undefined || seen.has(c)) continue;
      seen.add(c);
      fromRole(c, [...prefix, { kind: 'role', id: ref.id, span: ref.span }], seen);
      seen.delete(c);
    }
  };
  if (user.status !== 'inactive') {
    for (const assignment of user.roles) {
      if (assignment.expires !== undefined && assignment.expires < res.asOf) continue;
      const r = res.roleIndex.get(assignment.role.id);
      if (r !== undefined) fromRole(r, [{ kind: 'role', id: assignment.role.id, span: assignment.role.span }], new Set([r]));
    }
    const fromGroup = (g: number, prefix: Hop[], seen: Set<number>): void => {
      const group = res.model.groups.get(res.groupIds[g]!)!;
      for (const ref of group.roles) {
        const r = res.roleIndex.get(ref.id);
        if (r !== undefined) fromRole(r, [...prefix, { kind: 'role', id: ref.id, span: ref.span }], new Set([r]));
      }
      for (const parent of res.groupParents[g]!) {
        if (seen.has(parent)) continue;
        const parentGroup = res.model.groups.get(res.groupIds[parent]!)!;
        const ref = parentGroup.subgroups.find((s) => s.id === group.id);
        seen.add(parent);
        fromGroup(parent, [...prefix, { kind: 'group', id: parentGroup.id, ...(ref ? { span: ref.span } : {}) }], seen);
        seen.delete(parent);
      }
    };
    for (const g of res.userDirectGroups[u]!) {
      const group = res.model.groups.get(res.groupIds[g]!)!;
      const member = group.members.find((m) => m.id === user.id);
      fromGroup(g, [{ kind: 'group', id: group.id, ...(member ? { span: member.span } : {}) }], new Set([g]));
    }
  }
  paths.sort((a, b) => a.length - b.length || compareHops(a, b));
  return { paths, truncated };
}

/** `group:g > role:r > role:s`: the path between the user and the grant, as in matrix.csv. */
export function viaText(path: AccessPath): string {
  return path
    .filter((hop) => hop.kind === 'group' || hop.kind === 'role')
    .map((hop) => `${hop.kind}:${hop.id}`)
    .join(' > ');
}

/** Orders hop lists by their `kind:id` texts, then by length: the tie-break of every shortest path. */
export function compareHops(a: readonly Hop[], b: readonly Hop[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = `${a[i]!.kind}:${a[i]!.id}`;
    const y = `${b[i]!.kind}:${b[i]!.id}`;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** What choosing a user's paths reads of a resolution: each role's grant levels, granted permissions and containment distances. */
export interface ChooseTables {
  readonly roleGrant: readonly Uint8Array[];
  readonly dist: readonly Uint16Array[];
  granted(r: number): Int32Array;
}

/** Per-permission work arrays for `chooseSources`, reused between users (left clean after each call). */
export interface ChooseScratch {
  readonly level: Uint8Array;
  readonly bestLength: Int32Array;
  readonly bestSource: Int32Array;
  readonly bestPosition: Int32Array;
}

/** Scratch arrays for P permissions. */
export function chooseScratch(P: number): ChooseScratch {
  return { level: new Uint8Array(P), bestLength: new Int32Array(P).fill(0x7fffffff), bestSource: new Int32Array(P).fill(-1), bestPosition: new Int32Array(P) };
}

/**
 * For each effective permission of a user (ascending `perms` with their
 * `levels`), the index of the source role its shortest path goes through:
 * the source whose prefix (`hops[i]` groups and role) plus containment chain
 * down to a grant of the effective level is shortest, the first in the given
 * order on a tie (`roles` come in the tie-break order of
 * shortestPermissionPath); -1 when none. With `positions`, also writes there
 * where the permission sits in the chosen source's `granted` list (so a
 * caller can look up something it keeps per role and granted permission).
 */
export function chooseSources(
  tables: ChooseTables,
  perms: Int32Array,
  levels: Uint8Array,
  roles: Int32Array,
  hops: Int32Array,
  scratch: ChooseScratch,
  positions?: Int32Array,
): Int32Array {
  const { level, bestLength, bestSource, bestPosition } = scratch;
  const best = new Int32Array(perms.length).fill(-1);
  for (let i = 0; i < perms.length; i++) level[perms[i]!] = levels[i]!;
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    const grant = tables.roleGrant[r]!;
    const d = tables.dist[r]!;
    const prefix = hops[i]!;
    const granted = tables.granted(r);
    for (let k = 0; k < granted.length; k++) {
      const p = granted[k]!;
      if (level[p] === 0 || grant[p] !== level[p]) continue;
      const length = prefix + d[p]!;
      if (length < bestLength[p]!) {
        bestLength[p] = length;
        bestSource[p] = i;
        bestPosition[p] = k;
      }
    }
  }
  for (let i = 0; i < perms.length; i++) {
    const p = perms[i]!;
    best[i] = bestSource[p]!;
    if (positions) positions[i] = bestPosition[p]!;
    level[p] = 0;
    bestLength[p] = 0x7fffffff;
    bestSource[p] = -1;
  }
  return best;
}

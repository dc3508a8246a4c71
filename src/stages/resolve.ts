import type { GrantRef, PolicyModel } from '../model/policy.js';
import type { Span } from '../model/source.js';
import { compareStrings } from '../model/diagnostic.js';
import { Bitset, stronglyConnectedComponents } from '../util/graph.js';

/** One grant entry of a role that reaches a permission, with the level it gives. */
export interface GrantEntry {
  readonly level: number;
  readonly grant: GrantRef;
}

/**
 * Effective access, resolved once per policy and as-of date (SPEC §2).
 *
 * Ids are interned into dense integer indices in sorted order, so iterating an
 * index range is iterating ids in output order. A permission's *level* is 0
 * when not held, 1 for an unscoped permission, and `i + 1` for its scope `i`
 * (scopes run narrowest to widest, so the widest scope is the largest level).
 */
export class Resolution {
  readonly permissionIds: readonly string[];
  readonly roleIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly userIds: readonly string[];
  readonly permissionIndex = new Map<string, number>();
  readonly roleIndex = new Map<string, number>();
  readonly groupIndex = new Map<string, number>();
  readonly userIndex = new Map<string, number>();
  /** Scopes of each permission (empty for unscoped ones). */
  readonly scopes: readonly (readonly string[])[];
  /** Each role's effective roles (itself and everything it contains, transitively). */
  readonly roleClosure: readonly Bitset[];
  /** Each role's granted levels over its closure, before denies. */
  readonly roleGrant: readonly Uint8Array[];
  /** Each role's denied permissions over its closure (1 = denied). */
  readonly roleDeny: readonly Uint8Array[];
  /** Each role's own grant entries per permission (wildcards expanded). */
  readonly directGrants: readonly ReadonlyMap<number, readonly GrantEntry[]>[];
  /** Each role's own deny entries per permission. */
  readonly directDenies: readonly ReadonlyMap<number, readonly GrantRef[]>[];
  /** Each role's directly contained roles (known ones). */
  readonly containsEdges: readonly (readonly number[])[];
  /** Each group's ancestors: itself and every group it is a subgroup of, transitively. */
  readonly groupAncestors: readonly (readonly number[])[];
  /** Each group's parents (groups listing it in `subgroups`). */
  readonly groupParents: readonly (readonly number[])[];
  /** Each group's effective members (active users only), ascending. */
  readonly groupMembers: readonly (readonly number[])[];
  /** Each group's direct roles (known ones). */
  readonly groupRoles: readonly (readonly number[])[];
  /** Each user's direct groups (known ones). */
  readonly userDirectGroups: readonly (readonly number[])[];
  /** Each user's effective groups, ascending; empty for inactive users. */
  readonly userGroups: readonly (readonly number[])[];
  /** Each user's source roles: unexpired direct assignments plus roles of effective groups. */
  readonly userSources: readonly (readonly number[])[];
  /** Each user's effective roles. */
  readonly userRoles: readonly Bitset[];
  private readonly accessCache = new Map<string, UserAccess>();
  private readonly memberIndex = new Map<number, Map<string, Span>>();
  private grantedLists: (Int32Array | undefined)[] = [];
  private deniedLists: (Int32Array | undefined)[] = [];
  private readonly roleLevelCache: (SparseLevels | undefined)[] = [];
  private readonly levelCache = new Map<string, SparseLevels>();
  private cachedPairs = 0;
  /** Most (user, permission) pairs `userLevels` keeps (about 5 bytes each); settable for tests and tools. */
  levelCacheBudget = defaultLevelCacheBudget;
  private scratchGrant: Uint8Array | undefined;
  private scratchDeny: Uint8Array | undefined;
  private scratchTouched: Int32Array | undefined;
  private holdersCache: number[][] | undefined;
  private viaCache: RoleVia | undefined;
  private readonly roleComponents: number[][];

  constructor(
    readonly model: PolicyModel,
    readonly asOf: string,
  ) {
    const sorted = (keys: Iterable<string>): string[] => [...keys].sort(compareStrings);
    this.permissionIds = sorted(model.permissions.keys());
    this.roleIds = sorted(model.roles.keys());
    this.groupIds = sorted(model.groups.keys());
    this.userIds = sorted(model.users.keys());
    this.permissionIds.forEach((id, i) => this.permissionIndex.set(id, i));
    this.roleIds.forEach((id, i) => this.roleIndex.set(id, i));
    this.groupIds.forEach((id, i) => this.groupIndex.set(id, i));
    this.userIds.forEach((id, i) => this.userIndex.set(id, i));
    this.scopes = this.permissionIds.map((id) => model.permissions.get(id)?.scopes ?? []);

    // Roles: expand grants, then fold closures children-first over the condensed DAG.
    const P = this.permissionIds.length;
    const R = this.roleIds.length;
    const directGrants: Map<number, GrantEntry[]>[] = [];
    const directDenies: Map<number, GrantRef[]>[] = [];
    const containsEdges: number[][] = [];
    for (const id of this.roleIds) {
      const role = model.roles.get(id)!;
      const grants = new Map<number, GrantEntry[]>();
      for (const grant of role.grants) {
        for (const [p, level] of this.expand(grant)) {
          const list = grants.get(p);
          if (list) list.push({ level, grant });
          else grants.set(p, [{ level, grant }]);
        }
      }
      const denies = new Map<number, GrantRef[]>();
      for (const deny of role.denies) {
        for (const [p] of this.expand(deny)) {
          const list = denies.get(p);
          if (list) list.push(deny);
          else denies.set(p, [deny]);
        }
      }
      directGrants.push(grants);
      directDenies.push(denies);
      containsEdges.push(uniqueSorted(role.contains.map((r) => this.roleIndex.get(r.id)).filter(isIndex)));
    }
    this.directGrants = directGrants;
    this.directDenies = directDenies;
    this.containsEdges = containsEdges;
    const roleClosure = new Array<Bitset>(R);
    const roleGrant = new Array<Uint8Array>(R);
    const roleDeny = new Array<Uint8Array>(R);
    this.roleComponents = stronglyConnectedComponents(R, containsEdges);
    for (const component of this.roleComponents) {
      const closure = new Bitset(R);
      const grant = new Uint8Array(P);
      const deny = new Uint8Array(P);
      for (const r of component) {
        closure.add(r);
        for (const [p, entries] of directGrants[r]!) for (const e of entries) if (e.level > grant[p]!) grant[p] = e.level;
        for (const p of directDenies[r]!.keys()) deny[p] = 1;
        for (const c of containsEdges[r]!) {
          const child = roleClosure[c];
          if (!child) continue; // same component: covered by the members loop
          closure.union(child);
          maxInto(grant, roleGrant[c]!);
          orInto(deny, roleDeny[c]!);
        }
      }
      for (const r of component) {
        roleClosure[r] = closure;
        roleGrant[r] = grant;
        roleDeny[r] = deny;
      }
    }
    this.roleClosure = roleClosure;
    this.roleGrant = roleGrant;
    this.roleDeny = roleDeny;

    // Groups: ancestors parents-first over the condensed child -> parent graph.
    const G = this.groupIds.length;
    const parents: number[][] = Array.from({ length: G }, () => []);
    const groupRoles: number[][] = [];
    for (const id of this.groupIds) {
      const group = model.groups.get(id)!;
      const g = this.groupIndex.get(id)!;
      for (const sub of group.subgroups) {
        const s = this.groupIndex.get(sub.id);
        if (s !== undefined) parents[s]!.push(g);
      }
      groupRoles.push(uniqueSorted(group.roles.map((r) => this.roleIndex.get(r.id)).filter(isIndex)));
    }
    for (let g = 0; g < G; g++) parents[g] = uniqueSorted(parents[g]!);
    this.groupParents = parents;
    this.groupRoles = groupRoles;
    const ancestors = new Array<number[]>(G);
    for (const component of stronglyConnectedComponents(G, parents)) {
      const set = new Set<number>(component);
      for (const g of component) for (const p of parents[g]!) for (const a of ancestors[p] ?? []) set.add(a);
      const list = [...set].sort((a, b) => a - b);
      for (const g of component) ancestors[g] = list;
    }
    this.groupAncestors = ancestors;

    // Users: direct groups, effective groups, source roles, effective roles.
    const U = this.userIds.length;
    const directGroups: number[][] = Array.from({ length: U }, () => []);
    for (let g = 0; g < G; g++) {
      for (const member of model.groups.get(this.groupIds[g]!)!.members) {
        const u = this.userIndex.get(member.id);
        if (u !== undefined) directGroups[u]!.push(g);
      }
    }
    const groupMembers: number[][] = Array.from({ length: G }, () => []);
    const userGroups: number[][] = [];
    const userSources: number[][] = [];
    const userRoles: Bitset[] = [];
    const empty = new Bitset(R);
    for (let u = 0; u < U; u++) {
      const user = model.users.get(this.userIds[u]!)!;
      directGroups[u] = uniqueSorted(directGroups[u]!);
      if (user.status === 'inactive') {
        userGroups.push([]);
        userSources.push([]);
        userRoles.push(empty);
        continue;
      }
      const effective = new Set<number>();
      for (const g of directGroups[u]!) for (const a of ancestors[g]!) effective.add(a);
      const groups = [...effective].sort((a, b) => a - b);
      userGroups.push(groups);
      for (const g of groups) groupMembers[g]!.push(u);
      const sources = new Set<number>();
      for (const assignment of user.roles) {
        if (assignment.expires !== undefined && assignment.expires < asOf) continue;
        const r = this.roleIndex.get(assignment.role.id);
        if (r !== undefined) sources.add(r);
      }
      for (const g of groups) for (const r of groupRoles[g]!) sources.add(r);
      const list = [...sources].sort((a, b) => a - b);
      userSources.push(list);
      if (list.length === 0) userRoles.push(empty);
      else if (list.length === 1) userRoles.push(roleClosure[list[0]!]!);
      else {
        const roles = new Bitset(R);
        for (const r of list) roles.union(roleClosure[r]!);
        userRoles.push(roles);
      }
    }
    this.userDirectGroups = directGroups;
    this.userGroups = userGroups;
    this.userSources = userSources;
    this.userRoles = userRoles;
    this.groupMembers = groupMembers;
  }

  /** The permissions (with levels) a grant or deny entry reaches; wildcards match declared permissions only. */
  expand(grant: GrantRef): [number, number][] {
    if (grant.wildcard) {
      const out: [number, number][] = [];
      const ids = this.permissionIds;
      let lo = lowerBound(ids, grant.permission);
      for (; lo < ids.length && ids[lo]!.startsWith(grant.permission); lo++) out.push([lo, this.widest(lo)]);
      return out;
    }
    const p = this.permissionIndex.get(grant.permission);
    if (p === undefined) return [];
    const scopes = this.scopes[p]!;
    if (grant.scope === undefined || scopes.length === 0) return [[p, this.widest(p)]];
    const index = scopes.indexOf(grant.scope);
    return index < 0 ? [] : [[p, index + 1]];
  }

  /** The level of a permission's widest scope (1 when unscoped). */
  widest(p: number): number {
    return Math.max(1, this.scopes[p]!.length);
  }

  /** The scope name of a level, or `true` for an unscoped permission. */
  levelValue(p: number, level: number): string | true {
    const scopes = this.scopes[p]!;
    return scopes.length === 0 ? true : scopes[level - 1]!;
  }

  /** The level of `scope` for permission p (undefined when p has no such scope). */
  scopeLevel(p: number, scope: string | undefined): number | undefined {
    if (scope === undefined) return 1;
    const index = this.scopes[p]!.indexOf(scope);
    return index < 0 ? undefined : index + 1;
  }

  /** A user's granted levels and denies, shared between users with the same source roles. */
  access(u: number): UserAccess {
    const sources = this.userSources[u]!;
    if (sources.length === 1) {
      const r = sources[0]!;
      return { grant: this.roleGrant[r]!, deny: this.roleDeny[r]! };
    }
    const key = sources.join(',');
    const cached = this.accessCache.get(key);
    if (cached) return cached;
    const P = this.permissionIds.length;
    const grant = new Uint8Array(P);
    const deny = new Uint8Array(P);
    for (const r of sources) {
      maxInto(grant, this.roleGrant[r]!);
      orInto(deny, this.roleDeny[r]!);
    }
    if (this.accessCache.size >= 4096) this.accessCache.clear();
    const access = { grant, deny };
    this.accessCache.set(key, access);
    return access;
  }

  /** The level at which user u effectively holds permission p (0: not held), from the user's sparse levels. */
  level(u: number, p: number): number {
    const { perms, levels } = this.userLevels(u);
    let lo = 0;
    let hi = perms.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const q = perms[mid]!;
      if (q === p) return levels[mid]!;
      if (q < p) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** The effective level of every permission for user u (after denies), as a dense array. */
  effectiveLevels(u: number): Uint8Array {
    const { perms, levels } = this.userLevels(u);
    const out = new Uint8Array(this.permissionIds.length);
    for (let i = 0; i < perms.length; i++) out[perms[i]!] = levels[i]!;
    return out;
  }

  /** The effective levels a role grants (after its own denies). */
  roleLevels(r: number): Uint8Array {
    const grant = this.roleGrant[r]!;
    const deny = this.roleDeny[r]!;
    const out = new Uint8Array(grant.length);
    for (let p = 0; p < grant.length; p++) if (!deny[p]) out[p] = grant[p]!;
    return out;
  }

  /** The permissions role r grants over its closure (before denies), ascending: a sparse view of roleGrant. */
  granted(r: number): Int32Array {
    let list = this.grantedLists[r];
    if (list) return list;
    const grant = this.roleGrant[r]!;
    let count = 0;
    for (let p = 0; p < grant.length; p++) if (grant[p]) count++;
    list = new Int32Array(count);
    let i = 0;
    for (let p = 0; p < grant.length; p++) if (grant[p]) list[i++] = p;
    this.grantedLists[r] = list;
    return list;
  }

  /**
   * Where user `userId` is listed in group g's `members` (the first entry).
   * Large groups get an index on first use, so looking up every member of a
   * 50,000-member group stays linear.
   */
  memberSpan(g: number, userId: string): Span | undefined {
    const group = this.model.groups.get(this.groupIds[g]!)!;
    if (group.members.length <= 16) return group.members.find((m) => m.id === userId)?.span;
    let index = this.memberIndex.get(g);
    if (!index) {
      index = new Map();
      for (const member of group.members) if (!index.has(member.id)) index.set(member.id, member.span);
      this.memberIndex.set(g, index);
    }
    return index.get(userId);
  }

  /** The permissions role r denies over its closure, ascending. */
  denied(r: number): Int32Array {
    let list = this.deniedLists[r];
    if (list) return list;
    const deny = this.roleDeny[r]!;
    const out: number[] = [];
    for (let p = 0; p < deny.length; p++) if (deny[p]) out.push(p);
    list = Int32Array.from(out);
    this.deniedLists[r] = list;
    return list;
  }

  /**
   * User u's effective permissions, ascending, with their levels (after
   * denies), and the permissions granted but denied. Computed from the sparse
   * grant lists of the user's source roles; users with the same sources share
   * one result. Treat the arrays as read-only.
   */
  userLevels(u: number): SparseLevels {
    const sources = this.userSources[u]!;
    if (sources.length === 0) return emptyLevels;
    if (sources.length === 1) return this.roleSparse(sources[0]!);
    const key = sources.join(',');
    const cached = this.levelCache.get(key);
    if (cached) return cached;
    const result = this.merge(sources);
    // Keep results while they fit a budget of (user, permission) pairs: the
    // rules and every artifact read the users in order, so a policy that fits
    // is merged once. A larger one keeps the first users that fit and no more
    // (evicting would make every later pass in user order miss).
    if (this.cachedPairs + result.perms.length + 1 <= this.levelCacheBudget) {
      this.cachedPairs += result.perms.length + 1;
      this.levelCache.set(key, result);
    }
    return result;
  }

  private roleSparse(r: number): SparseLevels {
    let result = this.roleLevelCache[r];
    if (!result) {
      result = this.merge([r]);
      this.roleLevelCache[r] = result;
    }
    return result;
  }

  private merge(sources: readonly number[]): SparseLevels {
    const P = this.permissionIds.length;
    const grant = (this.scratchGrant ??= new Uint8Array(P));
    const deny = (this.scratchDeny ??= new Uint8Array(P));
    const touched = (this.scratchTouched ??= new Int32Array(P));
    let n = 0;
    for (let s = 0; s < sources.length; s++) {
      const r = sources[s]!;
      const levels = this.roleGrant[r]!;
      const granted = this.granted(r);
      for (let i = 0; i < granted.length; i++) {
        const p = granted[i]!;
        const level = levels[p]!;
        const held = grant[p]!;
        if (held === 0) touched[n++] = p;
        if (level > held) grant[p] = level;
      }
    }
    let anyDeny = false;
    for (const r of sources) {
      for (const p of this.denied(r)) {
        deny[p] = 1;
        anyDeny = true;
      }
    }
    // Ascending order: by sorting what was touched, or (when that is a large share of all permissions) by one scan.
    let order: Int32Array;
    if (n * 16 < P) order = touched.subarray(0, n).sort();
    else {
      let k = 0;
      for (let p = 0; p < P; p++) if (grant[p] !== 0) touched[k++] = p;
      order = touched.subarray(0, n);
    }
    let held = 0;
    let deniedCount = 0;
    for (let i = 0; i < n; i++) if (deny[order[i]!]) deniedCount++;
    held = n - deniedCount;
    const perms = new Int32Array(held);
    const levels = new Uint8Array(held);
    const denied = new Int32Array(deniedCount);
    let h = 0;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const p = order[i]!;
      if (deny[p]) denied[d++] = p;
      else {
        perms[h] = p;
        levels[h++] = grant[p]!;
      }
      grant[p] = 0;
    }
    if (anyDeny) for (const r of sources) for (const p of this.denied(r)) deny[p] = 0;
    return { perms, levels, denied };
  }

  /** Effective holders of each role (active users whose effective roles include it), ascending. */
  holders(r: number): readonly number[] {
    if (!this.holdersCache) {
      const holders: number[][] = Array.from({ length: this.roleIds.length }, () => []);
      for (let u = 0; u < this.userIds.length; u++) for (const role of this.userRoles[u]!.toArray()) holders[role]!.push(u);
      this.holdersCache = holders;
    }
    return this.holdersCache[r]!;
  }

  /**
   * For each role and permission, the shortest containment chain to a role whose
   * own grant gives the role's level (computed once, on first use).
   */
  via(): RoleVia {
    if (this.viaCache) return this.viaCache;
    const R = this.roleIds.length;
    const P = this.permissionIds.length;
    const dist: Uint16Array[] = new Array(R);
    const next: Int32Array[] = new Array(R);
    for (const component of this.roleComponents) {
      for (const r of component) {
        dist[r] = new Uint16Array(P).fill(NONE);
        next[r] = new Int32Array(P).fill(-1);
      }
      // Relax until stable: a single pass for acyclic components.
      let changed = true;
      let rounds = 0;
      while (changed && rounds++ <= component.length) {
        changed = false;
        for (const r of component) {
          const level = this.roleGrant[r]!;
          const d = dist[r]!;
          const n = next[r]!;
          for (const [p, entries] of this.directGrants[r]!) {
            if (d[p] !== 0 && entries.some((e) => e.level === level[p])) {
              d[p] = 0;
              n[p] = -1;
              changed = true;
            }
          }
          for (const c of this.containsEdges[r]!) {
            const cd = dist[c];
            if (!cd) continue;
            const cl = this.roleGrant[c]!;
            for (let p = 0; p < P; p++) {
              const candidate = cd[p]! + 1;
              if (cd[p] !== NONE && cl[p] === level[p] && level[p] !== 0 && candidate < d[p]!) {
                d[p] = candidate;
                n[p] = c;
                changed = true;
              }
            }
          }
        }
      }
    }
    this.viaCache = { dist, next };
    return this.viaCache;
  }
}

/** Sparse effective permissions: ascending permission indices with their levels, and granted-but-denied ones. */
export interface SparseLevels {
  readonly perms: Int32Array;
  readonly levels: Uint8Array;
  readonly denied: Int32Array;
}

/** Most (user, permission) pairs kept in the per-user level cache by default (about 5 bytes each). */
const defaultLevelCacheBudget = 32_000_000;

const emptyLevels: SparseLevels = { perms: new Int32Array(0), levels: new Uint8Array(0), denied: new Int32Array(0) };

/** A user's raw grants (max level per permission over effective roles) and denies. */
export interface UserAccess {
  readonly grant: Uint8Array;
  readonly deny: Uint8Array;
}

/** Shortest containment chains: `dist[r][p]` hops from r to the granting role, `next[r][p]` the next role (-1: r grants it itself). */
export interface RoleVia {
  readonly dist: readonly Uint16Array[];
  readonly next: readonly Int32Array[];
}

/** Marks "no chain" in RoleVia.dist. */
export const NONE = 0xffff;

/** Resolves effective access for a bound policy as of a date. */
export function resolve(model: PolicyModel, asOf: string): Resolution {
  return new Resolution(model, asOf);
}

function maxInto(target: Uint8Array, source: Uint8Array): void {
  for (let i = 0; i < target.length; i++) if (source[i]! > target[i]!) target[i] = source[i]!;
}

function orInto(target: Uint8Array, source: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i]! |= source[i]!;
}

function isIndex(value: number | undefined): value is number {
  return value !== undefined;
}

function uniqueSorted(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

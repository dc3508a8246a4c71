import type { Assignment, PolicyModel } from '../model/policy.js';
import type { Span } from '../model/source.js';
import { shortestRolePath, sourcePrefixes, viaText, type Hop } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';

/**
 * The one place where reviews, coverage and usage read the resolver's tables
 * and explanation paths (the access layer that replaces it reads them the
 * same way). Indices are the resolution's dense indices; ids come back as
 * strings.
 */
export class AccessView {
  private readonly roleLists: (readonly number[] | undefined)[] = [];
  private readonly closureLists: (readonly number[] | undefined)[] = [];
  private readonly membershipLists: (readonly number[] | undefined)[] = [];
  /** The source prefixes of the user asked about last (packets ask about one user's roles in a row). */
  private prefixUser = -1;
  private prefixes: Map<number, Hop[]> | undefined;

  constructor(readonly resolution: Resolution) {}

  /** The policy the resolution is of. */
  get model(): PolicyModel {
    return this.resolution.model;
  }

  /** The as-of date of the resolution. */
  get asOf(): string {
    return this.resolution.asOf;
  }

  /** User ids in index order (sorted). */
  get userIds(): readonly string[] {
    return this.resolution.userIds;
  }

  /** Role ids in index order (sorted). */
  get roleIds(): readonly string[] {
    return this.resolution.roleIds;
  }

  /** Permission ids in index order (sorted). */
  get permissionIds(): readonly string[] {
    return this.resolution.permissionIds;
  }

  /** Group ids in index order (sorted). */
  get groupIds(): readonly string[] {
    return this.resolution.groupIds;
  }

  /** The index of a user id, or undefined. */
  user(id: string): number | undefined {
    return this.resolution.userIndex.get(id);
  }

  /** The index of a role id, or undefined. */
  role(id: string): number | undefined {
    return this.resolution.roleIndex.get(id);
  }

  /** The index of a permission id, or undefined. */
  permission(id: string): number | undefined {
    return this.resolution.permissionIndex.get(id);
  }

  /** The index of a group id, or undefined. */
  group(id: string): number | undefined {
    return this.resolution.groupIndex.get(id);
  }

  /** User u's effective roles, ascending (none for an inactive user). */
  effectiveRoles(u: number): readonly number[] {
    let list = this.roleLists[u];
    if (!list) {
      list = this.resolution.userRoles[u]!.toArray();
      this.roleLists[u] = list;
    }
    return list;
  }

  /** True when user u effectively holds role r. */
  holdsRole(u: number, r: number): boolean {
    return this.resolution.userRoles[u]!.has(r);
  }

  /** The effective holders of role r (active users), ascending. */
  holders(r: number): readonly number[] {
    return this.resolution.holders(r);
  }

  /** Role r and every role it contains, transitively, ascending. */
  closure(r: number): readonly number[] {
    let list = this.closureLists[r];
    if (!list) {
      list = this.resolution.roleClosure[r]!.toArray();
      this.closureLists[r] = list;
    }
    return list;
  }

  /** True when role `container`'s closure holds role `r`. */
  contains(container: number, r: number): boolean {
    return this.resolution.roleClosure[container]!.has(r);
  }

  /** The level at which user u effectively holds permission p (0: not held). */
  level(u: number, p: number): number {
    return this.resolution.level(u, p);
  }

  /** The level at which role r effectively grants permission p, after its denies (0: not granted). */
  roleLevel(r: number, p: number): number {
    return this.resolution.roleDeny[r]![p] ? 0 : this.resolution.roleGrant[r]![p]!;
  }

  /** The level of `scope` of permission p (1 without a scope), or undefined when p has no such scope. */
  scopeLevel(p: number, scope: string | undefined): number | undefined {
    if (scope !== undefined && this.resolution.scopes[p]!.length === 0) return undefined;
    return this.resolution.scopeLevel(p, scope);
  }

  /**
   * True when role r takes part in deciding permission p: its closure grants
   * p (at any scope) or denies it, so r lies on a path from its holders to a
   * grant or a deny of p.
   */
  decides(r: number, p: number): boolean {
    return this.resolution.roleGrant[r]![p]! > 0 || this.resolution.roleDeny[r]![p] === 1;
  }

  /** The permissions role r's closure grants (before denies), ascending. */
  granted(r: number): Int32Array {
    return this.resolution.granted(r);
  }

  /** True when user `userId` is listed in group g's `members` (indexed for large groups). */
  isDirectMember(g: number, userId: string): boolean {
    return this.resolution.memberSpan(g, userId) !== undefined;
  }

  /**
   * The effective roles a direct membership in group g gives: the roles of g
   * and of every group above it, with everything they contain; ascending.
   */
  membershipRoles(g: number): readonly number[] {
    let list = this.membershipLists[g];
    if (!list) {
      const res = this.resolution;
      const roles = new Set<number>();
      for (const a of res.groupAncestors[g]!) for (const r of res.groupRoles[a]!) for (const c of this.closure(r)) roles.add(c);
      list = [...roles].sort((a, b) => a - b);
      this.membershipLists[g] = list;
    }
    return list;
  }

  /**
   * User u's source roles (live direct assignments and roles of the groups
   * they belong to), each with the shortest way it reaches them: the path
   * text (`group:g > role:r`) and its first hop (the assignment's role
   * reference, or the membership entry of the first group).
   */
  sources(u: number): { readonly role: number; readonly via: string; readonly first: Hop }[] {
    const out: { role: number; via: string; first: Hop }[] = [];
    for (const [role, prefix] of sourcePrefixes(this.resolution, u)) out.push({ role, via: viaText(prefix), first: prefix[0]! });
    return out.sort((a, b) => a.role - b.role);
  }

  /** How user u holds role r by the shortest path (as `explain` and matrix.csv choose it), or undefined when u does not hold r. */
  roleHolding(u: number, r: number): RoleHolding | undefined {
    if (this.prefixUser !== u) {
      this.prefixUser = u;
      this.prefixes = sourcePrefixes(this.resolution, u);
    }
    const path = shortestRolePath(this.resolution, u, r, this.prefixes);
    if (!path) return undefined;
    const hops = path.slice(1);
    const first = hops[0]!;
    const via = viaText(hops);
    const container = hops.length >= 2 && hops[hops.length - 2]!.kind === 'role' ? hops[hops.length - 2]! : undefined;
    const containment = container ? { container: { id: container.id, ...spanOf(hops[hops.length - 1]!) } } : {};
    if (first.kind === 'group') return { via, through: 'group', group: { id: first.id, ...spanOf(first) }, ...containment };
    const user = this.model.users.get(this.userIds[u]!)!;
    const assignment = user.roles.find((a) => a.role.span === first.span) ?? user.roles.find((a) => a.role.id === first.id);
    return { via, through: container ? 'containment' : 'assignment', ...(assignment ? { assignment } : {}), ...containment };
  }

  /** A permission at a level as written in a grant: `case.read@account`, or the id of an unscoped permission. */
  permissionText(p: number, level: number): string {
    const value = this.resolution.levelValue(p, level);
    return value === true ? this.permissionIds[p]! : `${this.permissionIds[p]!}@${value}`;
  }
}

/** How a user holds a role, by the shortest path. */
export interface RoleHolding {
  /** The path as in matrix.csv: `group:g > role:s > role:r`. */
  readonly via: string;
  /** What the path starts with, and whether it reaches the role through containment. */
  readonly through: 'assignment' | 'group' | 'containment';
  /** The direct assignment the path starts with (its `expires` ends the holding). */
  readonly assignment?: Assignment;
  /** The group whose membership the path starts with, with the membership entry. */
  readonly group?: { readonly id: string; readonly span?: Span };
  /** The role that contains the held role on the path, with the `contains` entry. */
  readonly container?: { readonly id: string; readonly span?: Span };
}

function spanOf(hop: Hop): { span?: Span } {
  return hop.span ? { span: hop.span } : {};
}

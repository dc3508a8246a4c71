import type { Span } from '../model/source.js';
import { formatHop } from '../query.js';
import { chainToGrant, containmentChain, type AccessPath, type Hop } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';

/** Groups with more members than this get a member -> span index instead of a linear search. */
const indexMembersAbove = 16;

/**
 * Shortest explanation paths for many users of one resolution, as
 * `shortestPermissionPath` / `shortestRolePath` give them (same hops, same
 * tie-breaking), but with the per-group member lookups and the role chains
 * memoised: a change that touches every member of a 50,000-member group costs
 * linear time, not quadratic.
 */
export class PathFinder {
  private readonly memberSpans = new Map<number, Map<string, Span>>();
  private readonly grantChains = new Map<number, Hop[]>();
  private readonly roleChains = new Map<number, Hop[] | undefined>();
  private readonly hopTexts = new Map<Hop, string>();
  private prefixUser = -1;
  private prefixCache = new Map<number, Hop[]>();

  constructor(private readonly res: Resolution) {}

  /**
   * `user u > ... > grant ...` for permission p, formatted as `formatPath` does
   * (file:line per hop); '' when u does not hold p. `level` is u's effective
   * level of p when the caller knows it.
   */
  permissionPath(u: number, p: number, level?: number): string {
    const path = this.shortestPermissionPath(u, p, level);
    return path ? this.format(path) : '';
  }

  /** `user u > ... > role r`, formatted; '' when r is not an effective role of u. */
  rolePath(u: number, r: number): string {
    const path = this.shortestRolePath(u, r);
    return path ? this.format(path) : '';
  }

  /** The shortest path by which user u holds permission p at its effective level. */
  shortestPermissionPath(u: number, p: number, knownLevel?: number): AccessPath | undefined {
    const res = this.res;
    const level = knownLevel ?? res.level(u, p);
    if (level === 0) return undefined;
    const { dist } = res.via();
    let best: { prefix: Hop[]; r: number; length: number } | undefined;
    for (const [r, prefix] of this.prefixes(u)) {
      if (res.roleGrant[r]![p] !== level) continue;
      const length = prefix.length + dist[r]![p]!;
      if (!best || length < best.length || (length === best.length && compareHops(prefix, best.prefix) < 0)) best = { prefix, r, length };
    }
    if (!best) return undefined;
    return [{ kind: 'user', id: res.userIds[u]! }, ...best.prefix, ...this.grantChain(best.r, p)];
  }

  /** The shortest path by which user u holds role r as an effective role. */
  shortestRolePath(u: number, r: number): AccessPath | undefined {
    const res = this.res;
    if (!res.userRoles[u]!.has(r)) return undefined;
    let best: Hop[] | undefined;
    for (const [s, prefix] of this.prefixes(u)) {
      if (!res.roleClosure[s]!.has(r)) continue;
      const chain = this.roleChain(s, r);
      if (!chain) continue;
      const path = [...prefix, ...chain];
      if (!best || path.length < best.length || (path.length === best.length && compareHops(path, best) < 0)) best = path;
    }
    return best ? [{ kind: 'user', id: res.userIds[u]! }, ...best] : undefined;
  }

  /** formatPath, with the text of each shared hop (prefixes, chains) computed once. */
  private format(path: AccessPath): string {
    let text = '';
    for (let i = 0; i < path.length; i++) {
      const hop = path[i]!;
      let hopText = this.hopTexts.get(hop);
      if (hopText === undefined) {
        hopText = formatHop(hop);
        this.hopTexts.set(hop, hopText);
      }
      text += i === 0 ? hopText : ` > ${hopText}`;
    }
    return text;
  }

  /** Shortest group/assignment prefix to each source role of u (the last user's prefixes are kept). */
  private prefixes(u: number): Map<number, Hop[]> {
    if (u === this.prefixUser) return this.prefixCache;
    const res = this.res;
    const out = new Map<number, Hop[]>();
    const user = res.model.users.get(res.userIds[u]!)!;
    if (user.status !== 'inactive') {
      for (const assignment of user.roles) {
        if (assignment.expires !== undefined && assignment.expires < res.asOf) continue;
        const r = res.roleIndex.get(assignment.role.id);
        if (r !== undefined && !out.has(r)) out.set(r, [{ kind: 'role', id: assignment.role.id, span: assignment.role.span }]);
      }
      for (const [g, chain] of this.groupChains(u)) {
        const group = res.model.groups.get(res.groupIds[g]!)!;
        for (const ref of group.roles) {
          const r = res.roleIndex.get(ref.id);
          if (r === undefined) continue;
          const existing = out.get(r);
          if (!existing || existing.length > chain.length + 1) out.set(r, [...chain, { kind: 'role', id: ref.id, span: ref.span }]);
        }
      }
    }
    this.prefixUser = u;
    this.prefixCache = out;
    this.hopTexts.clear(); // prefix hops are made per user: keep the texts of one user at a time
    return out;
  }

  private groupChains(u: number): Map<number, Hop[]> {
    const res = this.res;
    const chains = new Map<number, Hop[]>();
    const userId = res.userIds[u]!;
    let frontier: number[] = [];
    for (const g of res.userDirectGroups[u]!) {
      const span = this.memberSpan(g, userId);
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

  /** Where user `userId` is listed in group g's members (the first entry, as `find` gives). */
  private memberSpan(g: number, userId: string): Span | undefined {
    const group = this.res.model.groups.get(this.res.groupIds[g]!)!;
    if (group.members.length <= indexMembersAbove) return group.members.find((m) => m.id === userId)?.span;
    let index = this.memberSpans.get(g);
    if (!index) {
      index = new Map();
      for (const member of group.members) if (!index.has(member.id)) index.set(member.id, member.span);
      this.memberSpans.set(g, index);
    }
    return index.get(userId);
  }

  private grantChain(r: number, p: number): Hop[] {
    const key = r * this.res.permissionIds.length + p;
    let chain = this.grantChains.get(key);
    if (!chain) {
      chain = chainToGrant(this.res, r, p);
      this.grantChains.set(key, chain);
    }
    return chain;
  }

  private roleChain(from: number, to: number): Hop[] | undefined {
    const key = from * this.res.roleIds.length + to;
    if (this.roleChains.has(key)) return this.roleChains.get(key);
    const chain = containmentChain(this.res, from, to);
    this.roleChains.set(key, chain);
    return chain;
  }
}

function compareHops(a: readonly Hop[], b: readonly Hop[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = `${a[i]!.kind}:${a[i]!.id}`;
    const y = `${b[i]!.kind}:${b[i]!.id}`;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

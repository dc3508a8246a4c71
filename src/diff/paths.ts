import { formatHop } from '../query.js';
import { chainToGrant, compareHops, containmentChain, shortestSource, sourcePrefixes, type AccessPath, type Hop } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';

/**
 * Shortest explanation paths for many users of one resolution, as
 * `shortestPermissionPath` / `shortestRolePath` give them (same hops, same
 * tie-breaking), but with the per-group member lookups and the role chains
 * memoised: a change that touches every member of a 50,000-member group costs
 * linear time, not quadratic.
 */
export class PathFinder {
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
    const best = shortestSource(res, this.prefixes(u), p, level);
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
    this.prefixUser = u;
    this.prefixCache = sourcePrefixes(this.res, u);
    this.hopTexts.clear(); // prefix hops are made per user: keep the texts of one user at a time
    return this.prefixCache;
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

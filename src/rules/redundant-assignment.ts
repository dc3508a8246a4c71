import type { Finding } from '../model/diagnostic.js';
import type { Assignment } from '../model/policy.js';
import { shortLocation } from '../model/source.js';
import { containmentChain, groupChains, type Hop } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';
import { Bitset } from '../util/graph.js';
import { describePath, isLive } from './support/hygiene.js';
import type { Rule } from './types.js';

/**
 * A direct, unexpired assignment of a role the user already holds: contained
 * in another of their direct assignments (that lasts at least as long), or
 * given through one of their groups.
 */
export const redundantAssignment: Rule = {
  meta: { id: 'redundant-assignment', description: 'a direct assignment is already implied by a group or by containment', severity: 'info', stage: 'resolution' },
  *check({ model, resolution: res, asOf }) {
    const groupClosures = new GroupClosures(res);
    // Users in definition order (the order findings are reported in); most have no direct assignment.
    for (const user of model.users.values()) {
      if (user.status === 'inactive' || user.roles.length === 0) continue;
      const live: { assignment: Assignment; r: number; index: number }[] = [];
      user.roles.forEach((assignment, index) => {
        const r = res.roleIndex.get(assignment.role.id);
        if (r !== undefined && isLive(assignment, asOf)) live.push({ assignment, r, index });
      });
      if (live.length === 0) continue;
      const u = res.userIndex.get(user.id)!;
      const groups = res.userGroups[u]!;
      let chains: Map<number, Hop[]> | undefined;
      for (const { assignment, r, index } of live) {
        let best: Hop[] | undefined;
        const consider = (path: Hop[]): void => {
          if (!best || path.length < best.length) best = path;
        };
        // Through the user's groups: a group role whose closure holds r.
        for (const g of groups) {
          if (!groupClosures.get(g).has(r)) continue;
          chains ??= groupChains(res, u);
          const chain = chains.get(g);
          if (!chain) continue;
          for (const ref of model.groups.get(res.groupIds[g]!)!.roles) {
            const s = res.roleIndex.get(ref.id);
            if (s === undefined || !res.roleClosure[s]!.has(r)) continue;
            const rest = containmentChain(res, s, r);
            if (rest) consider([...chain, { kind: 'role', id: ref.id, span: ref.span }, ...rest]);
          }
        }
        // Through another direct assignment that contains r and lasts at least as long.
        for (const other of live) {
          if (other.index === index || !res.roleClosure[other.r]!.has(r)) continue;
          if (!outlasts(other.assignment, assignment)) continue;
          // Mutual and equally long (the same role twice, or a containment cycle): only the later one is redundant.
          if (res.roleClosure[r]!.has(other.r) && outlasts(assignment, other.assignment) && other.index > index) continue;
          const rest = containmentChain(res, other.r, r);
          if (rest) consider([{ kind: 'role', id: other.assignment.role.id, span: other.assignment.role.span }, ...rest]);
        }
        if (!best) continue;
        const roleId = assignment.role.id;
        const path: Hop[] = best;
        const finding: Finding = {
          message:
            path.length === 1
              ? `user \`${user.id}\` is assigned role \`${roleId}\` twice (also at ${shortLocation(path[0]!.span!)}): remove this assignment`
              : `user \`${user.id}\` is assigned role \`${roleId}\` directly, but already holds it through ${describePath(path)}: remove the direct assignment`,
          span: assignment.span,
          subject: { kind: 'user', id: user.id },
          target: { kind: 'role', id: roleId },
          related: path.filter((hop) => hop.span !== undefined).map((hop) => ({ span: hop.span!, message: `${hop.kind} \`${hop.id}\`` })),
        };
        yield finding;
      }
    }
  },
};

/** True when assignment `a` lasts at least as long as `b` (no `expires` lasts forever). */
function outlasts(a: Assignment, b: Assignment): boolean {
  if (a.expires === undefined) return true;
  if (b.expires === undefined) return false;
  return a.expires >= b.expires;
}

/** Per group: the union of the closures of its own roles, computed on first use. */
class GroupClosures {
  private readonly cache: (Bitset | undefined)[];
  constructor(private readonly res: Resolution) {
    this.cache = new Array<Bitset | undefined>(res.groupIds.length);
  }
  get(g: number): Bitset {
    let set = this.cache[g];
    if (set) return set;
    set = new Bitset(this.res.roleIds.length);
    for (const r of this.res.groupRoles[g]!) set.union(this.res.roleClosure[r]!);
    this.cache[g] = set;
    return set;
  }
}

import { compareStrings } from '../model/diagnostic.js';
import type { Assertion, CoverageKind, PermissionRef, SodItem, SodSet } from '../model/policy.js';
import { AccessView } from '../review/access.js';
import type { Resolution } from '../stages/resolve.js';

/** How much of one kind of thing the assertions exercise. */
export interface CoverageCount {
  readonly covered: number;
  readonly total: number;
  /** covered / total in percent, rounded down to one decimal (100 when there is nothing to cover). */
  readonly percent: number;
}

/** A privileged role held by a user: one item of privileged-holder coverage. */
export interface Holding {
  readonly user: string;
  readonly role: string;
}

/**
 * Assertion coverage (SPEC §12, `check --coverage`): which roles,
 * permissions, separation-of-duties sets and privileged-role holdings the
 * `assertions` exercise, with the uncovered ones listed (sorted).
 */
export interface CoverageReport {
  /** How many assertions were judged (those naming known ids). */
  readonly assertions: number;
  readonly roles: CoverageCount & { readonly uncovered: readonly string[] };
  readonly permissions: CoverageCount & { readonly uncovered: readonly string[] };
  readonly separationOfDuties: CoverageCount & { readonly uncovered: readonly string[] };
  readonly privilegedHolders: CoverageCount & { readonly uncovered: readonly Holding[] };
}

/** The coverage kinds in report order. */
export const coverageKinds: readonly CoverageKind[] = ['roles', 'permissions', 'separationOfDuties', 'privilegedHolders'];

const cache = new WeakMap<Resolution, CoverageReport>();

/**
 * Computes assertion coverage. An assertion exercises what its paths cross
 * (docs/reviews.md#assertion-coverage has the whole definition):
 *
 * - `user: u` with `has`/`lacks` items: each permission p named, and every
 *   effective role of u that takes part in deciding p (its closure grants p
 *   at any scope, or denies it): exactly the roles on u's paths to a grant
 *   or deny of p. A privileged one among them exercises u's holding of it.
 * - `permission: p` with `heldBy`: p, and for every user (it judges them
 *   all), the effective roles deciding p, with their privileged holdings.
 * - `role: r` with `grants`/`lacks`: r itself, each permission named, and
 *   every role of r's closure deciding it (the containment chains).
 * - A separation-of-duties set is exercised when an assertion checks one of
 *   its items for a subject (a user, or the role of a role assertion) that
 *   holds another item of the set: the boundary the set guards is tested. A
 *   permission item is checked by naming its permission; a role item by
 *   crossing the role.
 *
 * Pure; memoized per resolution (the rule and `--coverage` ask for it once each).
 */
export function computeCoverage(resolution: Resolution): CoverageReport {
  const cached = cache.get(resolution);
  if (cached) return cached;
  const report = new CoverageComputation(new AccessView(resolution)).run();
  cache.set(resolution, report);
  return report;
}

/** True when `covered` of `total` is below `percent` (exact: no rounding decides a threshold). */
export function belowThreshold(count: CoverageCount, percent: number): boolean {
  return count.covered * 100 < percent * count.total;
}

/** What an assertion checked for one subject: permissions named and roles crossed. */
interface Check {
  readonly permissions: readonly number[];
  readonly roles: ReadonlySet<number>;
}

/** A subject of a check: a user, or the role of a role assertion. */
type CheckSubject = { readonly kind: 'user'; readonly u: number } | { readonly kind: 'role'; readonly r: number };

class CoverageComputation {
  private readonly roles = new Set<number>();
  private readonly permissions = new Set<number>();
  private readonly holdings = new Set<string>();
  private readonly sets = new Set<number>();
  private readonly privileged: ReadonlySet<number>;
  private readonly setsByPermission = new Map<number, number[]>();
  private readonly setsByRole = new Map<number, number[]>();
  private readonly sodSets: readonly SodSet[];

  constructor(private readonly view: AccessView) {
    const { model } = view;
    this.privileged = new Set(view.roleIds.map((id, r) => (model.roles.get(id)!.privileged ? r : -1)).filter((r) => r >= 0));
    this.sodSets = model.separationOfDuties;
    this.sodSets.forEach((set, s) => {
      for (const item of set.items) {
        const index = item.kind === 'role' ? view.role(item.id) : view.permission(item.id);
        if (index === undefined) continue;
        const map = item.kind === 'role' ? this.setsByRole : this.setsByPermission;
        const list = map.get(index);
        if (list) list.push(s);
        else map.set(index, [s]);
      }
    });
  }

  run(): CoverageReport {
    let judged = 0;
    for (const assertion of this.view.model.assertions) if (this.assertion(assertion)) judged++;
    const view = this.view;
    const uncoveredRoles = view.roleIds.filter((_, r) => !this.roles.has(r));
    const uncoveredPermissions = view.permissionIds.filter((_, p) => !this.permissions.has(p));
    const setIds = this.sodSets.map((set) => set.id);
    const uncoveredSets = setIds.filter((_, s) => !this.sets.has(s)).sort(compareStrings);
    const holdings: Holding[] = [];
    let holdingTotal = 0;
    for (const r of [...this.privileged].sort((a, b) => a - b)) {
      for (const u of view.holders(r)) {
        holdingTotal++;
        if (!this.holdings.has(holdingKey(u, r))) holdings.push({ user: view.userIds[u]!, role: view.roleIds[r]! });
      }
    }
    holdings.sort((a, b) => compareStrings(a.user, b.user) || compareStrings(a.role, b.role));
    return {
      assertions: judged,
      roles: { ...count(view.roleIds.length - uncoveredRoles.length, view.roleIds.length), uncovered: uncoveredRoles },
      permissions: { ...count(view.permissionIds.length - uncoveredPermissions.length, view.permissionIds.length), uncovered: uncoveredPermissions },
      separationOfDuties: { ...count(setIds.length - uncoveredSets.length, setIds.length), uncovered: uncoveredSets },
      privilegedHolders: { ...count(holdingTotal - holdings.length, holdingTotal), uncovered: holdings },
    };
  }

  /** Records what one assertion exercises; false when it names an unknown subject (then it exercises nothing). */
  private assertion(assertion: Assertion): boolean {
    const view = this.view;
    if (assertion.kind === 'user') {
      const u = view.user(assertion.subject.id);
      if (u === undefined) return false;
      const permissions = this.known([...assertion.has, ...assertion.lacks]);
      this.userCheck(u, permissions);
      return true;
    }
    if (assertion.kind === 'role') {
      const r = view.role(assertion.subject.id);
      if (r === undefined) return false;
      this.roles.add(r);
      const permissions = this.known([...assertion.grants, ...assertion.lacks]);
      const crossed = new Set<number>([r]);
      for (const p of permissions) {
        this.permissions.add(p);
        for (const c of view.closure(r)) if (view.decides(c, p)) crossed.add(c);
      }
      for (const c of crossed) this.roles.add(c);
      this.sodCheck({ kind: 'role', r }, { permissions, roles: crossed });
      return true;
    }
    const permissions = this.known([assertion.subject]);
    if (permissions.length === 0) return false;
    // heldBy judges every user: holders and non-holders alike.
    for (let u = 0; u < view.userIds.length; u++) this.userCheck(u, permissions);
    return true;
  }

  private userCheck(u: number, permissions: readonly number[]): void {
    const view = this.view;
    const crossed = new Set<number>();
    for (const p of permissions) {
      this.permissions.add(p);
      for (const r of view.effectiveRoles(u)) if (view.decides(r, p)) crossed.add(r);
    }
    for (const r of crossed) {
      this.roles.add(r);
      if (this.privileged.has(r)) this.holdings.add(holdingKey(u, r));
    }
    this.sodCheck({ kind: 'user', u }, { permissions, roles: crossed });
  }

  /** Marks the separation-of-duties sets whose boundary this check tests: an item checked, another item held. */
  private sodCheck(subject: CheckSubject, check: Check): void {
    if (this.sets.size === this.sodSets.length) return;
    const candidates = new Map<number, SodItem[]>();
    const add = (s: number, item: SodItem): void => {
      if (this.sets.has(s)) return;
      const list = candidates.get(s);
      if (list) list.push(item);
      else candidates.set(s, [item]);
    };
    for (const p of check.permissions) {
      for (const s of this.setsByPermission.get(p) ?? []) for (const item of this.sodSets[s]!.items) if (item.kind === 'permission' && this.view.permission(item.id) === p) add(s, item);
    }
    for (const r of check.roles) {
      for (const s of this.setsByRole.get(r) ?? []) for (const item of this.sodSets[s]!.items) if (item.kind === 'role' && this.view.role(item.id) === r) add(s, item);
    }
    for (const [s, checked] of candidates) {
      const held = this.sodSets[s]!.items.filter((item) => this.holds(subject, item));
      if (checked.some((x) => held.some((y) => y !== x))) this.sets.add(s);
    }
  }

  /** True when the subject holds a separation-of-duties item (a role, or a permission at least at the item's scope). */
  private holds(subject: CheckSubject, item: SodItem): boolean {
    const view = this.view;
    if (item.kind === 'role') {
      const r = view.role(item.id);
      if (r === undefined) return false;
      return subject.kind === 'user' ? view.holdsRole(subject.u, r) : view.contains(subject.r, r);
    }
    const p = view.permission(item.id);
    if (p === undefined) return false;
    const level = view.scopeLevel(p, item.scope);
    if (level === undefined) return false;
    return (subject.kind === 'user' ? view.level(subject.u, p) : view.roleLevel(subject.r, p)) >= level;
  }

  /** The known permissions of assertion items (unknown ids and scopes are other rules' findings). */
  private known(refs: readonly PermissionRef[]): number[] {
    const out: number[] = [];
    for (const ref of refs) {
      const p = this.view.permission(ref.permission);
      if (p !== undefined && !out.includes(p)) out.push(p);
    }
    return out;
  }
}

function holdingKey(u: number, r: number): string {
  return `${u}:${r}`;
}

function count(covered: number, total: number): CoverageCount {
  return { covered, total, percent: total === 0 ? 100 : Math.floor((covered * 1000) / total) / 10 };
}

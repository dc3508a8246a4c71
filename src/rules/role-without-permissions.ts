import type { Finding, RelatedSpan } from '../model/diagnostic.js';
import { sourcePrefixes } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';
import { listIds } from './support/hygiene.js';
import type { Rule } from './types.js';

/**
 * An active user holds roles, but together they give no permission (after
 * denies): the seeds' custom role assigned without a standard role.
 */
export const roleWithoutPermissions: Rule = {
  meta: { id: 'role-without-permissions', description: "a user's roles grant nothing (a custom role without a standard role)", severity: 'warning', stage: 'resolution' },
  *check({ model, resolution: res }) {
    const access = new RoleAccess(res);
    for (let u = 0; u < res.userIds.length; u++) {
      const sources = res.userSources[u]!;
      if (sources.length === 0) continue; // inactive, or no role at all: user-without-role / inactive-user-access
      if (access.holdsAnything(sources)) continue;
      const granted = sources.some((s) => access.granted(s).length > 0);
      const grant = granted ? res.access(u).grant : undefined;
      const userId = res.userIds[u]!;
      const roles = res.userRoles[u]!.toArray().map((r) => res.roleIds[r]!);
      const holding = roles.length === 1 ? `only role \`${roles[0]}\`` : `roles ${listIds(roles)}`;
      let why: string;
      if (granted) {
        const deniers = res.userRoles[u]!.toArray().filter((r) => [...res.directDenies[r]!.keys()].some((p) => grant![p]! > 0));
        why = `but everything they grant is denied by ${listIds(deniers.map((r) => res.roleIds[r]!))}, so \`${userId}\` effectively holds no permission`;
      } else {
        why = `which grant${roles.length === 1 ? 's' : ''} no permission: like a custom role without a standard role, this gives \`${userId}\` no access`;
      }
      const related: RelatedSpan[] = [];
      for (const [r, prefix] of [...sourcePrefixes(res, u)].sort((a, b) => a[0] - b[0])) {
        const last = prefix[prefix.length - 1];
        const via = prefix.length > 1 ? ` through group \`${prefix[prefix.length - 2]!.id}\`` : '';
        if (last?.span) related.push({ span: last.span, message: `role \`${res.roleIds[r]!}\` given here${via}` });
      }
      const finding: Finding = {
        message: `user \`${userId}\` holds ${holding}, ${why}; also assign a standard role that grants what they need, or remove the assignment`,
        span: model.users.get(userId)!.span,
        subject: { kind: 'user', id: userId },
        targets: roles.map((id) => ({ kind: 'role', id })),
        related,
      };
      yield finding;
    }
  },
};

/** Per role, computed on first use: the permissions its closure grants, and whether it denies anything. */
class RoleAccess {
  private readonly grantedLists: (number[] | undefined)[];
  private readonly denying: Int8Array;
  constructor(private readonly res: Resolution) {
    this.grantedLists = new Array<number[] | undefined>(res.roleIds.length);
    this.denying = new Int8Array(res.roleIds.length).fill(-1);
  }
  /** Permissions role r grants over its closure, before denies. */
  granted(r: number): readonly number[] {
    let list = this.grantedLists[r];
    if (!list) {
      list = [];
      const grant = this.res.roleGrant[r]!;
      for (let p = 0; p < grant.length; p++) if (grant[p]! > 0) list.push(p);
      this.grantedLists[r] = list;
    }
    return list;
  }
  private denies(r: number): boolean {
    if (this.denying[r] === -1) this.denying[r] = this.res.roleDeny[r]!.some((d) => d !== 0) ? 1 : 0;
    return this.denying[r] === 1;
  }
  /** True when source roles together give at least one permission after denies (usually decided by the first grant). */
  holdsAnything(sources: readonly number[]): boolean {
    const deniers = sources.filter((s) => this.denies(s));
    for (const s of sources) {
      for (const p of this.granted(s)) {
        if (deniers.every((d) => !this.res.roleDeny[d]![p])) return true;
      }
    }
    return false;
  }
}

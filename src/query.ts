import type { Resolution } from './stages/resolve.js';
import { allPermissionPaths, shortestPermissionPath, sourcePrefixes, type AccessPath, type Hop } from './stages/paths.js';
import { shortLocation, type Span } from './model/source.js';

/** Why a user does not hold a permission. */
export type MissingReason =
  | { readonly kind: 'inactive'; readonly span: Span }
  | { readonly kind: 'denied'; readonly role: string; readonly span: Span; readonly path: AccessPath | undefined }
  | { readonly kind: 'expired'; readonly role: string; readonly expires: string; readonly span: Span }
  | { readonly kind: 'narrower'; readonly held: string }
  | { readonly kind: 'no-path' };

/** The answer to `explain USER PERMISSION`. */
export interface PermissionExplanation {
  readonly user: string;
  readonly permission: string;
  /** The effective scope (`true` for unscoped), or undefined when not held. */
  readonly holds: string | true | undefined;
  /** Every granting path (before denies), shortest first. */
  readonly paths: readonly { readonly path: AccessPath; readonly scope: string | true; readonly effective: boolean }[];
  readonly truncated: boolean;
  /** When not held: every reason found. */
  readonly reasons: readonly MissingReason[];
}

/** Explains how user `u` holds permission `p`, or why not. */
export function explainPermission(res: Resolution, u: number, p: number): PermissionExplanation {
  const user = res.model.users.get(res.userIds[u]!)!;
  const level = res.level(u, p);
  const { paths, truncated } = allPermissionPaths(res, u, p);
  const reasons: MissingReason[] = [];
  if (level === 0) {
    if (user.status === 'inactive') reasons.push({ kind: 'inactive', span: user.span });
    const { grant, deny } = res.access(u);
    if (grant[p] && deny[p]) {
      const prefixes = sourcePrefixes(res, u);
      for (const r of res.userRoles[u]!.toArray()) {
        for (const ref of res.directDenies[r]!.get(p) ?? []) {
          let path: AccessPath | undefined;
          for (const [s, prefix] of prefixes) {
            if (res.roleClosure[s]!.has(r)) {
              path = [{ kind: 'user', id: user.id }, ...prefix];
              break;
            }
          }
          reasons.push({ kind: 'denied', role: res.roleIds[r]!, span: ref.span, path });
        }
      }
    }
    for (const assignment of user.roles) {
      if (assignment.expires === undefined || assignment.expires >= res.asOf) continue;
      const r = res.roleIndex.get(assignment.role.id);
      if (r !== undefined && res.roleGrant[r]![p]) reasons.push({ kind: 'expired', role: assignment.role.id, expires: assignment.expires, span: assignment.span });
    }
    if (reasons.length === 0) reasons.push({ kind: 'no-path' });
  }
  return {
    user: user.id,
    permission: res.permissionIds[p]!,
    holds: level === 0 ? undefined : res.levelValue(p, level),
    paths: paths.map((path) => {
      const grantLevel = path[path.length - 1]!.level ?? 0;
      return { path, scope: res.levelValue(p, grantLevel), effective: level !== 0 && grantLevel === level };
    }),
    truncated,
    reasons,
  };
}

/** One holder in a `who-can` answer. */
export interface Holder {
  readonly user: string;
  readonly scope: string | true;
  /** The user's effective roles that grant the permission. */
  readonly roles: readonly string[];
  readonly path: AccessPath | undefined;
}

/** Users holding permission `p` at least at `minLevel` (1 = any), with the roles and the shortest path. */
export function whoCan(res: Resolution, p: number, minLevel = 1): Holder[] {
  const holders: Holder[] = [];
  for (let u = 0; u < res.userIds.length; u++) {
    const level = res.level(u, p);
    if (level < minLevel || level === 0) continue;
    const roles = res.userRoles[u]!
      .toArray()
      .filter((r) => res.directGrants[r]!.has(p))
      .map((r) => res.roleIds[r]!);
    holders.push({ user: res.userIds[u]!, scope: res.levelValue(p, level), roles, path: shortestPermissionPath(res, u, p) });
  }
  return holders;
}

/** `user alice > group g (groups.yaml:4) > role r (groups.yaml:6) > grant case.read@all (roles.yaml:9)`. */
export function formatPath(path: AccessPath): string {
  return path.map(formatHop).join(' > ');
}

/** One hop with its source location. */
export function formatHop(hop: Hop): string {
  return `${hop.kind} ${hop.id}${hop.span ? ` (${shortLocation(hop.span)})` : ''}`;
}

/** Describes a missing-permission reason in one sentence. */
export function formatReason(reason: MissingReason): string {
  switch (reason.kind) {
    case 'inactive':
      return `the user is inactive (${shortLocation(reason.span)}): inactive users hold nothing`;
    case 'denied':
      return `denied by role ${reason.role} (${shortLocation(reason.span)})${reason.path ? `, held through ${formatPath(reason.path)}` : ''}: deny overrides every grant`;
    case 'expired':
      return `the assignment of role ${reason.role} expired on ${reason.expires} (${shortLocation(reason.span)})`;
    case 'narrower':
      return `held only at scope ${reason.held}`;
    case 'no-path':
      return 'no path: none of the user\'s roles, groups or assignments grants it';
  }
}

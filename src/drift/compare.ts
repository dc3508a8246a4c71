import { compareStrings } from '../model/diagnostic.js';
import type { EffectivePolicy } from './effective.js';
import type { ObservedAccess } from './observed.js';
import { driftFormat, type DriftItem, type DriftReport, type DriftScope, type DriftUser, type ObservedSource } from './types.js';

/**
 * Compares the policy's effective access with the observed access (SPEC §10):
 * per user, unexpected access (held live, not granted by the policy) and
 * missing access (granted, not provisioned); users known to one side only.
 * `managed` counts only roles and permissions the policy declares;
 * `authoritative` counts everything. An inactive user holds nothing on
 * either side. Pure.
 */
export function compareAccess(
  policy: EffectivePolicy,
  observed: ObservedAccess,
  options: { readonly asOf: string; readonly scope: DriftScope; readonly policyPath: string; readonly source: ObservedSource },
): DriftReport {
  const managed = options.scope === 'managed';
  const observedUsers = new Set<string>(observed.users?.keys() ?? []);
  for (const user of observed.kind === 'permissions' ? observed.permissions.keys() : observed.roles.keys()) observedUsers.add(user);
  const all = new Set<string>([...policy.userIds, ...observedUsers]);
  const users: DriftUser[] = [];
  const unknown: string[] = [];
  let unexpectedCount = 0;
  let missingCount = 0;
  for (const user of [...all].sort(compareStrings)) {
    const inPolicy = policy.hasUser(user);
    const inObserved = observed.users ? observed.users.has(user) : observedUsers.has(user);
    const only = inPolicy && !inObserved && observed.users !== undefined ? 'policy' : !inPolicy && inObserved ? 'observed' : undefined;
    const policyActive = inPolicy && policy.isActive(user);
    const observedActive = inObserved && (observed.users?.get(user) ?? true);
    const { unexpected, missing } =
      observed.kind === 'permissions'
        ? comparePermissions(policy, policyActive ? policy.permissions(user) : new Map(), observedActive ? (observed.permissions.get(user) ?? new Map()) : new Map(), managed)
        : compareRoles(policy, policyActive ? policy.roles(user) : [], observedActive ? (observed.roles.get(user) ?? new Set()) : new Set(), managed);
    const counted = unexpected.length + missing.length > 0;
    if (only !== undefined && (counted || !managed)) unknown.push(user);
    if (!counted && (only === undefined || managed)) continue;
    unexpectedCount += unexpected.length;
    missingCount += missing.length;
    users.push({ user, ...(only !== undefined ? { only } : {}), unexpected, missing });
  }
  return {
    format: driftFormat,
    asOf: options.asOf,
    scope: options.scope,
    policy: { path: options.policyPath },
    observed: options.source,
    summary: { unexpected: unexpectedCount, missing: missingCount, users: users.length },
    users,
    unknownUsers: unknown,
    notes: observed.notes,
  };
}

function compareRoles(policy: EffectivePolicy, held: readonly string[], live: ReadonlySet<string>, managed: boolean): { unexpected: DriftItem[]; missing: DriftItem[] } {
  const granted = new Set(held);
  const unexpected: DriftItem[] = [];
  const missing: DriftItem[] = [];
  for (const role of [...live].sort(compareStrings)) {
    if (granted.has(role)) continue;
    if (managed && !policy.isRoleDeclared(role)) continue;
    unexpected.push({ role });
  }
  for (const role of held) if (!live.has(role)) missing.push({ role });
  return { unexpected, missing };
}

function comparePermissions(
  policy: EffectivePolicy,
  held: ReadonlyMap<string, string | true>,
  live: ReadonlyMap<string, string>,
  managed: boolean,
): { unexpected: DriftItem[]; missing: DriftItem[] } {
  const unexpected: DriftItem[] = [];
  const missing: DriftItem[] = [];
  const scopeOf = (value: string | true): string | undefined => (value === true ? undefined : value);
  for (const permission of [...live.keys()].sort(compareStrings)) {
    const observedScope = live.get(permission)!;
    const granted = held.get(permission);
    if (granted === undefined) {
      if (managed && !policy.isPermissionDeclared(permission)) continue;
      unexpected.push({ permission, ...(observedScope !== '' ? { scope: observedScope } : {}) });
      continue;
    }
    const scopes = policy.scopes(permission);
    if (scopes.length === 0 || granted === true) continue;
    // A row without a scope means the widest, as a grant without a scope does.
    const liveRank = observedScope === '' ? scopes.length - 1 : scopes.indexOf(observedScope);
    const policyRank = scopes.indexOf(granted);
    if (liveRank < 0) unexpected.push({ permission, scope: observedScope, policy: granted });
    else if (liveRank > policyRank) unexpected.push({ permission, scope: scopes[liveRank]!, policy: granted });
    else if (liveRank < policyRank) missing.push({ permission, scope: granted, observed: scopes[liveRank]! });
  }
  for (const [permission, value] of held) {
    if (live.has(permission)) continue;
    const scope = scopeOf(value);
    missing.push({ permission, ...(scope !== undefined ? { scope } : {}) });
  }
  return { unexpected, missing };
}

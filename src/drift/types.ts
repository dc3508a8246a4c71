/** The JSON format id of a drift report. */
export const driftFormat = 'rolecall.drift/v1';

/** Which live access counts: only what the policy declares, or everything. */
export type DriftScope = 'managed' | 'authoritative';

/** The scopes `--scope` takes. */
export const driftScopes: readonly DriftScope[] = ['managed', 'authoritative'];

/** One role or permission on one side only. `policy` / `observed` name the other side's scope when both hold a permission at different scopes. */
export type DriftItem =
  | { readonly role: string }
  | { readonly permission: string; readonly scope?: string; readonly policy?: string; readonly observed?: string };

/** One user's drift: unexpected access first (held live, not granted by the policy), then missing access. */
export interface DriftUser {
  readonly user: string;
  /** Set when the user is known to one side only. */
  readonly only?: 'observed' | 'policy';
  readonly unexpected: readonly DriftItem[];
  readonly missing: readonly DriftItem[];
}

/** What was compared with the policy. */
export interface ObservedSource {
  /** The path as given. */
  readonly path: string;
  /** `sha256:<hex>` over what was read. */
  readonly digest: string;
  /** `servicenow` (an export directory), `roles` (CSV user,role) or `permissions` (CSV user,permission,scope). */
  readonly kind: 'servicenow' | 'roles' | 'permissions';
}

/** `rolecall.drift/v1` (SPEC §10). */
export interface DriftReport {
  readonly format: typeof driftFormat;
  readonly asOf: string;
  readonly scope: DriftScope;
  readonly policy: { readonly path: string };
  readonly observed: ObservedSource;
  readonly summary: { readonly unexpected: number; readonly missing: number; readonly users: number };
  /** Users with drift, sorted by id. */
  readonly users: readonly DriftUser[];
  /** Users known to only one side (in `users` too, with `only`), sorted. */
  readonly unknownUsers: readonly string[];
  /** Things about the observed input worth knowing (rows it could not use), one sentence each. */
  readonly notes: readonly string[];
}

/** The number of differences: unexpected and missing items, plus users known to one side only that hold nothing counted. */
export function driftCount(report: DriftReport): number {
  let count = report.summary.unexpected + report.summary.missing;
  for (const user of report.users) if (user.only !== undefined && user.unexpected.length + user.missing.length === 0) count++;
  return count;
}

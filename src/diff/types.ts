import type { Summary } from '../model/diagnostic.js';
import type { Risk } from '../model/policy.js';

/** The format id of a diff report (`--format json`). */
export const diffFormatId = 'rolecall.diff/v1';

/** A permission's value: its scope, or `true` for an unscoped permission (as in matrix.json). */
export type ScopeValue = string | true;

/** One side of a diff: where the policy came from and how healthy it is. */
export interface DiffSide {
  /** How the side is named in every format: `test/fixtures/x/base`, `git:main`, `policies`. */
  readonly label: string;
  readonly kind: 'directory' | 'git' | 'memory';
  /** The policy directory, as shown to users. */
  readonly path?: string;
  /** For a git side: the ref as given and the commit it resolved to. */
  readonly ref?: string;
  readonly commit?: string;
  readonly files: number;
  /** `sha256:...` over path and content of every file (as in matrix.json). */
  readonly digest: string;
  readonly users: number;
  readonly summary: Summary;
}

/** A permission a user gains, with the shortest path by which the head grants it. */
export interface PermissionGain {
  readonly permission: string;
  readonly scope: ScopeValue;
  readonly risk: Risk;
  /** `user alice > group g (groups.yaml:4) > role r (groups.yaml:6) > grant p@s (roles.yaml:9)`, file:line from the head. */
  readonly path: string;
}

/** A permission a user loses. */
export interface PermissionLoss {
  readonly permission: string;
  readonly scope: ScopeValue;
  readonly risk: Risk;
}

/** A permission a user holds on both sides at another scope. */
export interface PermissionRescope {
  readonly permission: string;
  readonly from: ScopeValue;
  readonly to: ScopeValue;
  /** True when the new scope is wider (or cannot be ordered against the old one). */
  readonly widened: boolean;
  readonly risk: Risk;
  /** How the head grants the new scope. */
  readonly path: string;
}

/** An effective role a user gains. */
export interface RoleGain {
  readonly role: string;
  readonly privileged: boolean;
  readonly path: string;
}

/** How one user's access changes. Users whose access is the same on both sides are not listed. */
export interface UserChange {
  readonly user: string;
  readonly type: 'internal' | 'external';
  readonly status: 'added' | 'removed' | 'changed';
  readonly added: readonly PermissionGain[];
  readonly removed: readonly PermissionLoss[];
  readonly changed: readonly PermissionRescope[];
  readonly rolesAdded: readonly RoleGain[];
  readonly rolesRemoved: readonly string[];
}

/** A grant of a role (after denies). */
export interface RoleGrant {
  readonly permission: string;
  readonly scope: ScopeValue;
}

/** A grant a role gives on both sides at another scope. */
export interface RoleGrantChange {
  readonly permission: string;
  readonly from: ScopeValue;
  readonly to: ScopeValue;
}

/** How one role changes: what it grants (after denies, over its closure) and how its definition reads. */
export interface RoleChange {
  readonly role: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** For an added role with the same definition as a removed one: the removed role's id (and the reverse). */
  readonly renamedFrom?: string;
  readonly renamedTo?: string;
  readonly privileged: boolean;
  readonly grantsAdded: readonly RoleGrant[];
  readonly grantsRemoved: readonly RoleGrant[];
  readonly grantsChanged: readonly RoleGrantChange[];
  /** The definition fields that differ (`grants`, `contains`, `privileged`, ...); every written field for added and removed roles. */
  readonly fields: readonly string[];
  /** Unified diff of the role's canonical YAML (base -> head); empty when the definition is the same. */
  readonly patch: string;
  /** Effective holders before and after. */
  readonly holders: { readonly before: number; readonly after: number };
}

/** How one group changes: effective members (active users), direct roles and subgroups. */
export interface GroupChange {
  readonly group: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly membersAdded: readonly string[];
  readonly membersRemoved: readonly string[];
  readonly rolesAdded: readonly string[];
  readonly rolesRemoved: readonly string[];
  readonly subgroupsAdded: readonly string[];
  readonly subgroupsRemoved: readonly string[];
}

/** How one permission's declaration changes (risk, audience, scopes). */
export interface PermissionChange {
  readonly permission: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly changes: readonly { readonly field: 'risk' | 'audience' | 'scopes'; readonly from: string; readonly to: string }[];
}

/** A finding introduced or resolved by the change (matched by rule, subject and target). */
export interface FindingChange {
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** `kind:id`. */
  readonly subject: string;
  readonly target?: string;
  /** Where it is: in the head for introduced findings, in the base for resolved ones. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** For a resolved finding: it still fires in the head, but an exception accepts it now. */
  readonly acceptedByException?: boolean;
}

/** What makes a change an escalation (docs/diff.md says why each one counts). */
export type EscalationKind = 'privileged-role' | 'high-risk-permission' | 'widened-scope' | 'external-access' | 'blast-radius';

/** One escalation: per user and role or permission, or per permission for `blast-radius`. */
export interface Escalation {
  readonly kind: EscalationKind;
  /** Absent for `blast-radius`, which is about a permission reaching many users. */
  readonly user?: string;
  readonly userType?: 'internal' | 'external';
  readonly permission?: string;
  readonly role?: string;
  readonly risk?: Risk;
  /** The scope gained (`high-risk-permission`, `external-access`). */
  readonly scope?: ScopeValue;
  /** `widened-scope`: from -> to. */
  readonly from?: ScopeValue;
  readonly to?: ScopeValue;
  /** How the head grants it (absent for `blast-radius`). */
  readonly path?: string;
  /** `blast-radius`: how many users newly hold the permission, and the head's `settings.maxNewHolders`. */
  readonly newHolders?: number;
  readonly maxNewHolders?: number;
}

/** Counts shown in the headline of every format. */
export interface DiffCounts {
  readonly escalations: number;
  readonly users: { readonly added: number; readonly removed: number; readonly changed: number };
  readonly permissions: { readonly gained: number; readonly lost: number; readonly rescoped: number };
  readonly roles: { readonly added: number; readonly removed: number; readonly changed: number };
  readonly groups: { readonly added: number; readonly removed: number; readonly changed: number };
  readonly findings: { readonly introduced: number; readonly resolved: number };
}

/** Everything `rolecall diff` reports, in output order (every list sorted by id). */
export interface DiffReport {
  readonly format: typeof diffFormatId;
  readonly asOf: string;
  readonly base: DiffSide;
  readonly head: DiffSide;
  /** Sentences saying that a side had error-level findings, so the diff covers only what resolved. */
  readonly incomplete: readonly string[];
  readonly counts: DiffCounts;
  readonly escalations: readonly Escalation[];
  readonly users: readonly UserChange[];
  readonly roles: readonly RoleChange[];
  readonly groups: readonly GroupChange[];
  readonly permissions: readonly PermissionChange[];
  readonly findings: { readonly introduced: readonly FindingChange[]; readonly resolved: readonly FindingChange[] };
}

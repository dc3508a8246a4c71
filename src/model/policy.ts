import type { RuleLevel, Severity } from './diagnostic.js';
import type { SourceFile, Span } from './source.js';

/** Risk of a permission. */
export type Risk = 'low' | 'medium' | 'high' | 'critical';
/** Who a permission or role is meant for. */
export type Audience = 'internal' | 'external' | 'any';

/** A reference to an id defined elsewhere, with where it is written. */
export interface Ref {
  readonly id: string;
  readonly span: Span;
}

/** A declared permission. */
export interface PermissionDef {
  readonly id: string;
  readonly span: Span;
  readonly description?: string;
  /** Scopes ordered narrowest to widest; absent for an unscoped permission. */
  readonly scopes?: readonly string[];
  readonly risk: Risk;
  readonly audience: Audience;
}

/** One entry of a role's `grants` or `denies`. */
export interface GrantRef {
  /** The entry as written (`case.read@account`, `kb.*`). */
  readonly text: string;
  readonly span: Span;
  /** The permission id, or for a wildcard the prefix before `*` (`kb.`, or `` for `*`). */
  readonly permission: string;
  readonly wildcard: boolean;
  readonly scope?: string;
}

/** A declared role. */
export interface RoleDef {
  readonly id: string;
  readonly span: Span;
  readonly title?: string;
  readonly description?: string;
  /** The user accountable for the role and its holders (reviews them in `rolecall review`). */
  readonly owner?: Ref;
  readonly audience: Audience;
  readonly grants: readonly GrantRef[];
  readonly denies: readonly GrantRef[];
  readonly contains: readonly Ref[];
  readonly excludes: readonly Ref[];
  readonly requires: readonly Ref[];
  readonly assignableBy: readonly Ref[];
  readonly privileged: boolean;
  readonly maxHolders?: number;
  readonly temporary?: { readonly maxDays: number; readonly span: Span };
  readonly deprecated?: { readonly replacedBy?: Ref; readonly reason?: string; readonly span: Span };
}

/** A declared group. */
export interface GroupDef {
  readonly id: string;
  readonly span: Span;
  readonly description?: string;
  readonly owner?: Ref;
  readonly roles: readonly Ref[];
  readonly members: readonly Ref[];
  readonly subgroups: readonly Ref[];
  readonly reviewedAt?: string;
}

/** A role assigned directly to a user. */
export interface Assignment {
  readonly role: Ref;
  /** The whole assignment entry (the list item). */
  readonly span: Span;
  readonly expires?: string;
  readonly reason?: string;
}

/** A declared user. */
export interface UserDef {
  readonly id: string;
  readonly span: Span;
  readonly name?: string;
  readonly email?: string;
  readonly type: 'internal' | 'external';
  readonly status: 'active' | 'inactive';
  readonly sponsor?: Ref;
  readonly reviewedAt?: string;
  readonly roles: readonly Assignment[];
}

/** An item of a separation-of-duties set: a role or a permission (optionally with a minimum scope). */
export interface SodItem {
  readonly kind: 'role' | 'permission';
  readonly id: string;
  readonly scope?: string;
  readonly span: Span;
}

/** A separation-of-duties set. */
export interface SodSet {
  readonly id: string;
  readonly span: Span;
  readonly description?: string;
  readonly items: readonly SodItem[];
  readonly max: number;
  readonly severity: Severity;
}

/** A permission reference in an assertion, with an optional minimum scope. */
export interface PermissionRef {
  readonly text: string;
  readonly permission: string;
  readonly scope?: string;
  readonly span: Span;
}

/** An expectation checked on every run. */
export type Assertion =
  | { readonly kind: 'user'; readonly span: Span; readonly subject: Ref; readonly has: readonly PermissionRef[]; readonly lacks: readonly PermissionRef[]; readonly description?: string }
  | { readonly kind: 'permission'; readonly span: Span; readonly subject: PermissionRef; readonly heldBy: readonly Ref[]; readonly description?: string }
  | { readonly kind: 'role'; readonly span: Span; readonly subject: Ref; readonly grants: readonly PermissionRef[]; readonly lacks: readonly PermissionRef[]; readonly description?: string };

/** An accepted finding. */
export interface ExceptionDef {
  readonly span: Span;
  readonly rule: string;
  readonly subject: string;
  readonly target?: string;
  readonly reason: string;
  readonly approvedBy: Ref;
  readonly expires: string;
}

/** The kinds of things assertion coverage counts (`settings.coverage` keys). */
export type CoverageKind = 'roles' | 'permissions' | 'separationOfDuties' | 'privilegedHolders';

/** A `settings.coverage` threshold: the least percentage, and where it is written. */
export interface CoverageThreshold {
  readonly percent: number;
  readonly span: Span;
}

/** Policy-wide settings with defaults applied. */
export interface Settings {
  readonly span?: Span;
  readonly reviewMaxAgeDays: number;
  readonly privilegedMaxHolders: number;
  readonly maxRolesPerUser: number;
  readonly maxNewHolders: number;
  /** `unused-access` / `dormant-user`: access not used for more than this many days (SPEC §12, default 90). */
  readonly unusedAfterDays: number;
  /** `settings.coverage`: the least assertion coverage per kind, for `coverage-below-threshold` (none by default). */
  readonly coverage: ReadonlyMap<CoverageKind, CoverageThreshold>;
  readonly rules: ReadonlyMap<string, RuleLevel>;
  readonly exceptions: readonly ExceptionDef[];
}

/** Defaults from SPEC §3 and §12. */
export const defaultSettings: Settings = {
  reviewMaxAgeDays: 90,
  privilegedMaxHolders: 5,
  maxRolesPerUser: 8,
  maxNewHolders: 10,
  unusedAfterDays: 90,
  coverage: new Map(),
  rules: new Map(),
  exceptions: [],
};

/** The kinds of definitions. */
export type DefinitionKind = 'permission' | 'role' | 'group' | 'user';

/** A definition skipped because of errors in it (schema); references to it still resolve. */
export interface Quarantined {
  readonly kind: DefinitionKind | 'separationOfDuties' | 'assertion' | 'section';
  readonly id: string;
  readonly span: Span;
}

/** A second definition of an id. */
export interface DuplicateDefinition {
  readonly kind: DefinitionKind;
  readonly id: string;
  readonly span: Span;
  readonly first: Span;
}

/** The whole policy, merged from all files, every definition and reference with its origin. */
export interface PolicyModel {
  readonly files: readonly SourceFile[];
  readonly permissions: ReadonlyMap<string, PermissionDef>;
  readonly roles: ReadonlyMap<string, RoleDef>;
  readonly groups: ReadonlyMap<string, GroupDef>;
  readonly users: ReadonlyMap<string, UserDef>;
  readonly separationOfDuties: readonly SodSet[];
  readonly assertions: readonly Assertion[];
  readonly settings: Settings;
  readonly duplicates: readonly DuplicateDefinition[];
  /** Definitions left out because of errors in them. */
  readonly quarantined: readonly Quarantined[];
  /** A second `settings` section (only the first one counts). */
  readonly duplicateSettings: readonly { readonly span: Span; readonly first: Span }[];
}

/** Parses a grant string (`case.read@account`, `kb.*`, `*`); returns undefined when malformed. */
export function parseGrant(text: string, span: Span): GrantRef | undefined {
  if (text === '*') return { text, span, permission: '', wildcard: true };
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const scope = at < 0 ? undefined : text.slice(at + 1);
  if (name.endsWith('.*')) {
    if (scope !== undefined) return undefined;
    return { text, span, permission: name.slice(0, -1), wildcard: true };
  }
  if (name === '' || scope === '') return undefined;
  return scope === undefined ? { text, span, permission: name, wildcard: false } : { text, span, permission: name, wildcard: false, scope };
}

/**
 * An imported policy before it is written as YAML: what `rolecall import`
 * read from a live system, mapped to rolecall's objects (SPEC §10). Maps are
 * keyed by rolecall id; lists are sorted when written.
 */
export interface ImportedPolicy {
  readonly permissions: Map<string, ImportedPermission>;
  readonly roles: Map<string, ImportedRole>;
  readonly groups: Map<string, ImportedGroup>;
  readonly users: Map<string, ImportedUser>;
}

/** A permission (a ServiceNow ACL operation, a casbin object and action). */
export interface ImportedPermission {
  readonly description: string;
}

/** A role. */
export interface ImportedRole {
  readonly description?: string;
  readonly privileged?: boolean;
  readonly assignableBy: Set<string>;
  readonly contains: Set<string>;
  readonly grants: Set<string>;
  readonly denies: Set<string>;
}

/** A group. */
export interface ImportedGroup {
  readonly description?: string;
  owner?: string;
  readonly roles: Set<string>;
  readonly members: Set<string>;
  readonly subgroups: Set<string>;
}

/** A user. */
export interface ImportedUser {
  readonly name?: string;
  readonly email?: string;
  type: 'internal' | 'external';
  readonly status: 'active' | 'inactive';
  /** Direct assignments. */
  readonly roles: Set<string>;
}

/** An empty policy. */
export function emptyPolicy(): ImportedPolicy {
  return { permissions: new Map(), roles: new Map(), groups: new Map(), users: new Map() };
}

/** A new role with nothing in it. */
export function newRole(fields: { description?: string; privileged?: boolean } = {}): ImportedRole {
  return { ...fields, assignableBy: new Set(), contains: new Set(), grants: new Set(), denies: new Set() };
}

/** A row or line the import left out, and why. */
export interface DroppedRow {
  /** The table (or file) it came from. */
  readonly table: string;
  readonly file: string;
  readonly row: number;
  readonly line?: number;
  /** A short, countable reason: `inactive group`, `dangling reference`, `duplicate sys_id`. */
  readonly reason: string;
  /** The particulars, one line. */
  readonly detail: string;
}

/** An id that is not the live name. */
export interface ReportedRenaming {
  readonly kind: 'user' | 'role' | 'group' | 'permission';
  readonly from: string;
  readonly to: string;
  readonly reason: 'normalised' | 'collision';
  readonly collidesWith?: string;
}

/** One file that was read. */
export interface ReadTable {
  readonly table: string;
  readonly file: string;
  readonly rows: number;
  /** Columns present that the import does not read. */
  readonly ignoredColumns: readonly string[];
  /** Columns the import reads that the file lacks (optional ones only; a missing required one is an error). */
  readonly absentColumns: readonly string[];
}

/** Everything import-report.md says. */
export interface ImportReport {
  /** `ServiceNow` or `casbin`. */
  readonly system: string;
  readonly tables: readonly ReadTable[];
  readonly renamings: readonly ReportedRenaming[];
  readonly dropped: readonly DroppedRow[];
  /** Things noticed that are not modelled, one sentence each. */
  readonly notes: readonly string[];
}

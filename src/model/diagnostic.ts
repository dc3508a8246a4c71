import type { Span } from './source.js';

/** How serious a finding is. */
export type Severity = 'error' | 'warning' | 'info';

/** A rule's configured level: a severity or `off`. */
export type RuleLevel = Severity | 'off';

/** The kinds of objects a finding can be about. */
export type SubjectKind = 'user' | 'role' | 'group' | 'permission' | 'file' | 'policy';

/** The object a finding is about (`user:alice`, `role:admin`). */
export interface Subject {
  readonly kind: SubjectKind;
  readonly id: string;
}

/** A secondary place that contributes to a finding. */
export interface RelatedSpan {
  readonly span: Span;
  readonly message: string;
}

/**
 * What a rule reports: what is wrong and where. The runner adds the rule id,
 * severity and exception status (rules never touch configuration).
 */
export interface Finding {
  readonly message: string;
  readonly span: Span;
  readonly subject: Subject;
  /** Narrows the finding to one object, for exceptions and diff matching (`role:payment_approver`). */
  readonly target?: Subject;
  /** Every object involved (both roles of a conflict): an exception's `target` may name any of them. */
  readonly targets?: readonly Subject[];
  readonly related?: readonly RelatedSpan[];
  /** A severity set by the policy data itself (a separationOfDuties set's `severity`); settings.rules still wins. */
  readonly severity?: Severity;
}

/** A related location in printed form. */
export interface RelatedLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A finding with everything attached, as reported to users. */
export interface Diagnostic {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly subject: Subject;
  readonly target?: Subject;
  readonly related: readonly RelatedLocation[];
  readonly suppressed: boolean;
  /** Why the finding is suppressed: the exception's reason and approver. */
  readonly suppressedBy?: string;
}

/** Rules that did not run on all of the policy, and why. */
export interface NotEvaluated {
  readonly rule: string;
  readonly reason: string;
}

/** Counts of a diagnostics list. */
export interface Summary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly suppressed: number;
}

/** Renders a subject as `kind:id`. */
export function subjectKey(subject: Subject): string {
  return `${subject.kind}:${subject.id}`;
}

/** Counts unsuppressed findings by severity, and suppressed ones. */
export function summarize(diagnostics: readonly Diagnostic[]): Summary {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let suppressed = 0;
  for (const d of diagnostics) {
    if (d.suppressed) suppressed++;
    else if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos, suppressed };
}

/** Orders diagnostics by file, position, rule and message: the one order every output uses. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.subject.kind + ':' + a.subject.id, b.subject.kind + ':' + b.subject.id)
  );
}

/** Locale-independent string comparison (code unit order): sorting never depends on the machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { Diagnostic } from '../model/diagnostic.js';
import { workflowCommand } from '../report/github.js';

/** GitHub shows at most this many annotations of each type (error, warning, notice) per step. */
export const annotationsPerType = 10;

/** Unsuppressed findings by severity, each list in file/line order. */
export interface RankedFindings {
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
  readonly infos: readonly Diagnostic[];
}

/**
 * Splits the unsuppressed findings by severity. The pipeline returns them in
 * file/line order, and a stable split keeps it, so no sort is needed.
 */
export function rankFindings(diagnostics: readonly Diagnostic[]): RankedFindings {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const infos: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.suppressed) continue;
    if (d.severity === 'error') errors.push(d);
    else if (d.severity === 'warning') warnings.push(d);
    else infos.push(d);
  }
  return { errors, warnings, infos };
}

/** The most severe findings first: errors, then warnings, then infos. */
export function* mostSevereFirst(ranked: RankedFindings): Generator<Diagnostic> {
  yield* ranked.errors;
  yield* ranked.warnings;
  yield* ranked.infos;
}

/** The findings to annotate and how many of each type GitHub would not show. */
export interface AnnotationPlan {
  /** Errors first, then warnings, then infos (notices); at most `limit` of each, in file/line order. */
  readonly annotated: readonly Diagnostic[];
  readonly omitted: { readonly errors: number; readonly warnings: number; readonly notices: number };
}

/** Picks at most `limit` findings per annotation type, the most severe type first. */
export function planAnnotations(ranked: RankedFindings, limit: number = annotationsPerType): AnnotationPlan {
  const annotated = [...ranked.errors.slice(0, limit), ...ranked.warnings.slice(0, limit), ...ranked.infos.slice(0, limit)];
  const omitted = (n: number): number => Math.max(0, n - limit);
  return { annotated, omitted: { errors: omitted(ranked.errors.length), warnings: omitted(ranked.warnings.length), notices: omitted(ranked.infos.length) } };
}

/**
 * The workflow command that annotates a finding on its YAML node: the bytes
 * `check --format github` prints, `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=RULE::message`
 * (`::warning` for a warning, `::notice` for an info), related locations on
 * their own lines after the message, columns only on a one-line range.
 * These are the properties of `core.error(message, { file, startLine,
 * startColumn, endLine, endColumn, title })`, in an order that puts the file
 * first (core's own puts the title first).
 */
export function annotationCommand(d: Diagnostic): string {
  return workflowCommand(d);
}

/**
 * A finding as one plain log line (`error policies/users.yaml:4:13 message [rule]`).
 * It starts with the severity and holds no line break, so the runner never
 * reads it as a workflow command, whatever the message says.
 */
export function logLine(d: Diagnostic): string {
  const related = d.related.map((r) => `; see ${r.file}:${r.line}:${r.column}: ${r.message}`).join('');
  return `${d.severity.padEnd(7)} ${d.file}:${d.line}:${d.column}  ${d.message}${related}  [${d.rule}]`.replace(/[\r\n]+/g, ' ');
}

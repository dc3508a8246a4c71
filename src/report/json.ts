import type { Diagnostic, NotEvaluated, Summary } from '../model/diagnostic.js';
import { canonicalJson } from '../util/json.js';

/** The `rolecall.diagnostics/v1` document (SPEC §4). */
export interface DiagnosticsDocument {
  readonly format: 'rolecall.diagnostics/v1';
  readonly summary: Summary & { readonly notEvaluated?: readonly NotEvaluated[] };
  readonly diagnostics: readonly {
    readonly rule: string;
    readonly severity: string;
    readonly message: string;
    readonly file: string;
    readonly line: number;
    readonly column: number;
    readonly subject: { readonly kind: string; readonly id: string };
    readonly related: readonly { readonly file: string; readonly line: number; readonly column: number; readonly message: string }[];
    readonly suppressed: boolean;
  }[];
}

/** Builds the diagnostics document: exactly the SPEC fields; `summary.notEvaluated` only when some rule did not run everywhere. */
export function diagnosticsDocument(diagnostics: readonly Diagnostic[], summary: Summary, notEvaluated: readonly NotEvaluated[]): DiagnosticsDocument {
  return {
    format: 'rolecall.diagnostics/v1',
    summary: notEvaluated.length > 0 ? { ...summary, notEvaluated } : summary,
    diagnostics: diagnostics.map((d) => ({
      rule: d.rule,
      severity: d.severity,
      message: d.message,
      file: d.file,
      line: d.line,
      column: d.column,
      subject: { kind: d.subject.kind, id: d.subject.id },
      related: d.related.map((r) => ({ file: r.file, line: r.line, column: r.column, message: r.message })),
      suppressed: d.suppressed,
    })),
  };
}

/** `diagnostics.json` / `check --format json` text. */
export function formatJson(diagnostics: readonly Diagnostic[], summary: Summary, notEvaluated: readonly NotEvaluated[]): string {
  return canonicalJson(diagnosticsDocument(diagnostics, summary, notEvaluated));
}

import type { Diagnostic, NotEvaluated, Summary } from '../model/diagnostic.js';
import type { SourceFile } from '../model/source.js';
import type { RuleMeta } from '../rules/types.js';

/** What every diagnostics formatter receives. */
export interface ReportInput {
  readonly diagnostics: readonly Diagnostic[];
  readonly summary: Summary;
  readonly notEvaluated: readonly NotEvaluated[];
  /** Policy files by path (code frames, SARIF artifacts). */
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Metadata of every registered rule (SARIF `tool.driver.rules`, JUnit test cases). */
  readonly rules: readonly RuleMeta[];
  /** Whether ANSI colour is wanted (only terminal formats use it). */
  readonly color: boolean;
  readonly toolVersion: string;
}

/** A diagnostics formatter: the whole output as one string. */
export type Formatter = (input: ReportInput) => string;

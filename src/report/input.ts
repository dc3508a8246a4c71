import type { CheckResult } from '../compile.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { rules } from '../rules/index.js';
import { version } from '../version.js';
import type { ReportInput } from './types.js';

/**
 * What a formatter gets for a check result: its findings (or `diagnostics`,
 * when the caller shows only some of them), summary, not-evaluated list, the
 * policy files by path, every registered rule's metadata and this version.
 */
export function reportInput(result: CheckResult, options: { color: boolean; diagnostics?: readonly Diagnostic[] }): ReportInput {
  return {
    diagnostics: options.diagnostics ?? result.diagnostics,
    summary: result.summary,
    notEvaluated: result.notEvaluated,
    files: new Map(result.files.map((f) => [f.path, f])),
    rules: rules.map((r) => r.meta),
    color: options.color,
    toolVersion: version,
  };
}

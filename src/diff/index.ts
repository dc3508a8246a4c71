/**
 * `rolecall diff`: who gains and loses what between two policies. The edges
 * (CLI, GitHub Action) call `runDiff` and `formatDiff`; `computeDiff` is the
 * pure comparison of two check results.
 */
import { formatDiffJson } from './format-json.js';
import { formatDiffMarkdown, type MarkdownOptions } from './format-md.js';
import { formatDiffText } from './format-text.js';
import type { DiffReport } from './types.js';

export { computeDiff, canonicalRole, canonicalRoleYaml, diffFindings, type SideLabel } from './compute.js';
export { findEscalations, escalationKinds } from './escalations.js';
export { loadPolicyFromGit, isGitBase, type GitPolicy } from './git.js';
export { runDiff, runDiffSides, type RunDiffOptions, type DiffRun } from './run.js';
export { diffDocument, formatDiffJson } from './format-json.js';
export { formatDiffMarkdown, commentMarker, defaultCommentBudget, type MarkdownOptions } from './format-md.js';
export { formatDiffText } from './format-text.js';
export { PathFinder } from './paths.js';
export type * from './types.js';
export { diffFormatId } from './types.js';

/** The formats of `rolecall diff --format`. */
export const diffFormats = ['md', 'json', 'text'] as const;

/** One of `md`, `json`, `text`. */
export type DiffFormat = (typeof diffFormats)[number];

/** Options of `formatDiff`: colour for `text`; budget and artifact path for `md`. */
export interface FormatDiffOptions extends MarkdownOptions {
  readonly color?: boolean;
}

/** Renders a report: `md` (pull-request comment), `json` (`rolecall.diff/v1`) or `text` (terminal). */
export function formatDiff(report: DiffReport, format: DiffFormat, options: FormatDiffOptions = {}): string {
  switch (format) {
    case 'md':
      return formatDiffMarkdown(report, options);
    case 'json':
      return formatDiffJson(report);
    case 'text':
      return formatDiffText(report, options.color === undefined ? {} : { color: options.color });
  }
}

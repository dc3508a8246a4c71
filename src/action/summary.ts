import type { Diagnostic, NotEvaluated, Summary } from '../model/diagnostic.js';
import { annotationsPerType, mostSevereFirst, type AnnotationPlan, type RankedFindings } from './annotations.js';
import type { FailOn } from './inputs.js';

/** GitHub refuses a step summary over 1 MiB; the job summary stays under this. */
export const maxSummaryBytes = 1024 * 1024;

/** Most findings listed in the summary's table; the rest are counted. */
export const maxSummaryFindings = 50;

/** Longest finding message shown in the table (characters); longer ones end in `…`. */
const maxMessageChars = 400;

/** Longest "not evaluated" reason shown (characters). */
const maxReasonChars = 400;

/** What the job summary reports. Paths are as shown to users (relative to the workspace when inside it). */
export interface JobSummaryInput {
  readonly policyPath: string;
  readonly asOf: string;
  /** The diff base as given (`git:origin/main`, a directory), when there is one. */
  readonly base: string | undefined;
  readonly failOn: FailOn;
  /** The one-line reason the step fails, or undefined when it passes. */
  readonly failure: string | undefined;
  readonly summary: Summary;
  /** Escalations of the diff; undefined without a base. */
  readonly escalations: number | undefined;
  readonly ranked: RankedFindings;
  readonly omitted: AnnotationPlan['omitted'];
  readonly notEvaluated: readonly NotEvaluated[];
  /** The artifact directory, and how many files were written to it (0: nothing was written). */
  readonly out: string;
  readonly written: number;
  readonly sarifPath: string;
  /** The diff's PR-comment body (starting with the rolecall-diff marker), when there is a base. */
  readonly diffMarkdown: string | undefined;
  readonly diffMarkdownPath: string | undefined;
  /** The drift report (md) against the `observed` input, when there is one. */
  readonly driftMarkdown?: string | undefined;
  /** The name of the log group that lists the findings. */
  readonly logGroup: string;
}

/**
 * The job summary in GitHub-flavoured Markdown: a status line, a counts
 * table, where the findings that were not annotated can be read, the rules
 * not evaluated, the top findings (most severe first) and the access diff.
 * Never more than `budgetBytes` UTF-8 bytes: the findings table is filled
 * row by row and the diff is left out (pointing at its file) when it does
 * not fit, and the summary says what was cut.
 */
export function jobSummary(input: JobSummaryInput, budgetBytes: number = maxSummaryBytes): string {
  const cuts: string[] = [];
  const head = headSection(input);
  const cutNoteReserve = 600;
  let available = budgetBytes - bytes(head) - cutNoteReserve;
  const parts: string[] = [head];

  const notEvaluated = notEvaluatedSection(input.notEvaluated);
  if (notEvaluated !== '') {
    if (bytes(notEvaluated) <= available) {
      parts.push(notEvaluated);
      available -= bytes(notEvaluated);
    } else {
      cuts.push(`the list of ${input.notEvaluated.length} rules not evaluated`);
    }
  }

  const drift = input.driftMarkdown === undefined ? '' : `${input.driftMarkdown.trimEnd()}\n\n`;
  if (drift !== '') {
    if (bytes(drift) <= available) {
      parts.push(drift);
      available -= bytes(drift);
    } else cuts.push('the drift report (it is in rolecall-drift.md beside the SARIF file)');
  }

  const diff = input.diffMarkdown === undefined ? '' : `${input.diffMarkdown.trimEnd()}\n\n`;
  const diffFits = diff !== '' && bytes(diff) <= available - findingsFloor(input.ranked);
  if (diffFits) available -= bytes(diff);

  const findings = findingsSection(input, available);
  if (findings.text !== '') {
    parts.push(findings.text);
    available -= bytes(findings.text);
  }
  if (findings.cut > 0) cuts.push(`${findings.cut} rows of the findings table`);

  if (diffFits) parts.push(diff);
  else if (diff !== '') cuts.push(`the access diff (${bytes(diff).toLocaleString('en-US')} bytes; it is in \`${inlineCode(input.diffMarkdownPath ?? '')}\`)`);

  if (cuts.length > 0) {
    parts.push(`> [!NOTE]\n> Cut to stay under GitHub's 1 MiB job-summary limit: ${cuts.join('; ')}. Every finding is in the SARIF file \`${inlineCode(input.sarifPath)}\`.\n`);
  }
  return parts.join('');
}

function headSection(input: JobSummaryInput): string {
  const s = input.summary;
  const status = input.failure === undefined ? '✅ rolecall passed' : `❌ rolecall failed: ${inline(input.failure)}`;
  const lines = [
    `### ${status}`,
    '',
    `Policy ${code(input.policyPath)} as of ${input.asOf}${input.base === undefined ? ', no diff base' : `, compared with ${code(input.base)}`} · \`fail-on: ${input.failOn}\``,
    '',
    '| errors | warnings | infos | suppressed | escalations |',
    '|---:|---:|---:|---:|---:|',
    `| ${num(s.errors)} | ${num(s.warnings)} | ${num(s.infos)} | ${num(s.suppressed)} | ${input.escalations === undefined ? '–' : num(input.escalations)} |`,
    '',
  ];
  if (input.escalations === undefined) {
    lines.push('Escalations are counted against a diff base: set the `base` input, or run on a pull request.', '');
  }
  if (input.written > 0) lines.push(`Wrote ${input.written} artifacts to ${code(input.out)}.`, '');
  else lines.push(`Nothing was written to ${code(input.out)}: ${s.errors === 1 ? 'an error-level finding remains' : `${num(s.errors)} error-level findings remain`}.`, '');

  const omitted = input.omitted;
  const hidden = omitted.errors + omitted.warnings + omitted.notices;
  if (hidden > 0) {
    const counts = [
      omitted.errors > 0 ? `${num(omitted.errors)} more ${omitted.errors === 1 ? 'error' : 'errors'}` : '',
      omitted.warnings > 0 ? `${num(omitted.warnings)} more ${omitted.warnings === 1 ? 'warning' : 'warnings'}` : '',
      omitted.notices > 0 ? `${num(omitted.notices)} more ${omitted.notices === 1 ? 'notice' : 'notices'}` : '',
    ].filter((c) => c !== '');
    const where = [
      `the SARIF file ${code(input.sarifPath)} (upload it with \`github/codeql-action/upload-sarif\`)`,
      input.written > 0 ? `${code(joinPath(input.out, 'diagnostics.json'))} in the artifacts` : '',
      `the step log (group "${inline(input.logGroup)}")`,
    ].filter((w) => w !== '');
    lines.push(
      `> [!NOTE]`,
      `> GitHub shows at most ${annotationsPerType} annotations of each type per step: ${joinWords(counts)} ${hidden === 1 ? 'is' : 'are'} not annotated. Every finding is in ${joinWords(where)}.`,
      '',
    );
  }
  return lines.join('\n') + '\n';
}

function notEvaluatedSection(notEvaluated: readonly NotEvaluated[]): string {
  if (notEvaluated.length === 0) return '';
  const byReason = new Map<string, string[]>();
  for (const n of notEvaluated) byReason.set(n.reason, [...(byReason.get(n.reason) ?? []), n.rule]);
  const lines = [`#### ⚠️ ${notEvaluated.length === 1 ? '1 rule' : `${num(notEvaluated.length)} rules`} not evaluated on all of the policy`, ''];
  for (const [reason, rules] of byReason) {
    lines.push(`- ${inline(truncate(reason, maxReasonChars))}: ${rules.map((rule) => code(rule)).join(', ')}`);
  }
  lines.push('', 'Fix the errors above for these rules to run everywhere; until then a missing finding is not a pass.', '');
  return lines.join('\n') + '\n';
}

/** Room always kept for the findings table (its heading and first rows) before the diff takes the rest. */
function findingsFloor(ranked: RankedFindings): number {
  return ranked.errors.length + ranked.warnings.length + ranked.infos.length === 0 ? 0 : 8 * 1024;
}

function findingsSection(input: JobSummaryInput, available: number): { text: string; cut: number } {
  const total = input.ranked.errors.length + input.ranked.warnings.length + input.ranked.infos.length;
  if (total === 0) return { text: '', cut: 0 };
  const shownMax = Math.min(total, maxSummaryFindings);
  const heading = `#### Findings${total > shownMax ? ` (the first ${shownMax} of ${num(total)}, most severe first)` : ''}\n\n| | rule | where | message |\n|---|---|---|---|\n`;
  const moreNote = (more: number): string => `\n…and ${num(more)} more: see the SARIF file ${code(input.sarifPath)} or the step log.\n\n`;
  const reserve = bytes(moreNote(total));
  let room = available - bytes(heading) - reserve;
  if (room <= 0) return { text: '', cut: total };
  const rows: string[] = [];
  let budgetCut = 0;
  for (const d of mostSevereFirst(input.ranked)) {
    if (rows.length >= shownMax) break;
    const row = findingRow(d);
    if (bytes(row) > room) {
      budgetCut = shownMax - rows.length;
      break;
    }
    rows.push(row);
    room -= bytes(row);
  }
  if (rows.length === 0) return { text: '', cut: total };
  const more = total - rows.length;
  return { text: heading + rows.join('') + (more > 0 ? moreNote(more) : '\n'), cut: budgetCut };
}

const severityLabels = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' } as const;

function findingRow(d: Diagnostic): string {
  return `| ${severityLabels[d.severity]} | ${code(d.rule, true)} | ${code(`${d.file}:${d.line}:${d.column}`, true)} | ${message(truncate(d.message, maxMessageChars))} |\n`;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Inline text from the policy: one line, no HTML, no table-breaking pipes. */
function inline(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

/** Text inside a code span that the summary already wraps in single backticks. */
function inlineCode(text: string): string {
  return text.replace(/[\r\n`|]+/g, ' ');
}

/** A code span that holds any text: fenced by more backticks than it contains; pipes escaped in a table cell. */
function code(text: string, inTable = false): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${inTable ? flat.replace(/\|/g, '\\|') : flat}${pad}${ticks}`;
}

/** A finding message in a table cell: its backtick code spans kept, the text between them escaped. */
function message(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const parts = flat.split('`');
  if (parts.length % 2 === 0) return inline(flat).replace(/`/g, '\\`');
  return parts.map((part, i) => (i % 2 === 1 ? code(part, true) : inline(part))).join('');
}

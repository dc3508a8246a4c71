import { statSync } from 'node:fs';
import { EOL } from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { artifactNames, outputFiles } from '../cli/compile.js';
import { backgroundUnavailable } from '../emit/background.js';
import { UsageError } from '../cli/io.js';
import { writeAtomically, writeFileAtomically, type OutputFile } from '../cli/write.js';
import { checkPolicy, type CheckResult } from '../compile.js';
import { formatDiff, formatDiffJson, runDiffSides, type DiffReport } from '../diff/index.js';
import { compareAccess, driftCount, effectivePolicy, formatDrift, readObserved, type DriftReport } from '../drift/index.js';
import { defaultTableLimits } from '../import/table.js';
import { reportInput } from '../report/input.js';
import { formatSarif } from '../report/sarif.js';
import { displayPath, InputError, loadPolicyDirectory } from '../stages/load.js';
import { annotationCommand, logLine, mostSevereFirst, planAnnotations, rankFindings, type RankedFindings } from './annotations.js';
import { shouldFail, type ActionInputs, type FailOn } from './inputs.js';
import { jobSummary, maxSummaryBytes, type JobSummaryInput } from './summary.js';

/** File names the Action writes next to the artifact directory (in its parent), never inside it. */
export const sideFileNames = { sarif: 'rolecall.sarif', diffMarkdown: 'rolecall-diff.md', diffJson: 'rolecall-diff.json', driftMarkdown: 'rolecall-drift.md', driftJson: 'rolecall-drift.json' } as const;

/** Most findings listed in the step log (each as one plain line); the rest are counted. */
export const maxLoggedFindings = 1000;

/** The name of the log group that lists the findings. */
const findingsGroup = 'rolecall: findings';

/** What one run of the Action produced: the values of its outputs, and whether it fails the step. */
export interface ActionResult {
  readonly errors: number;
  readonly warnings: number;
  readonly escalations: number;
  /** Absolute path of matrix.json, or '' when nothing was written. */
  readonly matrix: string;
  /** Absolute path of the PR-comment body, or '' without a diff base. */
  readonly diffMarkdown: string;
  /** Absolute path of the SARIF log. */
  readonly sarif: string;
  /** Differences between the policy and the `observed` input (0 without it). */
  readonly drift: number;
  /** The one-line reason the step fails, or undefined. */
  readonly failure: string | undefined;
}

/**
 * One run of the Action: checks the policy (and, with a base, the base side
 * and the diff) in one pipeline run per side, then annotates the findings,
 * writes the SARIF log, the artifacts (when no error remains) and the
 * PR-comment body, the job summary and the outputs, and fails the step per
 * `fail-on`. Throws InputError for a missing policy directory, an unreadable
 * base or an unwritable output.
 */
export async function runAction(inputs: ActionInputs): Promise<ActionResult> {
  const { workspace } = inputs;
  const shown = (absolute: string): string => displayPath(absolute, workspace);
  const absoluteOut = path.resolve(workspace, inputs.out);
  const sideDir = path.dirname(absoluteOut);
  const sarifFile = path.join(sideDir, sideFileNames.sarif);
  const diffMarkdownFile = path.join(sideDir, sideFileNames.diffMarkdown);
  const diffJsonFile = path.join(sideDir, sideFileNames.diffJson);

  const { head, report } = checkAndDiff(inputs);
  const counts = { errors: head.summary.errors, warnings: head.summary.warnings, escalations: report?.escalations.length ?? 0 };
  const drift = inputs.observed === undefined ? undefined : await driftAgainst(head, inputs);
  const driftTotal = drift === undefined ? 0 : driftCount(drift);
  const failure = withDrift(failureReason(inputs.failOn, counts, report !== undefined), inputs.failOn, driftTotal);

  const ranked = rankFindings(head.diagnostics);
  const plan = planAnnotations(ranked);
  for (const d of plan.annotated) process.stdout.write(annotationCommand(d) + EOL);
  logFindings(head, ranked);
  for (const note of report?.incomplete ?? []) core.info(`rolecall: warning: ${note.replace(/[\r\n]+/g, ' ')}`);

  // The log is for code scanning, which ignores SARIF suppressions and would show
  // findings accepted by an exception as open alerts: leave those out (they stay in
  // diagnostics.json and in `rolecall check --format sarif`).
  writeTextFile(
    sarifFile,
    formatSarif(reportInput(head, { color: false, diagnostics: head.diagnostics.filter((d) => !d.suppressed) })),
  );

  let written = 0;
  if (head.summary.errors === 0) {
    // matrix.csv on a worker thread (dist/worker.js) when the runner has a second core, as `rolecall compile` does.
    const noWorker = backgroundUnavailable(process.env);
    core.debug(noWorker === undefined ? 'rolecall: matrix.csv is written on a worker thread' : `rolecall: matrix.csv is written on the main thread (${noWorker})`);
    const files = outputFiles(head, { workers: noWorker === undefined });
    await writeArtifacts(absoluteOut, files);
    written = files.length;
  }

  let diffMarkdown: string | undefined;
  if (report !== undefined) {
    writeTextFile(diffJsonFile, formatDiffJson(report));
    diffMarkdown = formatDiff(report, 'md', { jsonPath: shown(diffJsonFile) });
    writeTextFile(diffMarkdownFile, diffMarkdown);
  }

  let driftMarkdown: string | undefined;
  if (drift !== undefined) {
    writeTextFile(path.join(sideDir, sideFileNames.driftJson), formatDrift(drift, 'json'));
    driftMarkdown = formatDrift(drift, 'md');
    writeTextFile(path.join(sideDir, sideFileNames.driftMarkdown), driftMarkdown);
  }

  const result: ActionResult = {
    ...counts,
    drift: driftTotal,
    matrix: written > 0 ? path.join(absoluteOut, 'matrix.json') : '',
    diffMarkdown: report !== undefined ? diffMarkdownFile : '',
    sarif: sarifFile,
    failure,
  };
  core.setOutput('errors', String(result.errors));
  core.setOutput('warnings', String(result.warnings));
  core.setOutput('escalations', String(result.escalations));
  core.setOutput('matrix', result.matrix);
  core.setOutput('diff-markdown', result.diffMarkdown);
  core.setOutput('sarif', result.sarif);
  core.setOutput('drift', String(result.drift));

  await writeJobSummary({
    policyPath: shown(path.resolve(workspace, inputs.path)),
    asOf: inputs.asOf,
    base: inputs.base,
    failOn: inputs.failOn,
    failure,
    summary: head.summary,
    escalations: report === undefined ? undefined : counts.escalations,
    ranked,
    omitted: plan.omitted,
    notEvaluated: head.notEvaluated,
    out: shown(absoluteOut),
    written,
    sarifPath: shown(sarifFile),
    diffMarkdown,
    diffMarkdownPath: report === undefined ? undefined : shown(diffMarkdownFile),
    driftMarkdown,
    logGroup: findingsGroup,
  });

  const s = head.summary;
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const against = report === undefined ? '' : `, ${n(counts.escalations, 'escalation')} against ${report.base.label}`;
  core.info(`rolecall: ${n(s.errors, 'error')}, ${n(s.warnings, 'warning')}, ${n(s.infos, 'info')}, ${s.suppressed} suppressed${against} (as of ${inputs.asOf})`);
  core.info(written > 0 ? `rolecall: wrote ${written} artifacts to ${shown(absoluteOut)}` : `rolecall: nothing was written to ${shown(absoluteOut)}`);
  if (failure !== undefined) core.setFailed(`rolecall: ${failure}`);
  return result;
}

/** The head's check result, and the diff when there is a base: one pipeline run per side, never two for the head. */
function checkAndDiff(inputs: ActionInputs): { head: CheckResult; report: DiffReport | undefined } {
  if (inputs.base === undefined) {
    const loaded = loadPolicyDirectory(inputs.path, { cwd: inputs.workspace });
    return { head: checkPolicy(loaded, { asOf: inputs.asOf }), report: undefined };
  }
  try {
    const run = runDiffSides({ base: inputs.base, head: inputs.path, asOf: inputs.asOf, cwd: inputs.workspace });
    return { head: run.head, report: run.report };
  } catch (error) {
    if (!(error instanceof InputError) || !error.message.startsWith('--base ')) throw error;
    if (inputs.baseSource === 'pull-request' && error.message.includes('unknown git ref')) {
      throw new InputError(
        `the pull request's base branch is not in the clone (\`${inputs.base}\` is an unknown git ref): check out with \`actions/checkout\` and \`fetch-depth: 0\`, or set the \`base\` input`,
      );
    }
    // The diff's messages name the CLI flag; here the base is an input, or the pull request's base branch.
    const subject = inputs.baseSource === 'pull-request' ? "the pull request's base " : 'input `base`: ';
    throw new InputError(error.message.replace(/^--base /, subject).replace(/pass --base DIR/g, 'set the `base` input to a directory'));
  }
}

/** Compares the head policy with the `observed` input (drift, SPEC §10); bad observed input is an InputError naming the input. */
async function driftAgainst(head: CheckResult, inputs: ActionInputs): Promise<DriftReport> {
  try {
    const { access, source } = await readObserved(inputs.observed!, { cwd: inputs.workspace, limits: defaultTableLimits });
    return compareAccess(effectivePolicy(head), access, { asOf: inputs.asOf, scope: 'managed', policyPath: displayPath(path.resolve(inputs.workspace, inputs.path), inputs.workspace), source });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(`input \`observed\`: ${error.message.replace(/^--observed /, '')}`);
  }
}

/** The failure reason with drift added: any drift fails the step unless `fail-on` is `never`. */
export function withDrift(failure: string | undefined, failOn: FailOn, drift: number): string | undefined {
  if (drift === 0 || failOn === 'never') return failure;
  const text = `${drift} difference${drift === 1 ? '' : 's'} between the policy and the live system`;
  return failure === undefined ? `${text} (fail-on: ${failOn})` : failure.replace(/ \(fail-on: /, ` and ${text} (fail-on: `);
}

/** The one-line reason the step fails under `fail-on`, or undefined. */
export function failureReason(failOn: FailOn, counts: { errors: number; warnings: number; escalations: number }, diffed: boolean): string | undefined {
  if (!shouldFail(failOn, counts)) return undefined;
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (counts.errors > 0) parts.push(n(counts.errors, 'error'));
  if (failOn === 'warning' && counts.warnings > 0) parts.push(n(counts.warnings, 'warning'));
  if (failOn === 'escalation' && diffed && counts.escalations > 0) parts.push(n(counts.escalations, 'escalation'));
  return `${parts.join(' and ')} (fail-on: ${failOn})`;
}

/** Every unsuppressed finding as a plain line in a collapsed log group (the annotations show ten per type). */
function logFindings(head: CheckResult, ranked: RankedFindings): void {
  const total = ranked.errors.length + ranked.warnings.length + ranked.infos.length;
  if (total === 0 && head.notEvaluated.length === 0) return;
  core.startGroup(findingsGroup);
  let logged = 0;
  for (const d of mostSevereFirst(ranked)) {
    if (logged >= maxLoggedFindings) break;
    core.info(logLine(d));
    logged++;
  }
  if (total > logged) core.info(`rolecall: ${total - logged} more findings: see the SARIF file`);
  for (const n of head.notEvaluated) core.info(`rolecall: not evaluated: ${n.rule}: ${n.reason}`.replace(/[\r\n]+/g, ' '));
  core.endGroup();
}

/** Appends the job summary to GITHUB_STEP_SUMMARY, within what is left of GitHub's 1 MiB per step. */
async function writeJobSummary(input: JobSummaryInput): Promise<void> {
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (file === undefined || file === '') {
    core.info('rolecall: GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  let existing = 0;
  try {
    existing = statSync(file).size;
  } catch {
    // core.summary reports a missing file itself.
  }
  const markdown = jobSummary(input, maxSummaryBytes - existing - 4096);
  await core.summary.addRaw(markdown).write();
}

/** Writes the compile artifacts into `out`, atomically; the writer's messages name the input rather than the CLI flag. */
async function writeArtifacts(absoluteOut: string, files: readonly OutputFile[]): Promise<void> {
  try {
    await writeAtomically(absoluteOut, files, new Set(artifactNames));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new InputError(error.message.replace(/^--out (`[^`]*`)/, 'input `out` ($1)'));
  }
}

/** Writes a whole text file atomically; file-system errors are input errors of the Action. */
function writeTextFile(file: string, text: string): void {
  try {
    writeFileAtomically(file, text);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new InputError(error.message);
  }
}

import { statSync } from 'node:fs';
import path from 'node:path';
import { checkPolicy } from '../compile.js';
import { AccessView } from '../review/access.js';
import { planDecisions } from '../review/apply.js';
import { parseDecisions, type DecisionRow } from '../review/decisions.js';
import { structuralRules } from '../review/structural.js';
import { applyYamlEdits } from '../review/yaml-edit.js';
import { displayPath } from '../stages/load.js';
import { escapeControl } from '../util/text.js';
import { exitCodes, UsageError, type CliIO } from './io.js';
import { readInputFile } from './input-file.js';
import { asOfOption, loadLimitsOption } from './options.js';
import { replaceFiles, type Replacement } from './replace-files.js';
import { readablePolicy } from './review.js';

const usageText = 'rolecall review apply DECISIONS.csv... [dir] [--dry-run] [--as-of DATE]';

/**
 * `rolecall review apply DECISIONS.csv... [dir]`: writes returned review
 * decisions into the policy YAML (keep: reviewedAt; revoke: the membership
 * or direct assignment removed), all files or none, keeping comments and
 * formatting; refuses everything when any row no longer matches the policy.
 */
export async function applyCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): Promise<number> {
  for (const option of ['out', 'usage'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} belongs to \`rolecall review\`, not \`review apply\`; usage: ${usageText}`);
  }
  const files: string[] = [];
  let dir: string | undefined;
  for (const argument of positionals) {
    if (isDirectory(path.resolve(io.cwd, argument))) {
      if (dir !== undefined) throw new UsageError(`two policy directories, \`${dir}\` and \`${argument}\`: name one; usage: ${usageText}`);
      dir = argument;
    } else {
      files.push(argument);
    }
  }
  if (files.length === 0) throw new UsageError(`name the decisions files to apply (the filled-in packets); usage: ${usageText}`);
  dir ??= 'policies';
  const asOf = asOfOption(values['as-of']);
  const limits = loadLimitsOption(values);
  const rows: DecisionRow[] = [];
  for (const file of files) {
    const absolute = path.resolve(io.cwd, file);
    rows.push(...parseDecisions(readInputFile(file, io.cwd, 'the decisions file', limits.maxTotalBytes), displayPath(absolute, io.cwd)));
  }
  const result = readablePolicy(dir, values, io, asOf);
  if (typeof result === 'number') return result;

  const plan = planDecisions(new AccessView(result.resolution), rows);
  if (plan.refusals.length > 0) {
    for (const r of plan.refusals) io.stderr.write(`rolecall: ${escapeControl(r.file)}:${r.line}: ${r.message}\n`);
    io.stderr.write(`rolecall: ${plan.refusals.length} ${plan.refusals.length === 1 ? 'row' : 'rows'} refused: nothing was applied\n`);
    return exitCodes.findings;
  }

  const replacements: Replacement[] = [];
  const texts = new Map(result.files.map((f) => [f.path, f.text]));
  for (const [file, edits] of [...plan.edits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const before = texts.get(file)!;
    const after = applyYamlEdits(before, edits);
    if (typeof after !== 'string') {
      io.stderr.write(`rolecall: ${file}: cannot apply the decisions to this file: ${after.problem}; nothing was applied\n`);
      return exitCodes.findings;
    }
    if (after !== before) replacements.push({ path: path.resolve(io.cwd, file), before, after });
    texts.set(file, after);
  }
  // The edited policy must still read as it did, less what was decided (a bug here must never reach the files).
  const edited = checkPolicy({ files: result.files.map((f) => ({ path: f.path, text: texts.get(f.path)! })), problems: [] }, { asOf, rules: structuralRules });
  if (edited.summary.errors > 0 || edited.notEvaluated.length > 0) {
    throw new Error(`the edited policy has ${edited.summary.errors} errors: ${edited.diagnostics.find((d) => d.severity === 'error')?.message ?? edited.notEvaluated[0]?.reason}`);
  }
  const still = stillHeld(new AccessView(edited.resolution), rows);

  const dryRun = values['dry-run'] === true;
  if (!dryRun && replacements.length > 0) replaceFiles(replacements);
  const changed = replacements.map((r) => displayPath(r.path, io.cwd));
  io.stdout.write(summary(plan, files, dir, asOf, changed, still, dryRun));
  return exitCodes.clean;
}

/** Access a revoke removed that the user still holds another way (through another group, or another assignment). */
function stillHeld(after: AccessView, rows: readonly DecisionRow[]): string[] {
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const key = `${row.user}\0${row.access}`;
    if (row.decision !== 'revoke' || seen.has(key)) continue;
    seen.add(key);
    const u = after.user(row.user);
    if (u === undefined || !row.access.startsWith('role:')) continue;
    const r = after.role(row.access.slice('role:'.length));
    const holding = r === undefined ? undefined : after.roleHolding(u, r);
    if (holding) notes.push(`\`${row.user}\` still holds \`${row.access}\` through \`${holding.via}\``);
  }
  return notes;
}

function summary(plan: ReturnType<typeof planDecisions>, files: readonly string[], dir: string, asOf: string, changed: readonly string[], still: readonly string[], dryRun: boolean): string {
  const lines = [`${dryRun ? 'would apply' : 'applied'} the decisions of ${files.map((f) => `\`${escapeControl(f)}\``).join(', ')} to \`${dir}\` as of ${asOf}:`];
  lines.push(`  revoked ${plan.revoked.length}${plan.revoked.length > 0 ? ':' : ''}`, ...plan.revoked.map((r) => `    ${r}`));
  lines.push(`  kept ${plan.kept}${plan.reviewed.length > 0 ? `; reviewedAt ${asOf} on:` : ''}`, ...plan.reviewed.map((r) => `    ${r}`));
  if (plan.notReviewed.length > 0) lines.push('  kept, but not marked reviewed while rows about them have no decision:', ...plan.notReviewed.map((r) => `    ${r}`));
  if (plan.undecided.length > 0) lines.push(`  ${plan.undecided.length} ${plan.undecided.length === 1 ? 'row has' : 'rows have'} no decision and ${plan.undecided.length === 1 ? 'was' : 'were'} left as ${plan.undecided.length === 1 ? 'it is' : 'they are'}`);
  for (const note of still) lines.push(`  note: ${note}`);
  if (changed.length === 0) lines.push('nothing to change in the policy');
  else {
    lines.push(`${dryRun ? 'would change' : 'changed'} ${changed.length} ${changed.length === 1 ? 'file' : 'files'}: ${changed.join(', ')}`);
    if (!dryRun) lines.push('next: review the change (`git diff`; `rolecall diff --base git:main` shows who loses what), commit it and open a pull request');
  }
  return lines.join('\n') + '\n';
}

function isDirectory(absolute: string): boolean {
  try {
    return statSync(absolute).isDirectory();
  } catch {
    return false;
  }
}

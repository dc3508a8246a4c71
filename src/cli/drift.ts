import path from 'node:path';
import { checkPolicy } from '../compile.js';
import { compareAccess, driftCount, driftFormats, driftScopes, effectivePolicy, formatDrift, readObserved, type DriftReport } from '../drift/index.js';
import { defaultTableLimits } from '../import/table.js';
import { displayPath, loadPolicyDirectory } from '../stages/load.js';
import { exitCodes, UsageError, type CliIO } from './io.js';
import { asOfOption, choiceOption, countOption, loadLimitsOption } from './options.js';
import { writeFileAtomically } from './write.js';

/** Usage line of `rolecall drift`. */
export const driftUsage = 'rolecall drift --observed PATH [--dir DIR] [--scope managed|authoritative] [--format text|json|md] [--out FILE] [--as-of DATE]';

/**
 * `rolecall drift`: compares the policy's effective access with what the
 * live system shows. Exit 0 no drift, 1 drift, 2 bad usage or input.
 */
export async function driftCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`drift takes no positional arguments (got \`${positionals[0]}\`): pass the policy as --dir DIR; usage: ${driftUsage}`);
  const observed = values['observed'];
  if (typeof observed !== 'string' || observed === '') throw new UsageError(`drift needs --observed PATH (a ServiceNow export directory, or a CSV file user,role or user,permission,scope); usage: ${driftUsage}`);
  const dir = typeof values['dir'] === 'string' && values['dir'] !== '' ? values['dir'] : 'policies';
  const scope = choiceOption('scope', values['scope'], driftScopes, 'managed');
  const format = choiceOption('format', values['format'], driftFormats, 'text');
  const asOf = asOfOption(values['as-of']);
  const out = values['out'];
  if (out !== undefined && (typeof out !== 'string' || out === '')) throw new UsageError(`--out takes a file path; usage: ${driftUsage}`);
  const limits = { ...defaultTableLimits, maxFileBytes: countOption('max-file-bytes', values['max-file-bytes']) ?? defaultTableLimits.maxFileBytes };
  const report = await runDrift({ dir, observed, scope, asOf, cwd: io.cwd, limits, loadLimits: loadLimitsOption(values), stderr: io.stderr });
  const text = formatDrift(report, format);
  if (typeof out === 'string') {
    writeFileAtomically(path.resolve(io.cwd, out), text);
    io.stdout.write(`wrote ${out} (${driftCount(report).toLocaleString('en-US')} difference${driftCount(report) === 1 ? '' : 's'})\n`);
  } else {
    io.stdout.write(text);
  }
  return driftCount(report) > 0 ? exitCodes.findings : exitCodes.clean;
}

/** Loads and checks the policy, reads the observed access and compares them. Error-level findings in the policy are reported on `stderr` but do not stop the comparison. */
export async function runDrift(options: {
  readonly dir: string;
  readonly observed: string;
  readonly scope: (typeof driftScopes)[number];
  readonly asOf: string;
  readonly cwd: string;
  readonly limits: typeof defaultTableLimits;
  readonly loadLimits: ReturnType<typeof loadLimitsOption>;
  readonly stderr: { write(text: string): unknown };
}): Promise<DriftReport> {
  const loaded = loadPolicyDirectory(options.dir, { cwd: options.cwd, limits: options.loadLimits });
  const { access, source } = await readObserved(options.observed, { cwd: options.cwd, limits: options.limits });
  const result = checkPolicy(loaded, { asOf: options.asOf, rules: [] });
  if (loaded.files.length === 0) throw new UsageError(`policy directory \`${options.dir}\` holds no policy file: pass the policy as --dir DIR`);
  const broken = result.parsed.filter((f) => f.root === undefined || f.partial).length;
  if (broken > 0) options.stderr.write(`rolecall: warning: ${broken} policy file${broken === 1 ? '' : 's'} did not parse; run \`rolecall check ${options.dir}\`: the comparison uses what did\n`);
  return compareAccess(effectivePolicy(result), access, { asOf: options.asOf, scope: options.scope, policyPath: displayPath(path.resolve(options.cwd, options.dir), options.cwd), source });
}

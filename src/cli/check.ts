import { checkPolicy } from '../compile.js';
import { formatters, type FormatName } from '../report/index.js';
import { reportInput } from '../report/input.js';
import { useColor } from '../report/color.js';
import { loadPolicyDirectory } from '../stages/load.js';
import { computeCoverage } from '../coverage/coverage.js';
import { formatCoverage } from '../coverage/format.js';
import { diagnosticsDocument } from '../report/json.js';
import { canonicalJson } from '../util/json.js';
import { exitCodes, UsageError, type CliIO } from './io.js';
import { checkUsageAgainst, usageOption } from './usage.js';
import { asOfOption, choiceOption, countOption, directoryArgument, loadLimitsOption } from './options.js';

/** `rolecall check [dir]`: validate and lint (`--coverage`: and report assertion coverage); exit 1 on errors or too many warnings. */
export function checkCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): number {
  const dir = directoryArgument(positionals, 'rolecall check [dir]');
  const asOf = asOfOption(values['as-of']);
  const format = choiceOption('format', values['format'], Object.keys(formatters) as FormatName[], 'stylish');
  const maxWarnings = countOption('max-warnings', values['max-warnings']);
  if (values['coverage'] && format !== 'stylish' && format !== 'json') {
    throw new UsageError(`--coverage prints its report in the stylish and json formats, not ${format} (coverage-below-threshold findings appear in every format)`);
  }
  const usage = usageOption(values, io);
  const loaded = loadPolicyDirectory(dir, { cwd: io.cwd, limits: loadLimitsOption(values) });
  const result = checkPolicy(loaded, { asOf, ...(usage ? { usage } : {}) });
  checkUsageAgainst(result, usage, io);
  const input = reportInput(result, { color: useColor(io.env, io.stdout.isTTY) });
  if (values['coverage']) {
    // The coverage report: a section after the stylish output, or the `coverage` key of the JSON document.
    const coverage = computeCoverage(result.resolution);
    if (format === 'json') io.stdout.write(canonicalJson({ ...diagnosticsDocument(input.diagnostics, input.summary, input.notEvaluated), coverage }));
    else io.stdout.write(`${formatters[format](input)}\n${formatCoverage(coverage, result.model.settings)}`);
  } else {
    io.stdout.write(formatters[format](input));
  }
  if (result.summary.errors > 0) return exitCodes.findings;
  if (maxWarnings !== undefined && result.summary.warnings > maxWarnings) {
    io.stderr.write(`rolecall: ${result.summary.warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return exitCodes.findings;
  }
  return exitCodes.clean;
}

import { checkPolicy } from '../compile.js';
import { formatters, type FormatName } from '../report/index.js';
import { reportInput } from '../report/input.js';
import { useColor } from '../report/color.js';
import { loadPolicyDirectory } from '../stages/load.js';
import { exitCodes, type CliIO } from './io.js';
import { checkUsageAgainst, usageOption } from './usage.js';
import { asOfOption, choiceOption, countOption, directoryArgument, loadLimitsOption } from './options.js';

/** `rolecall check [dir]`: validate and lint; exit 1 on errors or too many warnings. */
export function checkCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): number {
  const dir = directoryArgument(positionals, 'rolecall check [dir]');
  const asOf = asOfOption(values['as-of']);
  const format = choiceOption('format', values['format'], Object.keys(formatters) as FormatName[], 'stylish');
  const maxWarnings = countOption('max-warnings', values['max-warnings']);
  const usage = usageOption(values, io);
  const loaded = loadPolicyDirectory(dir, { cwd: io.cwd, limits: loadLimitsOption(values) });
  const result = checkPolicy(loaded, { asOf, ...(usage ? { usage } : {}) });
  checkUsageAgainst(result, usage, io);
  io.stdout.write(formatters[format](reportInput(result, { color: useColor(io.env, io.stdout.isTTY) })));
  if (result.summary.errors > 0) return exitCodes.findings;
  if (maxWarnings !== undefined && result.summary.warnings > maxWarnings) {
    io.stderr.write(`rolecall: ${result.summary.warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return exitCodes.findings;
  }
  return exitCodes.clean;
}

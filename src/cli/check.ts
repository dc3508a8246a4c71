import { checkPolicy } from '../compile.js';
import { formatJson } from '../report/json.js';
import { formatStylish } from '../report/stylish.js';
import { useColor } from '../report/color.js';
import { loadPolicyDirectory } from '../stages/load.js';
import { exitCodes, type CliIO } from './io.js';
import { asOfOption, choiceOption, countOption, directoryArgument } from './options.js';

const formats = ['stylish', 'json'] as const;

/** `rolecall check [dir]`: validate and lint; exit 1 on errors or too many warnings. */
export function checkCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): number {
  const dir = directoryArgument(positionals, 'rolecall check [dir]');
  const asOf = asOfOption(values['as-of']);
  const format = choiceOption('format', values['format'], formats, 'stylish');
  const maxWarnings = countOption('max-warnings', values['max-warnings']);
  const loaded = loadPolicyDirectory(dir, { cwd: io.cwd });
  const result = checkPolicy(loaded, { asOf });
  if (format === 'json') {
    io.stdout.write(formatJson(result.diagnostics, result.summary, result.notEvaluated));
  } else {
    const files = new Map(result.files.map((f) => [f.path, f]));
    io.stdout.write(formatStylish(result.diagnostics, result.summary, result.notEvaluated, { color: useColor(io.env, io.stdout.isTTY), files }));
  }
  if (result.summary.errors > 0) return exitCodes.findings;
  if (maxWarnings !== undefined && result.summary.warnings > maxWarnings) {
    if (format === 'stylish') io.stderr.write(`rolecall: ${result.summary.warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return exitCodes.findings;
  }
  return exitCodes.clean;
}

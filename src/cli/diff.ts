import path from 'node:path';
import { diffFormats, formatDiff, formatDiffJson, runDiff } from '../diff/index.js';
import { useColor } from '../report/color.js';
import { writeFileAtomically } from './write.js';
import { exitCodes, UsageError, type CliIO } from './io.js';
import { asOfOption, choiceOption, loadLimitsOption } from './options.js';

/** Usage line of `rolecall diff`. */
export const diffUsage =
  'rolecall diff --base DIR|git:REF [--head DIR] [--format md|json|text] [--fail-on escalation|never] [--out FILE] [--json-path FILE] [--as-of DATE]';

/**
 * `rolecall diff`: compares the base (a directory, or `git:REF` read from the
 * object database) with the head and prints who gains and loses what.
 * Exit 1 with `--fail-on escalation` when an escalation is found, 2 on bad
 * usage or an unreadable base.
 */
export function diffCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): number {
  if (positionals.length > 0) throw new UsageError(`diff takes no positional arguments (got \`${positionals[0]}\`): pass the head as --head DIR; usage: ${diffUsage}`);
  const base = values['base'];
  if (typeof base !== 'string' || base === '') throw new UsageError(`diff needs --base DIR or --base git:REF; usage: ${diffUsage}`);
  const head = typeof values['head'] === 'string' ? values['head'] : 'policies';
  const format = choiceOption('format', values['format'], diffFormats, 'text');
  const failOn = choiceOption('fail-on', values['fail-on'], ['escalation', 'never'] as const, 'never');
  const asOf = asOfOption(values['as-of']);
  const out = stringOption(values, 'out');
  const jsonPath = stringOption(values, 'json-path');

  const report = runDiff({ base, head, asOf, cwd: io.cwd, limits: loadLimitsOption(values) });
  for (const note of report.incomplete) io.stderr.write(`rolecall: warning: ${note}\n`);

  if (jsonPath !== undefined) writeFileAtomically(path.resolve(io.cwd, jsonPath), formatDiffJson(report));
  const color = out === undefined && format === 'text' && useColor(io.env, io.stdout.isTTY);
  const text = formatDiff(report, format, { color, ...(jsonPath !== undefined ? { jsonPath } : {}) });
  if (out !== undefined) {
    writeFileAtomically(path.resolve(io.cwd, out), text);
    io.stdout.write(`wrote ${out} (${report.counts.escalations} escalation${report.counts.escalations === 1 ? '' : 's'})\n`);
  } else {
    io.stdout.write(text);
  }
  if (failOn === 'escalation' && report.escalations.length > 0) {
    io.stderr.write(`rolecall: ${report.escalations.length} escalation${report.escalations.length === 1 ? '' : 's'} (--fail-on escalation)\n`);
    return exitCodes.findings;
  }
  return exitCodes.clean;
}

function stringOption(values: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} takes a file path; usage: ${diffUsage}`);
  return value;
}


import type { CheckResult } from '../compile.js';
import { displayPath } from '../stages/load.js';
import { parseUsage, unknownUsageItems, unknownUsageUser, type UsageData } from '../usage/usage.js';
import { escapeControl } from '../util/text.js';
import type { CliIO } from './io.js';
import { readInputFile } from './input-file.js';
import { loadLimitsOption } from './options.js';
import path from 'node:path';

/** Reads and parses `--usage FILE` (undefined without the option); a bad file is one InputError line naming the row. */
export function usageOption(values: Record<string, string | boolean | undefined>, io: CliIO): UsageData | undefined {
  const file = values['usage'];
  if (file === undefined || typeof file !== 'string') return undefined;
  const text = readInputFile(file, io.cwd, 'the usage file', loadLimitsOption(values).maxTotalBytes);
  return parseUsage(text, displayPath(path.resolve(io.cwd, file), io.cwd));
}

/**
 * Checks usage data against the policy it was used with: a user the policy
 * does not define is an error naming the row (unless a policy file could not
 * be read, so its users are unknown); roles or permissions it does not
 * declare are ignored, with a note on stderr.
 */
export function checkUsageAgainst(result: CheckResult, usage: UsageData | undefined, io: CliIO): void {
  if (!usage) return;
  const complete = result.parsed.every((f) => f.root !== undefined || f.file.text.trim() === '');
  if (complete) {
    const unknown = unknownUsageUser(usage, result.model);
    if (unknown) throw unknown;
  }
  const items = unknownUsageItems(usage, result.model);
  if (items.first) {
    io.stderr.write(
      `rolecall: note: ${items.count} ${usage.kind}${items.count === 1 ? '' : 's'} in \`${escapeControl(usage.path)}\` ${items.count === 1 ? 'is' : 'are'} not declared in the policy and ignored (the first, \`${escapeControl(items.first.item)}\`, in row ${items.first.line})\n`,
    );
  }
}

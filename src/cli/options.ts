import { isIsoDate, todayUtc } from '../util/dates.js';
import { defaultLoadLimits, type LoadLimits } from '../stages/load.js';
import { UsageError } from './io.js';

/** The as-of date: `--as-of`, else today's date in UTC. */
export function asOfOption(value: string | boolean | undefined): string {
  if (value === undefined) return todayUtc();
  if (typeof value !== 'string' || !isIsoDate(value)) throw new UsageError(`--as-of takes a date written YYYY-MM-DD, got \`${String(value)}\``);
  return value;
}

/** A string option limited to `allowed` values. */
export function choiceOption<T extends string>(name: string, value: string | boolean | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got \`${String(value)}\``);
  }
  return value as T;
}

/** A non-negative whole-number option. */
export function countOption(name: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, got \`${String(value)}\``);
  return Number(value);
}

/** The policy directory: the single positional argument, default `policies`. */
export function directoryArgument(positionals: readonly string[], usage: string): string {
  if (positionals.length > 1) throw new UsageError(`expected one policy directory, got ${positionals.length} arguments; usage: ${usage}`);
  return positionals[0] ?? 'policies';
}

/** Loader limits from `--max-file-bytes` / `--max-total-bytes` (defaults in docs/security.md). */
export function loadLimitsOption(values: Record<string, string | boolean | undefined>): LoadLimits {
  return {
    ...defaultLoadLimits,
    maxFileBytes: countOption('max-file-bytes', values['max-file-bytes']) ?? defaultLoadLimits.maxFileBytes,
    maxTotalBytes: countOption('max-total-bytes', values['max-total-bytes']) ?? defaultLoadLimits.maxTotalBytes,
  };
}

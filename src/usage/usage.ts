import { compareStrings } from '../model/diagnostic.js';
import type { PolicyModel } from '../model/policy.js';
import { InputError } from '../stages/load.js';
import { isCsvProblem, readCsv } from '../util/csv.js';
import { isIsoDate } from '../util/dates.js';
import { escapeControl } from '../util/text.js';

/** What a usage file records use of: permissions or roles (its header says which). */
export type UsageKind = 'permission' | 'role';

/**
 * Usage data read from `--usage FILE` (SPEC §12): per user, the last day each
 * permission or role was used. Several rows for one user and item keep the
 * latest date; a row with an empty `lastUsed` says the user is known and has
 * no recorded use of the item.
 */
export interface UsageData {
  /** The file as given (shown in messages). */
  readonly path: string;
  readonly kind: UsageKind;
  /** User id -> item id -> last use (`YYYY-MM-DD`, or '' for none recorded). */
  readonly byUser: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The line of each user's first row, for messages that point into the file. */
  readonly firstLine: ReadonlyMap<string, number>;
  /** The line of each item's first row. */
  readonly itemLine: ReadonlyMap<string, number>;
  /** How many data rows the file has. */
  readonly rows: number;
}

/** The headers a usage file may have. */
export const usageHeaders: Readonly<Record<UsageKind, readonly string[]>> = {
  permission: ['user', 'permission', 'lastUsed'],
  role: ['user', 'role', 'lastUsed'],
};

/**
 * Reads a usage CSV (`user,permission,lastUsed` or `user,role,lastUsed`) with
 * csv-parse. `lastUsed` is a date `YYYY-MM-DD`, optionally followed by a time
 * (`2026-11-02T09:15:00Z`: the date part counts), or empty. Anything else is
 * an InputError naming the file and row. Pure: the caller reads the file.
 */
export function parseUsage(text: string, path: string): UsageData {
  const shown = escapeControl(path);
  const table = readCsv(text);
  if (isCsvProblem(table)) throw new InputError(`${shown}:${table.line}: ${table.message}`);
  const header = table.header.map((h) => h.trim());
  const kind = (Object.keys(usageHeaders) as UsageKind[]).find((k) => sameCells(header, usageHeaders[k]));
  if (!kind) {
    throw new InputError(
      `${shown}:1: the header is \`${escapeControl(table.header.join(','))}\`; a usage file starts with \`user,permission,lastUsed\` or \`user,role,lastUsed\` (one kind per file)`,
    );
  }
  const byUser = new Map<string, Map<string, string>>();
  const firstLine = new Map<string, number>();
  const itemLine = new Map<string, number>();
  for (const record of table.records) {
    const at = `${shown}:${record.line}`;
    if (record.cells.length !== 3) {
      throw new InputError(`${at}: row ${record.line} has ${record.cells.length} cells, the header ${usageHeaders[kind].join(',')} has 3: quote cells that hold commas`);
    }
    const [user, item, when] = record.cells.map((c) => c.trim()) as [string, string, string];
    if (user === '') throw new InputError(`${at}: row ${record.line} has no user: every row names a user id`);
    if (item === '') throw new InputError(`${at}: row ${record.line} has no ${kind}: every row names the ${kind} used`);
    const day = usageDate(when);
    if (day === undefined) {
      throw new InputError(`${at}: \`${escapeControl(when)}\` in column lastUsed of row ${record.line} is not a date: write it YYYY-MM-DD (a time after it, as in 2026-11-02T09:15:00Z, is fine), or leave it empty for no recorded use`);
    }
    let items = byUser.get(user);
    if (!items) {
      items = new Map();
      byUser.set(user, items);
      firstLine.set(user, record.line);
    }
    if (!itemLine.has(item)) itemLine.set(item, record.line);
    const previous = items.get(item);
    if (previous === undefined || compareStrings(day, previous) > 0) items.set(item, day);
  }
  return { path, kind, byUser, firstLine, itemLine, rows: table.records.length };
}

/**
 * The first row (in file order) naming a user the policy does not define, as
 * an InputError to throw; undefined when every user is known.
 */
export function unknownUsageUser(usage: UsageData, model: PolicyModel): InputError | undefined {
  let first: { user: string; line: number } | undefined;
  for (const [user, line] of usage.firstLine) {
    if (model.users.has(user)) continue;
    if (!first || line < first.line) first = { user, line };
  }
  if (!first) return undefined;
  return new InputError(
    `${escapeControl(usage.path)}:${first.line}: user \`${escapeControl(first.user)}\` in row ${first.line} is not defined in the policy: usage must be about the policy's users (remove the row, or fix the id)`,
  );
}

/** Items (roles or permissions) the usage file names that the policy does not declare: how many, and the first in file order. */
export function unknownUsageItems(usage: UsageData, model: PolicyModel): { count: number; first?: { item: string; line: number } } {
  const declared = usage.kind === 'role' ? model.roles : model.permissions;
  let count = 0;
  let first: { item: string; line: number } | undefined;
  for (const [item, line] of usage.itemLine) {
    if (declared.has(item)) continue;
    count++;
    if (!first || line < first.line) first = { item, line };
  }
  return first ? { count, first } : { count };
}

/** The date part of a lastUsed cell, '' for an empty cell, undefined when it is not a date. */
function usageDate(text: string): string | undefined {
  if (text === '') return '';
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/.exec(text);
  return match && isIsoDate(match[1]!) ? match[1] : undefined;
}

function sameCells(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((cell, i) => cell === b[i]);
}

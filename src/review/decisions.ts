import { InputError } from '../stages/load.js';
import { isCsvProblem, readCsv, unneutralise } from '../util/csv.js';
import { escapeControl } from '../util/text.js';
import { reviewColumns, reviewColumnsWithUsage } from './packet-csv.js';

/** A reviewer's decision on one row: keep, revoke, or '' (undecided). */
export type Decision = 'keep' | 'revoke' | '';

/** One row of a returned packet, with where it is (file and line) for messages. */
export interface DecisionRow {
  readonly file: string;
  readonly line: number;
  readonly user: string;
  readonly access: string;
  readonly scope: string;
  readonly via: string;
  readonly expires: string;
  readonly lastReviewed: string;
  readonly decision: Decision;
}

/**
 * Reads a decisions file: a review packet CSV with its `decision` column
 * filled in. The header must be the packet's (`user,access,scope,via,
 * expires,lastReviewed,decision`, optionally `,lastUsed`); a decision is
 * `keep`, `revoke` (any case, surrounding spaces ignored) or empty. Cells
 * neutralised against formula injection are read back as written. Anything
 * else is an InputError naming the file and row. Pure.
 */
export function parseDecisions(text: string, file: string): DecisionRow[] {
  const shown = escapeControl(file);
  const table = readCsv(text);
  if (isCsvProblem(table)) throw new InputError(`${shown}:${table.line}: ${table.message}`);
  const header = table.header.map((h) => h.trim());
  const expected = [reviewColumns, reviewColumnsWithUsage].find((columns) => columns.length === header.length && columns.every((c, i) => c === header[i]));
  if (!expected) {
    throw new InputError(
      `${shown}:1: the header is \`${escapeControl(table.header.join(','))}\`, not a review packet's \`${reviewColumns.join(',')}\`: keep the packet's header and columns as they are, and fill in only \`decision\``,
    );
  }
  const rows: DecisionRow[] = [];
  for (const record of table.records) {
    const at = `${shown}:${record.line}`;
    if (record.cells.length !== expected.length) {
      throw new InputError(`${at}: row ${record.line} has ${record.cells.length} cells, the header has ${expected.length}: keep the packet's columns, and quote cells that hold commas`);
    }
    const [user, access, scope, via, expires, lastReviewed, decision] = record.cells.map((c) => unneutralise(c).trim()) as [string, string, string, string, string, string, string];
    const normalized = decision.toLowerCase();
    if (normalized !== '' && normalized !== 'keep' && normalized !== 'revoke') {
      throw new InputError(`${at}: the decision \`${escapeControl(decision)}\` in row ${record.line} is not \`keep\` or \`revoke\`: write one of them, or leave the cell empty to decide later`);
    }
    rows.push({ file, line: record.line, user, access, scope, via, expires, lastReviewed, decision: normalized });
  }
  return rows;
}

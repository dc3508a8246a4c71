import { CsvError, parse } from 'csv-parse/sync';

/** One record of a CSV file: its cells and the line it starts on (1-based; the row number a spreadsheet shows when no cell holds a line break). */
export interface CsvRecord {
  readonly cells: readonly string[];
  readonly line: number;
}

/** A CSV file read with csv-parse: the header row and the records after it (blank lines skipped). */
export interface CsvTable {
  readonly header: readonly string[];
  readonly records: readonly CsvRecord[];
}

/** Why a text is not readable CSV, at which line. */
export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

/**
 * Reads CSV text (RFC 4180: quoted fields, doubled quotes, line breaks inside
 * quotes, LF or CRLF line ends, a byte-order mark) with csv-parse. The first
 * record is the header. Records may have any number of cells; callers check
 * the count against the header, so the message can name the columns.
 */
export function readCsv(text: string): CsvTable | CsvProblem {
  let parsed: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    parsed = parse(text, {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as typeof parsed;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof (error as { lines?: unknown }).lines === 'number' ? (error as unknown as { lines: number }).lines : 1;
      return { line, message: csvErrorText(error) };
    }
    throw error;
  }
  // Each record's `raw` text, blank lines before it and line break after it included, follows the previous one:
  // counting line breaks along them gives the line each record starts on.
  let line = 1;
  const records = parsed.map((entry) => {
    const leading = /^(?:\r\n|\n|\r)*/.exec(entry.raw)![0];
    const start = line + lineBreaks(leading);
    line += lineBreaks(entry.raw);
    return { cells: entry.record, line: start };
  });
  const [first, ...rest] = records;
  if (!first) return { line: 1, message: 'the file is empty: it needs a header row' };
  return { header: first.cells, records: rest };
}

/** True when `value` is a CsvProblem rather than a table. */
export function isCsvProblem(value: CsvTable | CsvProblem): value is CsvProblem {
  return 'message' in value;
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV cell: neutralised against formula injection (a cell starting with
 * `=`, `+`, `-`, `@`, tab or carriage return gets a leading single quote, as
 * OWASP recommends), then quoted per RFC 4180 when it holds a comma, a quote
 * or a line break.
 */
export function csvCell(value: string): string {
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV line of cells, ending in CRLF as RFC 4180 writes it. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/** Undoes the neutralisation of `csvCell` on a cell read back (`'=x` -> `=x`); other cells are unchanged. */
export function unneutralise(value: string): string {
  return value.startsWith("'") && formulaStart.test(value.slice(1)) ? value.slice(1) : value;
}

function lineBreaks(raw: string): number {
  let count = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 10 || (c === 13 && raw.charCodeAt(i + 1) !== 10)) count++;
  }
  return count;
}

function csvErrorText(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is never closed: a `"` is missing';
    case 'INVALID_OPENING_QUOTE':
      return 'a `"` inside a cell that is not quoted: quote the whole cell and double the `"`';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text follows the closing `"` of a quoted cell: quote the whole cell and double any `"` inside it';
    default:
      return `not valid CSV (${error.message.replace(/[\r\n]+/g, ' ')})`;
  }
}

import { parse, type CsvError, type Info } from 'csv-parse';
import { InputError } from '../stages/load.js';
import type { Cell, MalformedRow, RowSink, TableFileInfo, TableLimits, TextSource } from './table.js';

/**
 * Reads a CSV export with csv-parse: a header row naming the fields, then one
 * record per row. Quoted fields, embedded newlines, a BOM and CRLF line ends
 * are the parser's business. A row with a different number of fields than
 * the header is malformed (reported, skipped); broken quoting or an
 * oversized row stops the read with an InputError naming the line.
 */
export async function readCsvRows(source: TextSource, limits: TableLimits, sink: RowSink): Promise<TableFileInfo> {
  let header: string[] | undefined;
  let rows = 0;
  const malformed: MalformedRow[] = [];
  await readCsvRecords(source, limits, {}, (record, line) => {
    if (header === undefined) {
      header = record.map((name) => name.trim());
      return;
    }
    rows++;
    if (record.length !== header.length) {
      malformed.push({ row: rows, line, reason: `${record.length} fields where the header has ${header.length}` });
      return;
    }
    const cells = new Map<string, Cell>();
    for (let i = 0; i < header.length; i++) cells.set(header[i]!, { value: record[i]! });
    sink({ row: rows, line, cells });
  });
  if (header === undefined) throw new InputError(`\`${source.shown}\` is empty: a CSV export starts with a header row naming the fields (sysparm_export_column_header_label=false)`);
  return { columns: header, rows, malformed };
}

/**
 * Streams the records of a CSV file (no header handling) to `sink` with the
 * line each ends on. `comment` and `trim` are for casbin policy files. Broken
 * quoting or an oversized record is an InputError naming the file and line.
 */
export async function readCsvRecords(source: TextSource, limits: TableLimits, options: { comment?: string; trim?: boolean }, sink: (record: string[], line: number) => void): Promise<void> {
  let failure: unknown;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: limits.maxRowBytes,
    info: true,
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
    ...(options.trim ? { trim: true } : {}),
    // Records are handled here, as they are parsed: nothing is queued on the stream.
    on_record: (({ record, info }: { record: string[]; info: Info }) => {
      if (failure !== undefined) return null;
      try {
        sink(record, info.lines);
      } catch (error) {
        failure = error;
      }
      return null;
    }) as never,
  });
  parser.on('error', () => {
    // Reported through the write and end callbacks.
  });
  const write = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      parser.write(text, (error) => (error ? reject(error) : resolve()));
    });
  try {
    for await (const text of source.chunks()) {
      await write(text);
      if (failure !== undefined) throw failure;
    }
    await new Promise<void>((resolve, reject) => {
      parser.once('error', reject);
      parser.end(() => resolve());
    });
    if (failure !== undefined) throw failure;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(csvErrorText(source.shown, error));
  } finally {
    parser.destroy();
  }
}

function csvErrorText(shown: string, error: unknown): string {
  const csv = error as Partial<CsvError> & { message?: string; lines?: number };
  const line = typeof csv.lines === 'number' ? `:${csv.lines}` : '';
  const what =
    csv.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted field is never closed'
      : csv.code === 'CSV_MAX_RECORD_SIZE'
        ? 'a row is larger than the limit of a row'
        : csv.code === 'CSV_INVALID_CLOSING_QUOTE' || csv.code === 'INVALID_OPENING_QUOTE'
          ? 'a quote appears inside an unquoted field, or text follows a closing quote'
          : (csv.message ?? String(error)).split('\n')[0]!.replace(/^Invalid Record Length: /, '');
  return `\`${shown}${line}\` is not a CSV file rolecall can read: ${what}; export the table again (CSV, UTF-8, header row)`;
}

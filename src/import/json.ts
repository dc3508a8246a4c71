import { JSONParser, TokenType } from '@streamparser/json';
import { InputError } from '../stages/load.js';
import type { Cell, MalformedRow, RowSink, TableFileInfo, TableLimits, TextSource } from './table.js';

/**
 * Reads a JSON export with @streamparser/json, streaming: the document must be
 * an object holding the records in `result` (the Table API) or `records` (a
 * list export with `?JSON`). Each record is handed on as soon as it is
 * parsed and then dropped, so a file is never held twice (nor once). A field
 * may be a plain value or, exported with display values, an object
 * `{ "value", "display_value" }` (`{ "link", "value" }` for a reference).
 */
export async function readJsonRows(source: TextSource, limits: TableLimits, sink: RowSink): Promise<TableFileInfo> {
  const parser = new JSONParser({ paths: ['$.result.*', '$.records.*'], keepStack: false });
  const columns = new Set<string>();
  const malformed: MalformedRow[] = [];
  const topKeys = new Set<string>();
  let rows = 0;
  let failure: unknown;
  let depth = 0;
  let expectKey = false;
  let first = true;
  let sinceRecord = 0;
  let errorMessage: string | undefined;
  parser.onToken = ({ token, value }) => {
    if (first) {
      first = false;
      if (token !== TokenType.LEFT_BRACE) throw new InputError(`\`${source.shown}\` is not an export rolecall reads: expected a JSON object with a \`result\` or \`records\` array`);
    }
    switch (token) {
      case TokenType.LEFT_BRACE:
        depth++;
        expectKey = depth === 1;
        break;
      case TokenType.LEFT_BRACKET:
        depth++;
        expectKey = false;
        break;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        depth--;
        break;
      case TokenType.COMMA:
        expectKey = depth === 1;
        break;
      case TokenType.STRING:
        if (expectKey) {
          topKeys.add(value as string);
          expectKey = false;
        }
        break;
      default:
        break;
    }
  };
  parser.onValue = ({ value, key, stack }) => {
    sinceRecord = 0;
    const index = typeof key === 'number' ? key + 1 : rows + 1;
    rows++;
    if (stack.length !== 2) return;
    try {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        malformed.push({ row: index, reason: `record ${index} is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object` });
        return;
      }
      const cells = new Map<string, Cell>();
      for (const field of Object.keys(value)) {
        columns.add(field);
        cells.set(field, toCell((value as Record<string, unknown>)[field]));
      }
      sink({ row: index, cells });
    } catch (error) {
      failure ??= error;
    }
  };
  parser.onError = (error) => {
    errorMessage ??= error.message;
  };
  for await (const text of source.chunks()) {
    if (parser.isEnded) {
      if (text.trim() !== '') throw new InputError(`\`${source.shown}\` holds more after the end of its JSON document: export one table per file`);
      continue;
    }
    try {
      parser.write(text);
    } catch (error) {
      if (error instanceof InputError) throw error;
      errorMessage ??= (error as Error).message;
    }
    if (failure !== undefined) throw failure;
    if (errorMessage !== undefined) throw new InputError(jsonErrorText(source.shown, rows, errorMessage));
    sinceRecord += text.length;
    if (sinceRecord > limits.maxRowBytes + (1 << 20)) {
      throw new InputError(`\`${source.shown}\` record ${rows + 1} is larger than the limit of a row (${limits.maxRowBytes.toLocaleString('en-US')} bytes): this is not a table export`);
    }
  }
  if (!parser.isEnded) {
    try {
      parser.end();
    } catch (error) {
      errorMessage ??= (error as Error).message;
    }
  }
  if (failure !== undefined) throw failure;
  if (errorMessage !== undefined) throw new InputError(jsonErrorText(source.shown, rows, errorMessage));
  if (first) throw new InputError(`\`${source.shown}\` is empty: expected a JSON object with a \`result\` or \`records\` array`);
  if (!topKeys.has('result') && !topKeys.has('records')) {
    const hint = topKeys.has('error') ? ' (it holds an `error`: the export request failed; see its message in the file)' : '';
    throw new InputError(`\`${source.shown}\` has no \`result\` or \`records\` array${hint}: save the Table API response (\`{"result": [...]}\`) or a list export with ?JSON`);
  }
  return { columns: [...columns], rows, malformed };
}

function toCell(raw: unknown): Cell {
  if (raw === null || raw === undefined) return { value: '' };
  if (typeof raw === 'string') return { value: raw };
  if (typeof raw === 'number' || typeof raw === 'boolean') return { value: String(raw) };
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const object = raw as Record<string, unknown>;
    const value = scalarText(object['value']);
    const display = scalarText(object['display_value']);
    if (value !== undefined || display !== undefined) return display !== undefined ? { value: value ?? '', display } : { value: value ?? '' };
  }
  return { value: JSON.stringify(raw) };
}

function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

function jsonErrorText(shown: string, rows: number, message: string): string {
  const detail = message.split('\n')[0]!.replace(/^Unexpected "(.*?)" at position "(\d+)" in state \w+$/, 'unexpected `$1` at byte $2');
  return `\`${shown}\` is not valid JSON (after record ${rows}): ${detail}; export the table again`;
}

import { createHash, type Hash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { InputError } from '../stages/load.js';
import { readCsvRows } from './csv.js';
import { readJsonRows } from './json.js';

/** One cell of an exported row: the stored value, and the display value when the export carried both. */
export interface Cell {
  readonly value: string;
  readonly display?: string;
}

/** One data row of an exported table, numbered from 1 (the CSV header is not a row). */
export interface TableRow {
  readonly row: number;
  /** The line of the file the row ends on (CSV only). */
  readonly line?: number;
  readonly cells: ReadonlyMap<string, Cell>;
}

/** A row the reader could not use (a CSV row with the wrong number of fields, a JSON record that is not an object). */
export interface MalformedRow {
  readonly row: number;
  readonly line?: number;
  readonly reason: string;
}

/** What reading one table file gave, apart from its rows. */
export interface TableFileInfo {
  /** Column names in the order first seen (the CSV header, or the keys of JSON records). */
  readonly columns: readonly string[];
  readonly rows: number;
  readonly malformed: readonly MalformedRow[];
}

/** Limits on one exported file (docs/import.md). */
export interface TableLimits {
  /** Largest file read, in bytes; a larger one is refused with one line. */
  readonly maxFileBytes: number;
  /** Largest single row or record, in bytes. */
  readonly maxRowBytes: number;
}

/** Default limits: 1 GiB a file, 1 MiB a row. */
export const defaultTableLimits: TableLimits = { maxFileBytes: 1024 * 1024 * 1024, maxRowBytes: 1024 * 1024 };

/** How a reader reports rows. */
export type RowSink = (row: TableRow) => void;

/** One decoded piece of a file, and the hash the bytes go into. */
export interface TextSource {
  /** The file as the user named it, for messages. */
  readonly shown: string;
  /** Yields the file's text in pieces, decoded as strict UTF-8 (a BOM is kept for the parser to drop). */
  chunks(): AsyncIterable<string>;
}

/**
 * Reads one exported table file (`.csv` with a header row, or `.json` as the
 * Table API or a JSON list export returns it), streaming: rows go to `sink`
 * as they are parsed and the file is never held whole. Bytes are hashed into
 * `hash` when given. A file that cannot be read as a table at all (too large,
 * not UTF-8, broken CSV quoting, not JSON) is an InputError naming the file
 * and the row.
 */
export async function readTableFile(file: string, shown: string, limits: TableLimits, sink: RowSink, hash?: Hash): Promise<TableFileInfo> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new InputError(`cannot read \`${shown}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (size > limits.maxFileBytes) {
    throw new InputError(
      `\`${shown}\` is ${formatBytes(size)}, over the limit of ${formatBytes(limits.maxFileBytes)} a file: export the table in pages (docs/import.md) or raise --max-file-bytes`,
    );
  }
  const source = textSource(file, shown, hash);
  return file.toLowerCase().endsWith('.json') ? readJsonRows(source, limits, sink) : readCsvRows(source, limits, sink);
}

/** A file read as strict UTF-8 text in pieces, its bytes hashed into `hash` when given. */
export function textSource(file: string, shown: string, hash?: Hash): TextSource {
  return { shown, chunks: () => decodedChunks(file, shown, hash) };
}

async function* decodedChunks(file: string, shown: string, hash: Hash | undefined): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let offset = 0;
  let stream;
  try {
    stream = createReadStream(file, { highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash?.update(chunk);
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new InputError(`\`${shown}\` is not UTF-8 text (a byte near offset ${offset + invalidUtf8Offset(chunk)} is not valid UTF-8): export it again as UTF-8, or convert it (iconv -f WINDOWS-1252 -t UTF-8)`);
      }
      offset += chunk.length;
      if (text !== '') yield text;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      throw new InputError(`\`${shown}\` is not UTF-8 text (it ends in the middle of a character): export it again as UTF-8`);
    }
    if (rest !== '') yield rest;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read \`${shown}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  } finally {
    stream?.destroy();
  }
}

/** The offset of the first byte of `bytes` that breaks UTF-8 (an estimate at chunk borders). */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest prefix that decodes (streaming, so a split character at the end is fine).
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** `1.5 GiB`, `12 MiB`, `800 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}

/** A fresh sha256 over the files of an export. */
export function newDigest(): Hash {
  return createHash('sha256');
}

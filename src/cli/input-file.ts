import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { escapeControl } from '../util/text.js';
import { InputError } from '../stages/load.js';

/**
 * Reads a UTF-8 text file named on the command line (a usage export, a
 * decisions file): a regular file of at most `maxBytes`, valid UTF-8, no NUL
 * bytes; a byte-order mark is dropped. Anything else is one InputError line
 * that says what to do.
 */
export function readInputFile(file: string, cwd: string, what: string, maxBytes: number): string {
  const shown = `\`${escapeControl(file)}\``;
  const absolute = path.resolve(cwd, file);
  let size: number;
  try {
    const stat = statSync(absolute);
    if (stat.isDirectory()) throw new InputError(`${what} ${shown} is a directory: pass the CSV file`);
    if (!stat.isFile()) throw new InputError(`${what} ${shown} is not a regular file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${what} ${shown} does not exist or cannot be read`);
  }
  if (size > maxBytes) throw new InputError(`${what} ${shown} is ${size} bytes, more than the limit of ${maxBytes} (--max-total-bytes)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    throw new InputError(`${what} ${shown} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (bytes.includes(0)) throw new InputError(`${what} ${shown} is a binary file (it contains NUL bytes): export it as CSV text`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${what} ${shown} is not valid UTF-8 text: save it as "CSV UTF-8"`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

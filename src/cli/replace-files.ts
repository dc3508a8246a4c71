import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { UsageError } from './io.js';

/** One file to replace: its path, the text it must still have, and its new text. */
export interface Replacement {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/**
 * Replaces several files as one unit: every new text is written to a
 * temporary sibling and flushed first, then the temporaries are renamed over
 * the files. A file that changed on disk since it was read stops everything
 * before anything is replaced; a rename that fails puts back the files
 * already replaced. Either all files change or none does. Links are
 * followed: the file they point to is replaced, the link stays.
 */
export function replaceFiles(replacements: readonly Replacement[]): void {
  const targets = replacements.map((r) => {
    const real = resolveTarget(r.path);
    const current = readTextSafe(real);
    // The policy is read without its byte-order mark; a file that had one keeps it.
    const bom = current?.startsWith('\ufeff') ? '\ufeff' : '';
    if (current === undefined || current.slice(bom.length) !== r.before) throw new UsageError(`\`${r.path}\` changed on disk while the decisions were being applied: nothing was changed; run the command again`);
    return { ...r, real, before: bom + r.before, after: bom + r.after };
  });
  const temps: string[] = [];
  try {
    for (const t of targets) {
      const temp = `${t.real}.rolecall-tmp-${process.pid}`;
      writeDurably(temp, t.after, statSync(t.real).mode);
      temps.push(temp);
    }
  } catch (error) {
    for (const temp of temps) rmSync(temp, { force: true });
    throw fileError(error, 'nothing was changed');
  }
  const done: typeof targets = [];
  try {
    targets.forEach((t, i) => {
      renameSync(temps[i]!, t.real);
      done.push(t);
    });
  } catch (error) {
    const notRestored: string[] = [];
    for (const t of done) {
      try {
        const temp = `${t.real}.rolecall-restore-${process.pid}`;
        writeDurably(temp, t.before, statSync(t.real).mode);
        renameSync(temp, t.real);
      } catch {
        notRestored.push(t.path);
      }
    }
    for (const temp of temps) rmSync(temp, { force: true });
    throw fileError(error, notRestored.length === 0 ? 'the files already replaced were put back; nothing was changed' : `these files could not be put back and hold the decisions: ${notRestored.join(', ')}`);
  }
}

function resolveTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    throw new UsageError(`\`${file}\` cannot be read any more: nothing was changed`);
  }
}

function readTextSafe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function writeDurably(file: string, text: string, mode: number): void {
  const fd = openSync(file, 'wx', mode & 0o777);
  try {
    let bytes = Buffer.from(text, 'utf8');
    while (bytes.length > 0) bytes = bytes.subarray(writeSync(fd, bytes));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fileError(error: unknown, consequence: string): Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string') return error as Error;
  const where = (error as NodeJS.ErrnoException).path;
  return new UsageError(`cannot write the policy files: ${code}${where ? ` (${where})` : ''}; ${consequence}`);
}

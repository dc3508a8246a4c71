import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './io.js';

/** A file to write: its name and its content in chunks. */
export interface OutputFile {
  readonly name: string;
  readonly chunks: Iterable<string>;
}

const lockSuffix = '.rolecall-lock';
const backupSuffix = '.rolecall-previous';
const tempMarker = '.rolecall-tmp-';

/**
 * Writes a set of files as one unit: everything goes into a fresh sibling
 * directory, which then replaces `outDir` by rename. Readers see either the
 * previous complete set or the new complete set, never half a file. A lock
 * keeps two writers from interleaving; a backup left by an interrupted swap is
 * restored by the next run.
 *
 * `outDir` is owned by rolecall: an existing directory is only replaced when
 * it holds nothing but files rolecall writes (`allowedNames`).
 */
export function writeAtomically(outDir: string, files: readonly OutputFile[], allowedNames: ReadonlySet<string>): void {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  const release = acquireLock(target);
  try {
    recoverInterruptedSwap(target);
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new UsageError(`--out \`${outDir}\` is a file: pass a directory`);
      const foreign = readdirSync(target).filter((name) => !allowedNames.has(name));
      if (foreign.length > 0) {
        throw new UsageError(`--out \`${outDir}\` holds files rolecall did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); its contents are replaced on every compile, so choose an empty or dedicated directory`);
      }
    }
    const temp = path.join(parent, `${path.basename(target)}${tempMarker}${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(temp);
    try {
      for (const file of files) writeChunks(path.join(temp, file.name), file.chunks);
      const backup = target + backupSuffix;
      if (existsSync(target)) renameSync(target, backup);
      renameSync(temp, target);
      rmSync(backup, { recursive: true, force: true });
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  } finally {
    release();
  }
}

/** Restores the previous artifacts when a swap was interrupted between its two renames. */
export function recoverInterruptedSwap(target: string): void {
  const backup = target + backupSuffix;
  if (!existsSync(backup)) return;
  if (existsSync(target)) rmSync(backup, { recursive: true, force: true });
  else renameSync(backup, target);
}

function writeChunks(file: string, chunks: Iterable<string>): void {
  const fd = openSync(file, 'wx');
  try {
    let buffer: string[] = [];
    let size = 0;
    const flush = (): void => {
      if (buffer.length === 0) return;
      writeSync(fd, buffer.join(''));
      buffer = [];
      size = 0;
    };
    for (const chunk of chunks) {
      buffer.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) flush();
    }
    flush();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function acquireLock(target: string): () => void {
  const lock = target + lockSuffix;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(safeRead(lock));
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      rmSync(lock, { force: true }); // stale: its writer is gone
      continue;
    }
    if (Date.now() > deadline) throw new UsageError(`another rolecall (pid ${holder}) is writing to \`${target}\`; try again when it has finished`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Names of files in `dir` whose content differs from `files`, plus missing and extra ones. */
export function compareWithDirectory(dir: string, files: readonly OutputFile[]): { changed: string[]; missing: string[]; extra: string[] } {
  const changed: string[] = [];
  const missing: string[] = [];
  const expected = new Set(files.map((f) => f.name));
  for (const file of files) {
    const target = path.join(dir, file.name);
    if (!existsSync(target)) {
      missing.push(file.name);
      continue;
    }
    const actual = readFileSync(target, 'utf8');
    let offset = 0;
    let same = true;
    for (const chunk of file.chunks) {
      if (actual.length < offset + chunk.length || actual.slice(offset, offset + chunk.length) !== chunk) {
        same = false;
        break;
      }
      offset += chunk.length;
    }
    if (!same || offset !== actual.length) changed.push(file.name);
  }
  const extra = existsSync(dir) ? readdirSync(dir).filter((name) => !expected.has(name)) : [];
  return { changed, missing, extra };
}

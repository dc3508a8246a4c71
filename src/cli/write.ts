import { close, closeSync, existsSync, fsync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './io.js';

/** A file to write: its name and its content in chunks. */
export interface OutputFile {
  readonly name: string;
  /** Text or UTF-8 byte chunks, written in order. */
  readonly chunks: Iterable<string | Uint8Array>;
  /**
   * Writes the same content to `file` elsewhere (on a worker thread), while
   * the other files are written here; `chunks` is then not read.
   */
  readonly writeTo?: (file: string) => Promise<void>;
}

const lockSuffix = '.rolecall-lock';
const backupSuffix = '.rolecall-previous';
const tempMarker = '.rolecall-tmp-';
/** A lock file still empty after this long belongs to a writer that died before writing its pid. */
const emptyLockGraceMs = 2_000;

/**
 * Writes a set of files as one unit: everything goes into a fresh sibling
 * directory, which then replaces `outDir` by rename. Readers see either the
 * previous complete set or the new complete set, never half a file. A lock
 * keeps two writers from interleaving; a backup left by an interrupted swap is
 * restored by the next run, and temporary directories of killed runs are
 * removed.
 *
 * `outDir` is owned by rolecall: an existing directory is only replaced when
 * it holds nothing but regular files rolecall writes (`allowedNames`).
 * Nothing is written outside `outDir` except its siblings
 * `<out>.rolecall-lock`, `<out>.rolecall-tmp-*` and `<out>.rolecall-previous`.
 * A file-system error (permissions, a full disk) is a user error, not a crash.
 */
export async function writeAtomically(outDir: string, files: readonly OutputFile[], allowedNames: ReadonlySet<string>): Promise<void> {
  try {
    await writeUnderLock(outDir, files, allowedNames);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (error instanceof UsageError || typeof code !== 'string') throw error;
    const where = (error as NodeJS.ErrnoException).path;
    throw new UsageError(`cannot write the artifacts to \`${outDir}\`: ${fileErrorText(code)}${where ? ` (${where})` : ''}`);
  }
}

async function writeUnderLock(outDir: string, files: readonly OutputFile[], allowedNames: ReadonlySet<string>): Promise<void> {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  const release = acquireLock(target);
  try {
    recoverInterruptedSwap(target);
    removeStaleTemporaries(target);
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new UsageError(`--out \`${outDir}\` is a file: pass a directory`);
      const foreign = readdirSync(target).filter((name) => !allowedNames.has(name) || !lstatSync(path.join(target, name)).isFile());
      if (foreign.length > 0) {
        throw new UsageError(`--out \`${outDir}\` holds files rolecall did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); its contents are replaced on every compile, so choose an empty or dedicated directory`);
      }
    }
    const temp = path.join(parent, `${path.basename(target)}${tempMarker}${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(temp);
    try {
      // Files written elsewhere (a worker) start first; all of them are complete before the swap.
      const pending = files.filter((file) => file.writeTo).map((file) => file.writeTo!(path.join(temp, file.name)));
      try {
        for (const file of files) if (!file.writeTo) pending.push(writeChunks(path.join(temp, file.name), file.chunks));
      } finally {
        // Never remove the directory under a writer that is still running.
        const failed = (await Promise.allSettled(pending)).find((outcome) => outcome.status === 'rejected');
        if (failed) throw failed.reason;
      }
      syncDirectory(temp);
      const backup = target + backupSuffix;
      if (existsSync(target)) renameSync(target, backup);
      renameSync(temp, target);
      syncDirectory(parent);
      rmSync(backup, { recursive: true, force: true });
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  } finally {
    release();
  }
}

/** Restores the previous artifacts when a swap was interrupted between its two renames. Call it holding the lock. */
export function recoverInterruptedSwap(target: string): void {
  const backup = target + backupSuffix;
  if (!existsSync(backup)) return;
  if (existsSync(target)) rmSync(backup, { recursive: true, force: true });
  else renameSync(backup, target);
}

/** Removes the temporary directories of writers that were killed (holding the lock, no other writer can own one). */
function removeStaleTemporaries(target: string): void {
  const parent = path.dirname(target);
  const prefix = path.basename(target) + tempMarker;
  for (const name of readdirSync(parent)) {
    if (name.startsWith(prefix)) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** Flushes a directory's entries to disk where the platform allows it (not on Windows). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort: renames are still atomic, only durability across a power loss is weaker.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes chunks to a new file (`wx`), then flushes it to disk on the thread
 * pool: the returned promise settles once the data is durable and the file
 * closed, so the next file is built while the disk catches up.
 */
export function writeChunks(file: string, chunks: Iterable<string | Uint8Array>): Promise<void> {
  const fd = openSync(file, 'wx');
  try {
    let buffer: string[] = [];
    let size = 0;
    const flush = (): void => {
      if (buffer.length === 0) return;
      writeAll(fd, buffer.join(''));
      buffer = [];
      size = 0;
    };
    for (const chunk of chunks) {
      if (typeof chunk !== 'string') {
        flush();
        writeAll(fd, chunk);
        continue;
      }
      buffer.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) flush();
    }
    flush();
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return syncAndClose(fd);
}

/** Flushes `fd` to disk and closes it, on the thread pool; settles when both are done. */
export function syncAndClose(fd: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    fsync(fd, (syncError) => {
      close(fd, (closeError) => {
        const error = syncError ?? closeError;
        if (error) reject(error);
        else resolve();
      });
    });
  });
}

/** Writes all of `data` (writeSync may write less than asked). */
export function writeAll(fd: number, data: string | Uint8Array): void {
  let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  while (bytes.length > 0) {
    const written = writeSync(fd, bytes);
    bytes = bytes.subarray(written);
  }
}

function acquireLock(target: string): () => void {
  const lock = target + lockSuffix;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (tryCreate(lock)) return () => releaseLock(lock);
    const holder = lockHolder(lock);
    if (holder === 'gone') {
      if (breakStaleLock(lock)) continue;
    } else if (holder !== 'missing' && Date.now() > deadline) {
      throw new UsageError(`another rolecall (${holder === 'starting' ? 'just starting' : `pid ${holder}`}) is writing to \`${target}\`; try again when it has finished`);
    }
    if (holder !== 'missing') sleep(50);
  }
}

/** Creates `file` holding this process's pid; false when it already exists. */
function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Who holds a lock file: a live pid; `starting` while its creator has not yet
 * written its pid; `gone` when the holder is dead or the file was abandoned
 * empty; `missing` when there is no lock.
 */
function lockHolder(file: string): number | 'starting' | 'gone' | 'missing' {
  let text: string;
  let age: number;
  try {
    text = readFileSync(file, 'utf8');
    age = Date.now() - statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  const pid = Number(text);
  if (text === '' || !Number.isInteger(pid) || pid <= 0) return age > emptyLockGraceMs ? 'gone' : 'starting';
  // Our own pid in a lock we do not hold is a leftover of an earlier process that had the same pid.
  return pid === process.pid || !isAlive(pid) ? 'gone' : pid;
}

/** Removes a lock whose holder is gone, re-checking under the breaker lock; false when another waiter is breaking it. */
function breakStaleLock(lock: string): boolean {
  const breaker = lock + '.break';
  if (!tryCreate(breaker)) {
    if (lockHolder(breaker) === 'gone') rmSync(breaker, { force: true });
    return false;
  }
  try {
    if (lockHolder(lock) === 'gone') rmSync(lock, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
  return true;
}

/** Removes the lock if it is still ours. */
function releaseLock(lock: string): void {
  if (safeRead(lock) === String(process.pid)) rmSync(lock, { force: true });
}

function sleep(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
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

function fileErrorText(code: string): string {
  const texts: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a part of the path is a file, not a directory',
    EEXIST: 'a file is in the way',
    ENAMETOOLONG: 'the path is too long',
    EISDIR: 'a directory is in the way',
    EXDEV: 'the directory is on another device than its parent',
  };
  return texts[code] ?? code;
}

/**
 * Names of files in `dir` whose content differs from `files`, plus missing and
 * extra ones. Anything but a regular file in place of an artifact counts as
 * changed; `dir` being a file, or unreadable, is a user error.
 */
export function compareWithDirectory(dir: string, files: readonly OutputFile[]): { changed: string[]; missing: string[]; extra: string[] } {
  try {
    return compare(dir, files);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (error instanceof UsageError || typeof code !== 'string') throw error;
    throw new UsageError(`cannot read the artifacts in \`${dir}\`: ${fileErrorText(code)}`);
  }
}

function compare(dir: string, files: readonly OutputFile[]): { changed: string[]; missing: string[]; extra: string[] } {
  const changed: string[] = [];
  const missing: string[] = [];
  const expected = new Set(files.map((f) => f.name));
  const exists = existsSync(dir);
  if (exists && !statSync(dir).isDirectory()) throw new UsageError(`--out \`${dir}\` is a file: pass the directory that holds the artifacts`);
  for (const file of files) {
    const target = path.join(dir, file.name);
    if (!existsSync(target)) {
      missing.push(file.name);
      continue;
    }
    if (!lstatSync(target).isFile()) {
      changed.push(file.name);
      continue;
    }
    const actual = readFileSync(target);
    let offset = 0;
    let same = true;
    for (const chunk of file.chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (actual.length < offset + bytes.length || Buffer.compare(actual.subarray(offset, offset + bytes.length), bytes) !== 0) {
        same = false;
        break;
      }
      offset += bytes.length;
    }
    if (!same || offset !== actual.length) changed.push(file.name);
  }
  const extra = exists ? readdirSync(dir).filter((name) => !expected.has(name)) : [];
  return { changed, missing, extra };
}

/**
 * Writes one text file through a temporary sibling and a rename: a reader
 * never sees half a file. File-system errors become one-line user errors.
 */
export function writeFileAtomically(file: string, text: string): void {
  const temp = `${file}.rolecall-tmp-${process.pid}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing to clean up where the directory itself could not be made
    }
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string') throw error;
    throw new UsageError(`cannot write \`${file}\`: ${fileErrorText(code)}`);
  }
}

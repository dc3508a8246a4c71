import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../model/source.js';
import { compareStrings } from '../model/diagnostic.js';
import { escapeControl } from '../util/text.js';

/** Limits on what the loader reads (documented in docs/security.md). */
export interface LoadLimits {
  /** Largest single policy file, in bytes. */
  readonly maxFileBytes: number;
  /** Largest policy in total, in bytes. */
  readonly maxTotalBytes: number;
  /** Most policy files. */
  readonly maxFiles: number;
}

/** Default load limits. */
export const defaultLoadLimits: LoadLimits = { maxFileBytes: 32 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024, maxFiles: 20_000 };

/** A file the loader could not or would not read; reported as a finding on that file. */
export interface LoadProblem {
  readonly file: SourceFile;
  readonly message: string;
}

/** The policy's files in sorted path order, and the files that were refused. */
export interface LoadedPolicy {
  readonly files: SourceFile[];
  readonly problems: LoadProblem[];
}

/** Thrown for input that cannot be a policy at all (missing directory): a usage error, exit 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** True when `name` is a policy file name (`*.yaml`, `*.yml`). */
export function isPolicyFileName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/** How a path is shown to users: relative to `cwd` when below it, with POSIX separators. */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  const shown = relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
  return escapeControl(shown.split(path.sep).join('/'));
}

/**
 * Reads every `*.yaml` / `*.yml` below `dir`, recursively, in sorted path order.
 * Never follows a link out of the directory, never reads binary content as text,
 * and turns every unreadable file into a problem rather than an exception.
 */
export function loadPolicyDirectory(dir: string, options: { cwd: string; limits?: LoadLimits }): LoadedPolicy {
  const limits = options.limits ?? defaultLoadLimits;
  const root = path.resolve(options.cwd, dir);
  let rootStat: Stats;
  try {
    rootStat = statSync(root);
  } catch {
    throw new InputError(`policy directory \`${dir}\` does not exist`);
  }
  if (!rootStat.isDirectory()) throw new InputError(`\`${dir}\` is not a directory: pass the directory that holds the policy files`);
  const realRoot = realpathSync(root);
  const files: SourceFile[] = [];
  const problems: LoadProblem[] = [];
  let total = 0;
  const visited = new Set<string>([realRoot]);
  const refuse = (absolute: string, message: string): void => {
    problems.push({ file: { path: escapeControls(displayPath(absolute, options.cwd)), text: '' }, message });
  };

  const walk = (absDir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(absDir).sort(compareStrings);
    } catch (error) {
      refuse(absDir, `cannot read directory: ${errorText(error)}`);
      return;
    }
    for (const name of entries) {
      const absolute = path.join(absDir, name);
      if (unsafeNameCharacter.test(name)) {
        // A name like `a\n::error::b.yaml` would forge lines in terminals and CI logs wherever it is printed.
        if (isPolicyFileName(name) || statSafe(absolute)?.isDirectory()) {
          refuse(absolute, loadMessages.unsafeName);
        }
        continue;
      }
      let stat: Stats;
      try {
        stat = lstatSync(absolute);
      } catch (error) {
        refuse(absolute, `cannot read: ${errorText(error)}`);
        continue;
      }
      let target = absolute;
      if (stat.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(absolute);
        } catch {
          if (isPolicyFileName(name)) refuse(absolute, loadMessages.brokenLink);
          continue;
        }
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
          if (isPolicyFileName(name) || statSafe(real)?.isDirectory()) {
            refuse(absolute, loadMessages.outsideLink);
          }
          continue;
        }
        target = real;
        const targetStat = statSafe(real);
        if (!targetStat) continue;
        stat = targetStat;
      }
      if (stat.isDirectory()) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        const real = safeRealpath(target);
        if (visited.has(real)) continue;
        visited.add(real);
        if (isPolicyFileName(name)) {
          refuse(absolute, 'is a directory, not a policy file: rename it so it does not end in .yaml');
        }
        walk(absolute);
        continue;
      }
      if (!isPolicyFileName(name)) continue;
      if (!stat.isFile()) {
        refuse(absolute, 'is not a regular file (a device, socket or pipe): policy files must be plain files');
        continue;
      }
      if (files.length >= limits.maxFiles) {
        refuse(absolute, `more than ${limits.maxFiles} policy files: split the policy or check the directory`);
        continue;
      }
      if (stat.size > limits.maxFileBytes) {
        refuse(absolute, `file is ${stat.size} bytes, over the limit of ${limits.maxFileBytes}: split it, or raise --max-file-bytes`);
        continue;
      }
      if (total + stat.size > limits.maxTotalBytes) {
        refuse(absolute, `the policy exceeds ${limits.maxTotalBytes} bytes in total: raise --max-total-bytes if this is intended`);
        continue;
      }
      const read = readRegularFile(target, Math.min(limits.maxFileBytes, limits.maxTotalBytes - total));
      if (!(read instanceof Uint8Array)) {
        refuse(absolute, read.problem);
        continue;
      }
      const bytes = read;
      total += bytes.length;
      const decoded = decodeText(bytes);
      if (typeof decoded !== 'string') {
        refuse(absolute, decoded.problem);
        continue;
      }
      files.push({ path: displayPath(absolute, options.cwd), text: decoded });
    }
  };
  walk(root);
  return { files, problems };
}

/** True when a file or directory name holds a character that could forge lines in terminals and CI logs. */
export function hasUnsafeNameCharacter(name: string): boolean {
  return unsafeNameCharacter.test(name);
}

/** The loader's messages for links and names, shared with the git-base reader. */
export const loadMessages = {
  unsafeName: 'has control or bidirectional-text characters in its name and was not read: rename it',
  brokenLink: 'broken symbolic link: remove it or point it at a file inside the policy directory',
  outsideLink: 'symbolic link leads outside the policy directory and was not read: copy the file into the policy directory instead',
} as const;

/** C0 and C1 control characters, DEL, line and paragraph separators, and bidirectional-text controls. */
const unsafeNameCharacter = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/** Characters YAML 1.2 does not allow in a stream (§5.1): controls other than tab, LF, CR and NEL, and U+FFFE / U+FFFF. */
const nonPrintable = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/** Bidirectional embedding, override and isolate controls ("Trojan Source"): a reviewer would not see what the line says. */
const bidiControl = /[\u202a-\u202e\u2066-\u2069]/;

/** `text` with control and bidirectional-text characters written as escapes (`\n`, `\u001b`), so it prints as one inert line. */
export function escapeControls(text: string): string {
  return text.replace(new RegExp(unsafeNameCharacter.source, 'g'), (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * Reads a regular file through one descriptor, never more than `maxBytes`:
 * opened without following a link and without blocking (a pipe swapped in
 * after the directory was listed cannot hang the loader), checked to be a
 * regular file on the descriptor itself, and read up to its size.
 */
function readRegularFile(file: string, maxBytes: number): Uint8Array | { problem: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { problem: 'became a symbolic link while it was being read, and was not read' };
    return { problem: `cannot read: ${errorText(error)}` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: 'is not a regular file (a device, socket or pipe): policy files must be plain files' };
    const over = { problem: `file is over the limit of ${maxBytes} bytes: split it, or raise --max-file-bytes / --max-total-bytes` };
    if (stat.size > maxBytes) return over;
    const buffer = Buffer.alloc(Math.min(stat.size + 1, maxBytes + 1));
    let length = 0;
    for (;;) {
      // One byte more than the size was asked for: getting it means the file grew while it was read.
      if (length === buffer.length) return length > maxBytes ? over : { problem: 'changed while it was being read: run again' };
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.subarray(0, length);
      length += n;
    }
  } catch (error) {
    return { problem: `cannot read: ${errorText(error)}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Decodes a policy file: UTF-8 only (a BOM is dropped); binary or mis-encoded
 * content, and control characters YAML does not allow, are a problem, never
 * text (a raw escape character would reach terminals and CI logs in code frames).
 */
export function decodeText(bytes: Uint8Array): string | { problem: string } {
  const probe = Math.min(bytes.length, 8192);
  for (let i = 0; i < probe; i++) {
    if (bytes[i] === 0) return { problem: 'binary file (it contains NUL bytes): policy files are UTF-8 text' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'not valid UTF-8 text: save the file as UTF-8' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) return { problem: 'binary file (it contains NUL bytes): policy files are UTF-8 text' };
  const control = nonPrintable.exec(text);
  if (control) {
    const code = codePoint(control[0]);
    return { problem: `contains the control character ${code} at ${lineAndColumn(text, control.index)}, which YAML does not allow: remove it (write \`\\u${code.slice(2).toLowerCase()}\` inside a double-quoted string if it is meant)` };
  }
  const breakLike = /\r(?!\n)|[\u2028\u2029]/.exec(text);
  if (breakLike) {
    const where = lineAndColumn(text, breakLike.index);
    if (breakLike[0] === '\r') return { problem: `contains a carriage return without a line feed at ${where}: YAML reads it as a line break, diffs and line numbers do not; end lines with LF or CRLF` };
    const code = codePoint(breakLike[0]);
    return { problem: `contains the ${code === 'U+2028' ? 'line' : 'paragraph'} separator ${code} at ${where}: editors may show it as a line break, YAML does not; remove it (write \`\\u${code.slice(2).toLowerCase()}\` inside a double-quoted string if it is meant)` };
  }
  const bidi = bidiControl.exec(text);
  if (bidi) {
    return { problem: `contains the bidirectional-text control ${codePoint(bidi[0])} at ${lineAndColumn(text, bidi.index)}, which can make a line display differently from what it says: remove it` };
  }
  return text;
}

/** `U+001B`. */
function codePoint(character: string): string {
  return `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `line 3, column 15` of an offset (lines end at LF). */
function lineAndColumn(text: string, index: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${index - lineStart + 1}`;
}

function statSafe(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOENT') return 'no such file';
  return code ?? 'unknown error';
}

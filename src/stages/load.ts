import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../model/source.js';
import { compareStrings } from '../model/diagnostic.js';

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
  return shown.split(path.sep).join('/');
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
    problems.push({ file: { path: displayPath(absolute, options.cwd), text: '' }, message });
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
          if (isPolicyFileName(name)) refuse(absolute, 'broken symbolic link: remove it or point it at a file inside the policy directory');
          continue;
        }
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
          if (isPolicyFileName(name) || statSafe(real)?.isDirectory()) {
            refuse(absolute, 'symbolic link leads outside the policy directory and was not read: copy the file into the policy directory instead');
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
      let bytes: Buffer;
      try {
        bytes = readFileSync(target);
      } catch (error) {
        refuse(absolute, `cannot read: ${errorText(error)}`);
        continue;
      }
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

/**
 * Decodes a policy file: UTF-8 only (a BOM is dropped); binary or mis-encoded
 * content is a problem, never text.
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
  return text;
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

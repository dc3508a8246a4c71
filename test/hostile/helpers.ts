import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from '../helpers/cli.js';

/** The built CLI that `npm test` builds first (`pretest`). */
export const binary = path.join(root, 'bin/rolecall.js');

/**
 * Builds lib/ when a source file is newer than its build (watch mode): the
 * binary runs the built code, and `npm test` builds only once, before the run.
 */
export function ensureBuilt(): void {
  const stale = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const source = path.join(dir, entry.name);
      if (entry.isDirectory()) return stale(source);
      if (!entry.name.endsWith('.ts')) return false;
      const built = path.join(root, 'lib', path.relative(root, source)).replace(/\.ts$/, '.js');
      try {
        return statSync(built).mtimeMs < statSync(source).mtimeMs;
      } catch {
        return true;
      }
    });
  if (!stale(path.join(root, 'src'))) return;
  spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'ignore', timeout: 300_000 });
}

/** True when the tests run as root, where file permissions do not stop reads. */
export const isRoot = process.getuid?.() === 0;

/** The uid/gid of `nobody`, used to test permission errors when running as root. */
export const nobody = { uid: 65534, gid: 65534 };

/** A fresh temporary directory, removed by `cleanup`. */
export function tempDir(prefix: string, made: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rolecall-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every directory in `made`. */
export function cleanup(made: string[]): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (relative path -> text or bytes) below `dir`, creating folders. */
export function writeTree(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/**
 * The classic "billion laughs": `levels` anchors, each a list of nine aliases
 * of the previous one, so the last expands to 9^levels strings.
 */
export function billionLaughs(levels = 9): string {
  const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Makes a FIFO at `file` with mkfifo(1); false when the platform has none. */
export function makeFifo(file: string): boolean {
  if (process.platform === 'win32') return false;
  const result = spawnSync('mkfifo', [file]);
  return result.status === 0;
}

/** Whether `nobody` can run the built CLI (the repository must be world-readable). */
export function nobodyCanRun(): boolean {
  if (!isRoot) return false;
  const result = spawnSync(process.execPath, [binary, '--version'], { ...nobody, encoding: 'utf8', timeout: 30_000 });
  return result.status === 0;
}

/** Result of one run of the built CLI. */
export interface BinaryRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  milliseconds: number;
}

/** Runs the built CLI in a child process with a hard timeout (a hang fails the test instead of blocking it). */
export function runBinaryWithin(args: string[], options: { cwd: string; timeout?: number; uid?: number; gid?: number; env?: Record<string, string> }): BinaryRun {
  const started = performance.now();
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [binary, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    timeout: options.timeout ?? 30_000,
    killSignal: 'SIGKILL',
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '', milliseconds: performance.now() - started };
}

/** Starts the built CLI without waiting; resolves with its exit code, signal and output. */
export function startBinary(args: string[], options: { cwd: string }): { pid: number; done: Promise<BinaryRun>; kill: () => void } {
  const started = performance.now();
  const child = spawn(process.execPath, [binary, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<BinaryRun>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, milliseconds: performance.now() - started }));
  });
  return { pid: child.pid ?? -1, done, kill: () => child.kill('SIGKILL') };
}

/** True when `dir` can be read by the current user (false for a chmod 000 directory unless root). */
export function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A valid policy of `users` users that compiles without errors: 40
 * permissions, 20 roles in containment chains, 10 groups. Large enough that a
 * compile takes a while, so a kill lands in the middle of it.
 */
export function largePolicy(users: number): Record<string, string> {
  const permissions: string[] = ['permissions:'];
  for (let p = 0; p < 40; p++) {
    permissions.push(`  res${p % 8}.action${p}:`, `    description: Permission ${p}`);
    if (p % 3 === 0) permissions.push('    scopes: [own, account, all]');
  }
  const roles: string[] = ['roles:'];
  for (let r = 0; r < 20; r++) {
    const grants = [0, 1, 2, 3].map((k) => {
      const p = (r * 2 + k * 7) % 40;
      return p % 3 === 0 ? `res${p % 8}.action${p}@${['own', 'account', 'all'][(r + k) % 3]}` : `res${p % 8}.action${p}`;
    });
    roles.push(`  role${r}:`, `    title: Role ${r}`, `    grants: [${grants.join(', ')}]`);
    if (r % 4 !== 3) roles.push(`    contains: [role${r + 1}]`);
  }
  const groups: string[] = ['groups:'];
  for (let g = 0; g < 10; g++) {
    const members: string[] = [];
    for (let u = g; u < users; u += 10) members.push(`user${u}`);
    groups.push(`  group${g}:`, '    owner: user0', `    roles: [role${(g * 2) % 20}]`, `    members: [${members.join(', ')}]`, '    reviewedAt: 2026-10-01');
  }
  const people: string[] = ['users:'];
  for (let u = 0; u < users; u++) {
    people.push(`  user${u}:`, `    name: User ${u}`, `    email: user${u}@example.com`, '    type: internal', `    roles: [role${u % 20}]`);
  }
  return {
    'permissions.yaml': permissions.join('\n') + '\n',
    'roles.yaml': roles.join('\n') + '\n',
    'groups.yaml': groups.join('\n') + '\n',
    'users.yaml': people.join('\n') + '\n',
    'settings.yaml': 'settings:\n  rules: { redundant-assignment: off, unused-permission: off, unused-role: off, too-many-roles: off }\n',
  };
}

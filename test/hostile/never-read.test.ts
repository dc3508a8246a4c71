import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { cleanup, tempDir } from './helpers.js';

// Every call that can read a file's content goes through this record; metadata
// calls (lstat, stat, realpath, readdir) do not read content and are not recorded.
const reads = vi.hoisted(() => [] as string[]);

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const recorded = <F extends (...args: never[]) => unknown>(fn: F): F =>
    ((...args: Parameters<F>) => {
      const target = args[0] as unknown;
      reads.push(typeof target === 'number' ? `fd:${target}` : String(target));
      return fn(...args);
    }) as F;
  const patched = {
    ...fs,
    openSync: recorded(fs.openSync),
    readFileSync: recorded(fs.readFileSync),
    createReadStream: recorded(fs.createReadStream),
  };
  return { ...patched, default: patched };
});

const made: string[] = [];
afterAll(() => cleanup(made));

describe('a symbolic link out of the policy directory is never read', () => {
  it('opens only the files inside the tree, never the link target', () => {
    const work = tempDir('never-read', made);
    mkdirSync(path.join(work, 'pol'));
    mkdirSync(path.join(work, 'private'));
    writeFileSync(path.join(work, 'private', 'secret.yaml'), 'users: { mallory: { type: internal } }\n');
    writeFileSync(path.join(work, 'pol', 'a.yaml'), 'roles: {}\n');
    symlinkSync(path.join(work, 'private', 'secret.yaml'), path.join(work, 'pol', 'link.yaml'));
    symlinkSync(path.join(work, 'private'), path.join(work, 'pol', 'dir'));
    symlinkSync('/etc/passwd', path.join(work, 'pol', 'passwd.yaml'));
    reads.length = 0;
    const loaded = loadPolicyDirectory('pol', { cwd: work });
    expect(loaded.files.map((f) => f.path)).toEqual(['pol/a.yaml']);
    expect(loaded.problems.map((p) => p.file.path)).toEqual(['pol/dir', 'pol/link.yaml', 'pol/passwd.yaml']);
    const opened = reads.map((file) => (file.startsWith('fd:') ? file : realpathSync(file)));
    expect(opened).toEqual([realpathSync(path.join(work, 'pol', 'a.yaml'))]);
  });
});

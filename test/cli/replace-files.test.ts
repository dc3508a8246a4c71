import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/io.js';
import { replaceFiles } from '../../src/cli/replace-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rolecall-replace-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('replaceFiles: all files or none', () => {
  it('replaces every file, keeping a byte-order mark, following links (the link stays a link)', () => {
    const a = file('a.yaml', 'a: 1\n');
    const b = file('b.yaml', '\ufeffb: 1\n');
    const target = file('c-target.yaml', 'c: 1\n');
    const link = path.join(dir, 'c.yaml');
    symlinkSync(target, link);
    replaceFiles([
      { path: a, before: 'a: 1\n', after: 'a: 2\n' },
      { path: b, before: 'b: 1\n', after: 'b: 2\n' },
      { path: link, before: 'c: 1\n', after: 'c: 2\n' },
    ]);
    expect(readFileSync(a, 'utf8')).toBe('a: 2\n');
    expect(readFileSync(b, 'utf8')).toBe('\ufeffb: 2\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('c: 2\n');
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml', 'c-target.yaml', 'c.yaml']);
  });

  it('changes nothing when a file changed on disk since it was read', () => {
    const a = file('a.yaml', 'a: 1\n');
    const b = file('b.yaml', 'b: edited meanwhile\n');
    expect(() => replaceFiles([{ path: a, before: 'a: 1\n', after: 'a: 2\n' }, { path: b, before: 'b: 1\n', after: 'b: 2\n' }])).toThrow(/`.*b\.yaml` changed on disk while the decisions were being applied: nothing was changed/);
    expect(readFileSync(a, 'utf8')).toBe('a: 1\n');
  });

  it('changes nothing when a temporary file cannot be written, and leaves no temporary behind', () => {
    const a = file('a.yaml', 'a: 1\n');
    const b = file('b.yaml', 'b: 1\n');
    // Something in the way of b's temporary file: writing it fails after a's was written.
    file(`b.yaml.rolecall-tmp-${process.pid}`, 'in the way');
    let error: unknown;
    try {
      replaceFiles([{ path: a, before: 'a: 1\n', after: 'a: 2\n' }, { path: b, before: 'b: 1\n', after: 'b: 2\n' }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/cannot write the policy files: EEXIST .*; nothing was changed/);
    expect(readFileSync(a, 'utf8')).toBe('a: 1\n');
    expect(readFileSync(b, 'utf8')).toBe('b: 1\n');
    expect(existsSync(`${a}.rolecall-tmp-${process.pid}`)).toBe(false);
  });
});

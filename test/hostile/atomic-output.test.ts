import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverInterruptedSwap, writeAtomically } from '../../src/cli/write.js';
import { cleanup, ensureBuilt, largePolicy, runBinaryWithin, startBinary, tempDir, writeTree, type BinaryRun } from './helpers.js';

/**
 * `compile` writes atomically: killed at any point, the out directory holds the
 * previous complete set or the new complete set (byte for byte), never half a
 * file; an interrupted swap is restored by the next run; two compiles never
 * interleave. Runs the built binary (`npm test` builds first).
 */

const made: string[] = [];
beforeAll(ensureBuilt, 300_000);
afterAll(() => cleanup(made));

/** Two versions of the output: each a policy directory and an as-of date, so every artifact differs between them. */
const versions = { a: ['pol', '2026-11-22'], b: ['pol2', '2026-11-23'] } as const;
type Version = keyof typeof versions;
const other = (v: Version): Version => (v === 'a' ? 'b' : 'a');
const args = (v: Version, out: string): string[] => ['compile', versions[v][0], '--out', out, '--as-of', versions[v][1]];
type Artifacts = Map<string, Buffer>;

let work: string;
const reference = new Map<string, Artifacts>();
let fullCompileMs = 0;

/** Every file in `dir` (none is a directory in rolecall's output). */
function readArtifacts(dir: string): Artifacts {
  return new Map(readdirSync(dir).sort().map((name) => [name, readFileSync(path.join(dir, name))]));
}

/** Which reference set `dir` holds byte for byte, or a description of how it differs from both. */
function whichSet(dir: string): string {
  const actual = readArtifacts(dir);
  for (const [date, expected] of reference) {
    if (actual.size === expected.size && [...expected].every(([name, bytes]) => actual.get(name)?.equals(bytes))) return date;
  }
  return `neither: ${[...actual].map(([name, bytes]) => `${name}(${bytes.length})`).join(', ')}`;
}

/** Siblings that a writer leaves while it works (temporary directory, backup, lock). */
function leftovers(out: string): string[] {
  const base = path.basename(out);
  return readdirSync(path.dirname(out)).filter((name) => name.startsWith(`${base}.rolecall-`));
}

function compile(out: string, version: Version): BinaryRun {
  return runBinaryWithin(args(version, out), { cwd: work, timeout: 90_000 });
}

beforeAll(() => {
  work = tempDir('atomic', made);
  mkdirSync(path.join(work, 'pol'));
  writeTree(path.join(work, 'pol'), largePolicy(3000));
  mkdirSync(path.join(work, 'pol2'));
  writeTree(path.join(work, 'pol2'), largePolicy(3001));
  for (const version of ['a', 'b'] as const) {
    const run = compile(`ref-${version}`, version);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    fullCompileMs = Math.max(fullCompileMs, run.milliseconds);
    reference.set(version, readArtifacts(path.join(work, `ref-${version}`)));
  }
  const [a, b] = [...reference.values()];
  for (const [name, bytes] of a!) expect(bytes.equals(b!.get(name)!), `${name} is the same in both versions`).toBe(name === 'diagnostics.json');
}, 240_000);

describe('a compile killed at random points', () => {
  it('leaves the previous complete set or the new complete set, 24 times', async () => {
    const out = path.join(work, 'out');
    expect(compile('out', 'a').code).toBe(0);
    let current: Version = 'a';
    const seen = { previous: 0, next: 0, betweenRenames: 0, whileWriting: 0 };
    let seed = 20261122;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 24; round++) {
      const next = other(current);
      const child = startBinary(args(next, 'out'), { cwd: work });
      let writing = false;
      if (round % 2 === 0) {
        // Anywhere in the run: startup, checking, rendering, writing, swapping.
        await sleep(random() * fullCompileMs * 1.1);
      } else {
        // In the write phase: as soon as the temporary directory or the backup shows up, plus a little.
        const deadline = performance.now() + fullCompileMs * 3;
        while (performance.now() < deadline && !leftovers(out).some((n) => n.includes('.rolecall-tmp-') || n.endsWith('.rolecall-previous'))) await sleep(2);
        await sleep(random() * 40);
      }
      writing = leftovers(out).some((n) => n.includes('.rolecall-tmp-'));
      child.kill();
      const result = await child.done;
      if (writing && result.signal === 'SIGKILL') seen.whileWriting++;
      if (existsSync(out)) {
        const state = whichSet(out);
        expect([current, next], `round ${round}: out holds ${state}`).toContain(state);
        if (state === next) seen.next++;
        else seen.previous++;
        current = state as Version;
      } else {
        // Killed between the two renames: the previous set waits, complete, in the backup.
        seen.betweenRenames++;
        expect(whichSet(`${out}.rolecall-previous`)).toBe(current);
        recoverInterruptedSwap(out);
        expect(whichSet(out)).toBe(current);
      }
    }
    // The next run recovers whatever the last kill left (stale lock, temporary directory) and completes.
    const final = other(current);
    const run = compile('out', final);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(whichSet(out)).toBe(final);
    expect(leftovers(out)).toEqual([]);
    expect(seen.previous + seen.next + seen.betweenRenames).toBe(24);
    expect(seen.whileWriting).toBeGreaterThanOrEqual(3);
  }, 600_000);

  it('the next run restores a swap interrupted between its renames (out missing, backup present)', () => {
    const out = path.join(work, 'swap');
    expect(compile('swap', 'a').code).toBe(0);
    renameSync(out, `${out}.rolecall-previous`);
    mkdirSync(`${out}.rolecall-tmp-999999-dead`);
    writeFileSync(`${out}.rolecall-tmp-999999-dead/matrix.json`, '{"half":');
    writeFileSync(`${out}.rolecall-lock`, '999999');
    const run = compile('swap', 'b');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(whichSet(out)).toBe('b');
    expect(leftovers(out)).toEqual([]);
  }, 120_000);

  it('recovery alone brings the previous set back', () => {
    const out = path.join(work, 'recover');
    expect(compile('recover', 'a').code).toBe(0);
    renameSync(out, `${out}.rolecall-previous`);
    recoverInterruptedSwap(out);
    expect(whichSet(out)).toBe('a');
    expect(existsSync(`${out}.rolecall-previous`)).toBe(false);
  }, 120_000);
});

describe('writeAtomically in process', () => {
  it('an emitter that fails half-way leaves the previous set and no temporary directory', async () => {
    const out = path.join(tempDir('atomic-unit', made), 'out');
    const names = new Set(['a.txt', 'b.txt']);
    await writeAtomically(out, [{ name: 'a.txt', chunks: ['one'] }, { name: 'b.txt', chunks: ['two'] }], names);
    function* failing(): Generator<string> {
      yield 'partial';
      throw new Error('emitter bug');
    }
    await expect(writeAtomically(out, [{ name: 'a.txt', chunks: ['new'] }, { name: 'b.txt', chunks: failing() }], names)).rejects.toThrow('emitter bug');
    expect(readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('one');
    expect(readFileSync(path.join(out, 'b.txt'), 'utf8')).toBe('two');
    expect(leftovers(out)).toEqual([]);
  });

  it('a file written elsewhere (a worker) is awaited before the swap; its failure leaves the previous set', async () => {
    const out = path.join(tempDir('atomic-elsewhere', made), 'out');
    const names = new Set(['a.txt', 'b.txt']);
    await writeAtomically(out, [{ name: 'a.txt', chunks: ['one'] }, { name: 'b.txt', chunks: ['two'] }], names);
    // Written late, after the main-thread files: the swap still waits for it.
    const late = (text: string) => (file: string) => new Promise<void>((resolve) => setTimeout(() => { writeFileSync(file, text); resolve(); }, 50));
    await writeAtomically(out, [{ name: 'a.txt', chunks: ['new a'] }, { name: 'b.txt', chunks: ['unused'], writeTo: late('new b') }], names);
    expect(readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('new a');
    expect(readFileSync(path.join(out, 'b.txt'), 'utf8')).toBe('new b');
    const failing = (file: string) => new Promise<void>((_, reject) => setTimeout(() => { writeFileSync(file, 'half'); reject(new Error('worker died')); }, 50));
    await expect(writeAtomically(out, [{ name: 'a.txt', chunks: ['newer'] }, { name: 'b.txt', chunks: [], writeTo: failing }], names)).rejects.toThrow('worker died');
    expect(readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('new a');
    expect(readFileSync(path.join(out, 'b.txt'), 'utf8')).toBe('new b');
    expect(leftovers(out)).toEqual([]);
  });

  it('refuses an out directory holding a directory named like an artifact, and does not touch it', async () => {
    const out = path.join(tempDir('atomic-dir', made), 'out');
    mkdirSync(path.join(out, 'a.txt'), { recursive: true });
    writeFileSync(path.join(out, 'a.txt', 'precious'), 'keep me');
    await expect(writeAtomically(out, [{ name: 'a.txt', chunks: ['x'] }], new Set(['a.txt']))).rejects.toThrow(/holds files rolecall did not write \(a\.txt\)/);
    expect(readFileSync(path.join(out, 'a.txt', 'precious'), 'utf8')).toBe('keep me');
  });

  it('breaks a lock left empty for longer than the grace period, and one holding its own (reused) pid', async () => {
    const out = path.join(tempDir('atomic-lock', made), 'out');
    writeFileSync(`${out}.rolecall-lock`, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${out}.rolecall-lock`, old, old);
    await writeAtomically(out, [{ name: 'a.txt', chunks: ['x'] }], new Set(['a.txt']));
    writeFileSync(`${out}.rolecall-lock`, String(process.pid));
    await writeAtomically(out, [{ name: 'a.txt', chunks: ['y'] }], new Set(['a.txt']));
    expect(readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('y');
    expect(leftovers(out)).toEqual([]);
  });
});

describe('two compiles into the same directory at once', () => {
  it('both succeed, one after the other, and the result is one consistent compile (5 rounds)', async () => {
    const out = path.join(work, 'race');
    for (let round = 0; round < 5; round++) {
      const runs = await Promise.all((['a', 'b'] as const).map((v) => startBinary(args(v, 'race'), { cwd: work }).done));
      for (const run of runs) {
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
      }
      const state = whichSet(out);
      expect(['a', 'b']).toContain(state);
      const matrix = JSON.parse(readFileSync(path.join(out, 'matrix.json'), 'utf8')) as { asOf: string; source: { digest: string; files: string[] } };
      expect(matrix.asOf).toBe(versions[state as Version][1]);
      expect(matrix.source.files[0]!.startsWith(`${versions[state as Version][0]}/`)).toBe(true);
      const header = readFileSync(path.join(out, 'permissions.ts'), 'utf8').split('\n')[0];
      expect(header).toBe(`// Generated by rolecall from the policy as of ${matrix.asOf} (${matrix.source.digest}).`);
      expect(readFileSync(path.join(out, 'matrix.html'), 'utf8')).toContain(`"asOf":"${matrix.asOf}"`);
      expect(leftovers(out)).toEqual([]);
    }
  }, 300_000);

  it('a compile waits while another holds the lock, then writes', async () => {
    const out = path.join(work, 'waiting');
    writeFileSync(`${out}.rolecall-lock`, String(process.pid)); // this test process: alive
    const child = startBinary(args('a', 'waiting'), { cwd: work });
    await sleep(fullCompileMs + 1500);
    expect(existsSync(out)).toBe(false);
    writeFileSync(`${out}.rolecall-lock`, ''); // released: removed by its holder
    renameSync(`${out}.rolecall-lock`, path.join(work, 'released-lock'));
    const run = await child.done;
    expect(run.code).toBe(0);
    expect(whichSet(out)).toBe('a');
  }, 120_000);
});

describe('the out directory is never the policy directory or a parent of it', () => {
  it.each([
    ['the policy itself', 'pol'],
    ['its parent', '.'],
    ['its parent, spelled through the policy', 'pol/..'],
  ])('refuses --out %s (exit 2) and leaves the policy alone', (_name, out) => {
    const before = readArtifacts(path.join(work, 'pol'));
    const run = compile(out, 'a');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rolecall: --out `[^`]+` contains the policy directory `pol`[^\n]*\n$/);
    expect(readArtifacts(path.join(work, 'pol'))).toEqual(before);
  }, 60_000);

  it('refuses a link to a parent of the policy (it holds files rolecall did not write)', () => {
    symlinkSync(work, path.join(work, 'up'));
    const before = readArtifacts(path.join(work, 'pol'));
    const run = compile('up', 'a');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rolecall: --out `[^`]+` holds files rolecall did not write/);
    expect(readArtifacts(path.join(work, 'pol'))).toEqual(before);
    expect(statSync(path.join(work, 'up')).isDirectory()).toBe(true);
  }, 60_000);
});

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

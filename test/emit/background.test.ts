import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderText } from './fixture.js';
import { matrixCsv } from '../../src/emit/csv.js';
import { policyDigest } from '../../src/emit/digest.js';
import { checkPolicy } from '../../src/compile.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { root } from '../helpers/cli.js';

// The worker runs the built module (lib/), as the CLI does; `npm test` builds first.
type Background = { name: string; write(file: string): Promise<void>; cancel(): void };
const built = (await import(path.join(root, 'lib/src/emit/background.js'))) as {
  startBackground(artifact: string, loaded: unknown, asOf: string, env?: NodeJS.ProcessEnv): Background | undefined;
};

const work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-background-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const loaded = loadPolicyDirectory('policies', { cwd: root });
const threads = { ROLECALL_THREADS: '2' };

describe('matrix.csv on a worker thread', () => {
  it('writes the same bytes as the main thread renders', async () => {
    const background = built.startBackground('matrix.csv', loaded, '2026-11-22', threads)!;
    expect(background).toBeDefined();
    const file = path.join(work, 'matrix.csv');
    await background.write(file);
    const result = checkPolicy(loaded, { asOf: '2026-11-22' });
    expect(readFileSync(file, 'utf8')).toBe(renderText(matrixCsv, { result, digest: policyDigest(result.files) }));
  });

  it('reports a file-system error with its code, for the writer to turn into a user error', async () => {
    const background = built.startBackground('matrix.csv', loaded, '2026-11-22', threads)!;
    const error = (await background.write(path.join(work, 'missing-dir', 'matrix.csv')).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ENOENT');
  });

  it('writes nothing when cancelled, and is not started with ROLECALL_THREADS=1', async () => {
    const background = built.startBackground('matrix.csv', loaded, '2026-11-22', threads)!;
    background.cancel();
    await expect(background.write(path.join(work, 'cancelled.csv'))).rejects.toThrow(/stopped|terminated|exit/i);
    expect(existsSync(path.join(work, 'cancelled.csv'))).toBe(false);
    expect(built.startBackground('matrix.csv', loaded, '2026-11-22', { ROLECALL_THREADS: '1' })).toBeUndefined();
  });
});

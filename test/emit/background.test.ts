import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderText, sharedAccessPolicy } from './fixture.js';
import { matrixCsv } from '../../src/emit/csv.js';
import { policyDigest } from '../../src/emit/digest.js';
import { checkPolicy } from '../../src/compile.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import type { Resolution } from '../../src/stages/resolve.js';
import { checkYaml } from '../helpers/policy.js';
import { root } from '../helpers/cli.js';

// The worker runs the built module (lib/), as the CLI does; `npm test` builds first.
const built = (await import(path.join(root, 'lib/src/emit/background.js'))) as {
  writeCsvInBackground(res: unknown, file: string, queueLimit?: number): Promise<void>;
  backgroundUnavailable(env: NodeJS.ProcessEnv): string | undefined;
};
const builtCompile = (await import(path.join(root, 'lib/src/compile.js'))) as { checkPolicy: typeof checkPolicy };

const work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-background-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The resolution as the built code makes it (the worker's classes are the built ones). */
function builtResolution(loaded: ReturnType<typeof loadPolicyDirectory>): Resolution {
  return builtCompile.checkPolicy(loaded, { asOf: '2026-11-22' }).resolution;
}

describe('matrix.csv on a worker thread', () => {
  it('writes the same bytes as the main thread renders (the example, and a policy of many users sharing groups)', async () => {
    const loaded = loadPolicyDirectory('policies', { cwd: root });
    const shared = checkYaml(sharedAccessPolicy(3000));
    const cases = [
      { name: 'example.csv', res: builtResolution(loaded), result: checkPolicy(loaded, { asOf: '2026-11-22' }) },
      { name: 'shared.csv', res: builtResolution({ files: [...shared.files], problems: [] }), result: shared },
    ];
    for (const { name, res, result } of cases) {
      const file = path.join(work, name);
      await built.writeCsvInBackground(res, file);
      expect(readFileSync(file, 'utf8')).toBe(renderText(matrixCsv, { result, digest: policyDigest(result.files) }));
    }
  });

  it('reports a file-system error with its code, for the writer to turn into a user error', async () => {
    const res = builtResolution(loadPolicyDirectory('policies', { cwd: root }));
    const error = (await built.writeCsvInBackground(res, path.join(work, 'missing-dir', 'matrix.csv')).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ENOENT');
  });

  it('waits for the worker when its queue is full (a tiny limit here) and still writes the same bytes', async () => {
    const shared = checkYaml(sharedAccessPolicy(3000));
    const file = path.join(work, 'bounded.csv');
    await built.writeCsvInBackground(builtResolution({ files: [...shared.files], problems: [] }), file, 50);
    expect(readFileSync(file, 'utf8')).toBe(renderText(matrixCsv, { result: shared, digest: policyDigest(shared.files) }));
  });

  it('stops waiting for a worker that failed (no hang with a full queue)', async () => {
    const shared = checkYaml(sharedAccessPolicy(3000));
    const started = Date.now();
    const error = (await built
      .writeCsvInBackground(builtResolution({ files: [...shared.files], problems: [] }), path.join(work, 'missing-dir', 'bounded.csv'), 50)
      .catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(error.code).toBe('ENOENT');
    // Well under the 30 s a silent, stalled worker would cost.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('is used unless ROLECALL_THREADS=1 (the built CLI has its worker script)', () => {
    expect(built.backgroundUnavailable({ ROLECALL_THREADS: '2' })).toBeUndefined();
    expect(built.backgroundUnavailable({ ROLECALL_THREADS: '1' })).toBe('ROLECALL_THREADS=1');
  });
});

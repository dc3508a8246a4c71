import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs tooling without types
import { generate } from '../../bench/generate.mjs';
import { root, runBinary } from '../helpers/cli.js';

let work: string;
let org: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-bench-smoke-'));
  org = path.join(work, 'S');
  (generate as (size: string, dir: string) => void)('S', org);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the benchmark organisation S', () => {
  it('compiles to the same bytes with matrix.csv on a worker thread and with one thread', async () => {
    // The built CLI has its worker script, so ROLECALL_THREADS=2 really uses a worker (no silent fallback).
    const built = (await import(path.join(root, 'lib/src/emit/background.js'))) as { backgroundUnavailable(env: NodeJS.ProcessEnv): string | undefined };
    expect(built.backgroundUnavailable({ ROLECALL_THREADS: '2' })).toBeUndefined();
    expect(built.backgroundUnavailable({ ROLECALL_THREADS: '1' })).toBe('ROLECALL_THREADS=1');
    const threaded = path.join(work, 'threaded');
    const single = path.join(work, 'single');
    const a = runBinary(['compile', org, '--out', threaded, '--as-of', '2026-11-22'], { env: { ROLECALL_THREADS: '2' } });
    const b = runBinary(['compile', org, '--out', single, '--as-of', '2026-11-22'], { env: { ROLECALL_THREADS: '1' } });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const names = readdirSync(threaded).sort();
    expect(names).toEqual(readdirSync(single).sort());
    for (const name of names) expect(readFileSync(path.join(threaded, name)).equals(readFileSync(path.join(single, name))), name).toBe(true);
    // The CSV is not trivially small, and has one row per effective permission of matrix.json.
    const matrix = JSON.parse(readFileSync(path.join(threaded, 'matrix.json'), 'utf8')) as { users: Record<string, { permissions: Record<string, unknown> }> };
    const pairs = Object.values(matrix.users).reduce((n, u) => n + Object.keys(u.permissions).length, 0);
    const rows = readFileSync(path.join(threaded, 'matrix.csv'), 'utf8').split('\n').length - 2;
    expect(pairs).toBeGreaterThan(100_000);
    expect(rows).toBe(pairs);
  }, 120_000);

  it('npm run bench runs end to end at S and writes its table', () => {
    const out = path.join(work, 'results.md');
    const run = spawnSync(process.execPath, [path.join(root, 'bench/run.mjs'), '--sizes', 'S', '--runs', '2', '--out', out], { cwd: root, encoding: 'utf8', timeout: 240_000 });
    expect(run.status, run.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('compile / floor');
    expect(text).toMatch(/^\| S \| 200 \/ 100 \/ 200 \/ 2000 \|/m);
    // Two runs each of the floor, check and compile, listed; casbin's matrix checked against rolecall's.
    expect(text).toMatch(/^- \*\*S\*\*: floor [\d.]+, [\d.]+ s; check [\d.]+, [\d.]+ s; compile [\d.]+, [\d.]+ s; compile \/ floor per run: /m);
    expect(text).toMatch(/^- \*\*S\*\*: casbin\+index matrix: [\d,]+ pairs \(2,000 users\), matches rolecall's: yes$/m);
    expect(run.stdout).toBe(text);
  }, 240_000);
});

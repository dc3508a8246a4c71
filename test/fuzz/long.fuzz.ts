import { describe, expect, it } from 'vitest';
import { loaderProperty, modelProperty, randomTextProperty, yamlishProperty, type FuzzBudget } from './properties.js';

/**
 * The long fuzz run: `npm run fuzz` (not part of `npm test`). FUZZ_RUNS is the
 * number of cases over all properties (default 100,000), FUZZ_SEED makes a run
 * repeatable (default: random, printed). A failure prints fast-check's seed,
 * path and shrunk counterexample; re-run it with FUZZ_SEED and the same runs.
 */

const total = Number(process.env['FUZZ_RUNS'] ?? 100_000);
const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const caseMs = Number(process.env['FUZZ_CASE_MS'] ?? 20_000);
const shares = { text: 0.3, yamlish: 0.3, loader: 0.05, model: 0.35 } as const;

const slowest = new Map<string, { ms: number; input: unknown }>();
let cases = 0;
function budget(share: number): FuzzBudget {
  return {
    numRuns: Math.max(1, Math.round(total * share)),
    seed,
    caseMs,
    onCase: (property, ms, input) => {
      cases++;
      if (ms > (slowest.get(property)?.ms ?? -1)) slowest.set(property, { ms, input });
    },
  };
}

describe(`fuzz (long: ${total} cases, seed ${seed})`, () => {
  const started = Date.now();

  it('random text', () => randomTextProperty(budget(shares.text)));
  it('YAML-ish documents', () => yamlishProperty(budget(shares.yamlish)));
  it('random files on disk through the loader', () => loaderProperty(budget(shares.loader)));
  it('random policy models: check, compile, explain, who-can, diff', () => modelProperty(budget(shares.model), { typeScriptEvery: 50 }));

  it('reports the run', () => {
    const report = [...slowest].map(([property, { ms, input }]) => `  slowest ${property}: ${Math.round(ms)} ms (${JSON.stringify(input).length} characters of input)`);
    console.log(`fuzz: ${cases} cases in ${Math.round((Date.now() - started) / 1000)} s, seed ${seed}\n${report.join('\n')}`);
    expect(cases).toBeGreaterThan(0);
  });
});

import { describe, it } from 'vitest';
import { loaderProperty, modelProperty, randomTextProperty, yamlishProperty } from './properties.js';

/**
 * The short fuzz budget that runs with `npm test`: a few hundred seeded cases
 * in a few seconds. `npm run fuzz` runs the same properties for much longer
 * (test/fuzz/long.fuzz.ts, FUZZ_RUNS).
 */

const seed = 20261122;
const caseMs = 10_000;

describe('fuzz (short, seeded)', () => {
  it('random text never crashes the pipeline; every finding is positioned; every format is well-formed', () => {
    randomTextProperty({ numRuns: 100, seed, caseMs });
  });

  it('YAML-ish documents (anchors, aliases, tags, tabs, unicode, long lines) give findings, not exceptions', () => {
    yamlishProperty({ numRuns: 60, seed, caseMs });
  });

  it('random bytes and names on disk go through the loader', () => {
    loaderProperty({ numRuns: 15, seed, caseMs });
  });

  it('random policy models survive check, compile, explain, who-can and diff', () => {
    modelProperty({ numRuns: 60, seed, caseMs }, { typeScriptEvery: 30 });
  });
});

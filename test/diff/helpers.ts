import { runDiff, type DiffReport } from '../../src/diff/index.js';
import { rulesById, type Rule } from '../../src/rules/index.js';
import { root } from '../helpers/cli.js';
import { testAsOf } from '../helpers/policy.js';

/**
 * The rules the diff tests run: the structural ones, by id. A fixed list keeps
 * the golden files stable when more rules are registered.
 */
export const structuralRules: readonly Rule[] = ['yaml-syntax', 'schema', 'duplicate-definition', 'unknown-reference', 'containment-cycle', 'group-cycle', 'invalid-scope'].map((id) => {
  const rule = rulesById.get(id);
  if (!rule) throw new Error(`rule ${id} is not registered`);
  return rule;
});

/** The fixture pairs under test/fixtures/diff/<case>/{base,head}. */
export const diffCases = ['moved-user', 'widened-scope', 'external-access', 'renamed-role', 'deleted-group', 'pr-scenario', 'broken-head'] as const;

/** Diffs a fixture pair as `rolecall diff --base .../base --head .../head --as-of 2026-11-22` would, from the repository root. */
export function diffFixture(name: string): DiffReport {
  return runDiff({ base: `test/fixtures/diff/${name}/base`, head: `test/fixtures/diff/${name}/head`, asOf: testAsOf, cwd: root, rules: structuralRules });
}

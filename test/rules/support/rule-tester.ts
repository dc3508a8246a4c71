import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPolicy, type CheckResult } from '../../../src/compile.js';
import { rules as registry } from '../../../src/rules/index.js';
import type { Rule, RuleContext } from '../../../src/rules/types.js';
import { loadPolicyDirectory } from '../../../src/stages/load.js';
import { checkYaml, findings, type FindingView } from '../../helpers/policy.js';

/** The table and docs runners for rules whose every case must also be a well-formed policy (checked with the structural rules too). */
export { accessDocsTester, accessRuleTester } from './access-rule-tester.js';

/** A policy that must give no finding of the rule under test. */
export interface ValidCase {
  readonly name: string;
  /** One file `policy.yaml`, or paths mapped to their YAML text. */
  readonly policy: string | Record<string, string>;
  readonly asOf?: string;
}

/** What one expected finding must look like: its place, subject and words of its message. */
export interface ExpectedFinding {
  /** `file:line:column`. */
  readonly at: string;
  readonly subject: string;
  /** `kind:id` of the finding's target. */
  readonly target?: string;
  /** The rule's default severity unless given. */
  readonly severity?: string;
  /** Fragments the message must contain. */
  readonly message?: readonly string[];
  readonly suppressed?: boolean;
  /** `file:line:column` of every related location, in order. */
  readonly related?: readonly string[];
  /** The messages of the first related locations, in order. */
  readonly relatedMessages?: readonly string[];
}

/** A policy that must give exactly these findings of the rule under test (in output order). */
export interface InvalidCase extends ValidCase {
  readonly findings: readonly ExpectedFinding[];
}

/**
 * ESLint RuleTester style: runs each case through checkYaml with `rules`
 * (the rule under test, plus any rules whose findings it needs) and compares
 * the findings of `rule` only.
 */
export function ruleTester(rule: Rule, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }, rules: readonly Rule[] = [rule]): void {
  const id = rule.meta.id;
  describe(`${id}: valid`, () => {
    it.each(cases.valid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const result = checkYaml(c.policy, { rules, ...(c.asOf ? { asOf: c.asOf } : {}) });
      expect(findings(result, id)).toEqual([]);
    });
  });
  describe(`${id}: invalid`, () => {
    it.each(cases.invalid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const result = checkYaml(c.policy, { rules, ...(c.asOf ? { asOf: c.asOf } : {}) });
      const actual = findings(result, id);
      const diagnostics = result.diagnostics.filter((d) => d.rule === id);
      expect(actual.map((f) => `${f.at} ${f.subject}`)).toEqual(c.findings.map((f) => `${f.at} ${f.subject}`));
      c.findings.forEach((expected, i) => {
        const finding = actual[i]!;
        const { target, related } = diagnostics[i]!;
        if (expected.target) expect(`${target?.kind}:${target?.id}`).toBe(expected.target);
        expect(finding.severity).toBe(expected.severity ?? rule.meta.severity);
        for (const fragment of expected.message ?? []) expect(finding.message).toContain(fragment);
        expect(finding.suppressed).toBe(expected.suppressed ?? false);
        if (expected.related) expect(related.map((r) => `${r.file}:${r.line}:${r.column}`)).toEqual(expected.related);
        for (const [j, message] of (expected.relatedMessages ?? []).entries()) expect(related[j]?.message).toBe(message);
      });
    });
  });
}

/** The two examples of a docs page, and the lines its failing example marks with `# expect: <id>`. */
export interface DocsExamples {
  readonly failing: string;
  readonly passing: string;
  readonly expectedLines: readonly number[];
}

/** Reads `docs/rules/<id>.md` and pulls out its ```yaml failing / ```yaml passing blocks. */
export function docsExamples(id: string): DocsExamples {
  const path = fileURLToPath(new URL(`../../../docs/rules/${id}.md`, import.meta.url));
  const text = readFileSync(path, 'utf8');
  const block = (kind: string): string => {
    const match = new RegExp('```yaml ' + kind + '\\n([\\s\\S]*?)\\n```').exec(text);
    if (!match) throw new Error(`docs/rules/${id}.md has no \`\`\`yaml ${kind} block`);
    return match[1]! + '\n';
  };
  const failing = block('failing');
  const marker = new RegExp(`#\\s*expect:\\s*${id.replace(/[-]/g, '\\-')}\\s*$`);
  const expectedLines = failing
    .split('\n')
    .map((line, i) => (marker.test(line) ? i + 1 : 0))
    .filter((n) => n > 0);
  return { failing, passing: block('passing'), expectedLines };
}

/**
 * The docs page of `rule` is in the agreed format and its examples do what it
 * says: the failing one gives findings on exactly the marked lines, the
 * passing one none, and neither has error findings of other registered rules.
 */
export function docsTest(rule: Rule, extra: readonly Rule[] = []): void {
  const id = rule.meta.id;
  describe(`docs/rules/${id}.md`, () => {
    const examples = docsExamples(id);
    const all = [...new Map([...registry, ...extra, rule].map((r) => [r.meta.id, r])).values()];
    const others = (list: readonly FindingView[]): FindingView[] => list.filter((f) => f.rule !== id && f.severity === 'error');

    it('has the agreed headings and the default severity', () => {
      const text = readFileSync(fileURLToPath(new URL(`../../../docs/rules/${id}.md`, import.meta.url)), 'utf8');
      expect(text.startsWith(`# ${id}\n\nDefault severity: **${rule.meta.severity}**.\n\n`)).toBe(true);
      const headings = text.split('\n').filter((l) => /^##+ /.test(l));
      expect(headings).toEqual(['## What it checks', '## Why it matters', '## Examples', '### Failing', '### Passing', '## How to fix', '## Accepting it']);
      // Accepting a finding takes an exception, except for a rule that runs after exceptions are matched.
      if (rule.meta.stage !== 'exceptions') expect(text).toMatch(/## Accepting it\n[\s\S]*```yaml\n[\s\S]*rule: /);
    });

    it('failing example: findings exactly on the marked lines', () => {
      expect(examples.expectedLines.length).toBeGreaterThan(0);
      const result = checkYaml(examples.failing, { rules: all });
      const lines = findings(result, id).map((f) => Number(f.at.split(':')[1]));
      expect([...new Set(lines)]).toEqual(examples.expectedLines);
      expect(others(findings(result))).toEqual([]);
    });

    it('passing example: no finding', () => {
      expect(examples.passing.trim()).not.toBe('');
      const result = checkYaml(examples.passing, { rules: all });
      expect(findings(result, id)).toEqual([]);
      expect(others(findings(result))).toEqual([]);
    });
  });
}

/** The example organisation (`policies/`) has no finding of the rule (test/fixtures/example-facts.md). */
export function exampleOrganisationTest(rule: Rule): void {
  it('the example organisation has no finding', () => {
    const loaded = loadPolicyDirectory('policies', { cwd: process.cwd() });
    const result = checkPolicy(loaded, { asOf: '2026-11-22', rules: [rule] });
    expect(result.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([]);
  });
}

/** The context the runner gives rules, rebuilt from a check result, to call a rule's `check` directly. */
export function contextOf(result: CheckResult): RuleContext {
  return { asOf: '2026-11-22', files: result.parsed, loadProblems: [], syntaxProblems: [], schemaProblems: [], model: result.model, settings: result.model.settings, resolution: result.resolution };
}

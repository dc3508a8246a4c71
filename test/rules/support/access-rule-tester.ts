import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { containmentCycle } from '../../../src/rules/containment-cycle.js';
import { duplicateDefinition } from '../../../src/rules/duplicate-definition.js';
import { groupCycle } from '../../../src/rules/group-cycle.js';
import { invalidScope } from '../../../src/rules/invalid-scope.js';
import { schemaRule } from '../../../src/rules/schema.js';
import type { Rule } from '../../../src/rules/types.js';
import { unknownReference } from '../../../src/rules/unknown-reference.js';
import { yamlSyntax } from '../../../src/rules/yaml-syntax.js';
import { checkYaml, findings, type FindingView } from '../../helpers/policy.js';

/** The rules that say whether a test policy is well-formed: they must stay silent, so a case fails only for its rule. */
const structuralRules: readonly Rule[] = [yamlSyntax, schemaRule, duplicateDefinition, unknownReference, containmentCycle, groupCycle, invalidScope];

/** A policy that must give no finding of the rule. */
export interface ValidCase {
  readonly name: string;
  readonly yaml: string;
  readonly asOf?: string;
  /** A usage CSV for rules that need `--usage`. */
  readonly usage?: string;
}

/** One expected finding: where, about whom, and words its message must contain. */
export interface ExpectedFinding {
  /** `policy.yaml:line:column`. */
  readonly at: string;
  readonly subject: string;
  readonly message?: readonly (string | RegExp)[];
  readonly relatedCount?: number;
}

/** A policy that must give exactly these findings of the rule, in output order. */
export interface InvalidCase {
  readonly name: string;
  readonly yaml: string;
  readonly asOf?: string;
  readonly usage?: string;
  readonly errors: readonly ExpectedFinding[];
  /** Set when the case is deliberately not well-formed (an undefined id on purpose). */
  readonly allowStructural?: boolean;
}

/** Runs one policy with the rule and the structural rules. */
export function run(rule: Rule, text: string, asOf?: string, usage?: string): { own: FindingView[]; structural: FindingView[]; related: number[] } {
  const result = checkYaml(text, { rules: [...structuralRules, rule], ...(asOf ? { asOf } : {}), ...(usage !== undefined ? { usage } : {}) });
  const own = result.diagnostics.filter((d) => d.rule === rule.meta.id);
  return {
    own: findings(result, rule.meta.id),
    structural: findings(result).filter((f) => f.rule !== rule.meta.id),
    related: own.map((d) => d.related.length),
  };
}

/** A rule table in the style of ESLint's RuleTester; every case must also be a well-formed policy. */
export function accessRuleTester(rule: Rule, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
  describe(`${rule.meta.id}: valid`, () => {
    for (const c of cases.valid) {
      it(c.name, () => {
        const { own, structural } = run(rule, c.yaml, c.asOf, c.usage);
        expect(structural).toEqual([]);
        expect(own).toEqual([]);
      });
    }
  });
  describe(`${rule.meta.id}: invalid`, () => {
    for (const c of cases.invalid) {
      it(c.name, () => {
        const { own, structural, related } = run(rule, c.yaml, c.asOf, c.usage);
        if (!c.allowStructural) expect(structural).toEqual([]);
        expect(own.map((f) => `${f.at} ${f.subject}`)).toEqual(c.errors.map((e) => `${e.at} ${e.subject}`));
        c.errors.forEach((e, i) => {
          const actual = own[i]!;
          expect(actual.severity).toBe(rule.meta.severity);
          for (const word of e.message ?? []) {
            if (typeof word === 'string') expect(actual.message).toContain(word);
            else expect(actual.message).toMatch(word);
          }
          if (e.relatedCount !== undefined) expect(related[i]).toBe(e.relatedCount);
        });
      });
    }
  });
}

/** The parts of a rule's docs page (docs/rules/<id>.md). */
interface RuleDocs {
  readonly text: string;
  readonly failing: string;
  readonly passing: string;
  readonly accepting: string;
  /** The page's ```csv usage block, for rules that need `--usage` (undefined when it has none). */
  readonly usage: string | undefined;
}

function readRuleDocs(id: string): RuleDocs {
  const path = fileURLToPath(new URL(`../../../docs/rules/${id}.md`, import.meta.url));
  const text = readFileSync(path, 'utf8');
  const block = (info: string, from = 0): string => {
    const open = text.indexOf('```' + info + '\n', from);
    if (open < 0) return '';
    const start = open + info.length + 4;
    return text.slice(start, text.indexOf('\n```', start) + 1);
  };
  const usage = block('csv usage');
  return { text, failing: block('yaml failing'), passing: block('yaml passing'), accepting: block('yaml', text.indexOf('## Accepting it')), usage: usage === '' ? undefined : usage };
}

/**
 * The meta test of a rule's docs page: its format; the failing example gives
 * findings on exactly the lines marked `# expect: <id>`; the passing one none;
 * both are well-formed; and the exception of "Accepting it" suppresses a
 * finding of the failing example.
 */
export function accessDocsTester(rule: Rule): void {
  const id = rule.meta.id;
  describe(`${id}: docs/rules/${id}.md`, () => {
    const docs = readRuleDocs(id);
    it('has the title, the default severity and the sections in order', () => {
      expect(docs.text.startsWith(`# ${id}\n\nDefault severity: **${rule.meta.severity}**.\n\n`)).toBe(true);
      const headings = docs.text.split('\n').filter((l) => /^##+ /.test(l));
      expect(headings).toEqual(['## What it checks', '## Why it matters', '## Examples', '### Failing', '### Passing', '## How to fix', '## Accepting it']);
    });
    it('failing example: one finding on each line marked `# expect`, none elsewhere', () => {
      expect(docs.failing).not.toBe('');
      const marked = docs.failing
        .split('\n')
        .map((line, i) => (line.endsWith(`# expect: ${id}`) ? i + 1 : 0))
        .filter((n) => n > 0);
      expect(marked.length).toBeGreaterThan(0);
      const { own, structural } = run(rule, docs.failing, undefined, docs.usage);
      expect(structural).toEqual([]);
      const lines = own.map((f) => Number(f.at.split(':')[1]));
      expect(lines).toEqual(marked);
    });
    it('passing example: no finding', () => {
      expect(docs.passing).not.toBe('');
      expect(docs.passing).not.toContain('# expect:');
      const { own, structural } = run(rule, docs.passing, undefined, docs.usage);
      expect(structural).toEqual([]);
      expect(own).toEqual([]);
    });
    it('accepting example: the exception suppresses a finding of the failing example', () => {
      const exception = parse(docs.accepting) as { settings?: { exceptions?: { rule?: string }[] } };
      const added = exception.settings?.exceptions ?? [];
      expect(added.map((e) => e.rule)).toContain(id);
      const policy = parse(docs.failing) as Record<string, unknown> & { settings?: Record<string, unknown> };
      const settings = policy.settings ?? {};
      policy.settings = { ...settings, exceptions: [...((settings.exceptions as unknown[] | undefined) ?? []), ...added] };
      const result = checkYaml(stringify(policy), { rules: [...structuralRules, rule], ...(docs.usage !== undefined ? { usage: docs.usage } : {}) });
      expect(findings(result).filter((f) => f.rule !== id)).toEqual([]);
      expect(findings(result, id).some((f) => f.suppressed)).toBe(true);
    });
  });
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/compile.js';
import { rules as registry } from '../../src/rules/index.js';
import type { RuleContext } from '../../src/rules/types.js';
import { selfExcludingRole } from '../../src/rules/self-excluding-role.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';

const rule = selfExcludingRole;
const id = rule.meta.id;

const valid: ValidCase[] = [
  {
    name: 'a role excluding a role it does not contain (Now Support admin and member)',
    policy: yaml`
      roles:
        now_support_admin: { contains: [trust, now_support_contributor], excludes: [now_support_member, trust_guest] }
        now_support_contributor: {}
        now_support_member: {}
        trust: { excludes: [trust_guest] }
        trust_guest: {}
    `,
  },
  {
    name: 'the two excluded roles contained by different roles',
    policy: yaml`
      roles:
        employee: { contains: [snc_internal] }
        customer: { contains: [snc_external] }
        snc_internal: { excludes: [snc_external] }
        snc_external: {}
    `,
  },
  {
    name: 'a user holding both roles is a sod-conflict, not a self-excluding role',
    policy: yaml`
      roles:
        trust: { excludes: [trust_guest] }
        trust_guest: {}
      users:
        alice: { type: internal, roles: [trust, trust_guest] }
    `,
  },
  {
    name: 'an excluded role that is not defined (left to unknown-reference)',
    policy: yaml`
      roles:
        trust: { excludes: [ghost], contains: [reader] }
        reader: {}
    `,
  },
];

const invalid: InvalidCase[] = [
  {
    name: 'a role that contains a role it excludes, through a contained role',
    policy: yaml`
      roles:
        now_support_admin:
          contains: [trust, now_support_contributor]
          excludes: [now_support_member, trust_guest]
        now_support_contributor: { contains: [now_support_member] }
        now_support_member: {}
        trust: {}
        trust_guest: {}
    `,
    errors: [
      {
        at: 'policy.yaml:2:3',
        subject: 'role:now_support_admin',
        target: 'role:now_support_member',
        message: ['role `now_support_admin` contains role `now_support_member`', '`now_support_admin` excludes `now_support_member`', 'every holder of `now_support_admin`', 'remove one of them'],
        related: ['policy.yaml:4:16', 'policy.yaml:3:23'],
        relatedMessages: [
          'role `now_support_admin` excludes role `now_support_member`',
          'role `now_support_admin` contains role `now_support_member` via role `now_support_contributor` (policy.yaml:3) > role `now_support_member` (policy.yaml:5)',
        ],
      },
    ],
  },
  {
    name: 'a role that contains both roles of an exclusion',
    policy: yaml`
      roles:
        agent_bundle: { contains: [snc_internal, snc_external] }
        snc_internal: { excludes: [snc_external] }
        snc_external: {}
    `,
    errors: [
      {
        at: 'policy.yaml:2:3',
        subject: 'role:agent_bundle',
        target: 'role:snc_external',
        message: ['role `agent_bundle` contains both role `snc_external` and role `snc_internal`', '`snc_internal` excludes `snc_external`'],
        related: ['policy.yaml:3:30', 'policy.yaml:2:44', 'policy.yaml:2:30'],
        relatedMessages: ['role `snc_internal` excludes role `snc_external`', 'role `agent_bundle` contains role `snc_external` (policy.yaml:2)', 'role `agent_bundle` contains role `snc_internal` (policy.yaml:2)'],
      },
    ],
  },
  {
    name: 'the exclusion declared on the other side',
    policy: yaml`
      roles:
        bundle: { contains: [trust, trust_guest] }
        trust: {}
        trust_guest: { excludes: [trust] }
    `,
    errors: [
      { at: 'policy.yaml:2:3', subject: 'role:bundle', target: 'role:trust', message: ['`trust_guest` excludes `trust`'] },
    ],
  },
  {
    name: 'a role contained by a role it excludes',
    policy: yaml`
      roles:
        member: { excludes: [admin] }
        admin: { contains: [member] }
    `,
    errors: [{ at: 'policy.yaml:3:3', subject: 'role:admin', target: 'role:admin', message: ['role `admin` contains role `member`', '`member` excludes `admin`'], related: ['policy.yaml:2:24', 'policy.yaml:3:23'] }],
  },
  {
    name: 'nested: the role that brings both in and every role containing it',
    policy: yaml`
      roles:
        top: { contains: [mid] }
        mid: { contains: [a, b] }
        a: { excludes: [b] }
        b: {}
    `,
    errors: [
      { at: 'policy.yaml:2:3', subject: 'role:top', target: 'role:b', message: ['role `top` contains both role `a` and role `b`', 'inherits the conflict from contained role `mid`'] },
      { at: 'policy.yaml:3:3', subject: 'role:mid', target: 'role:b', message: ['role `mid` contains both role `a` and role `b`'] },
    ],
  },
  {
    name: 'a role that excludes itself',
    policy: yaml`
      roles:
        odd: { excludes: [odd] }
        wrapper: { contains: [odd] }
    `,
    errors: [{ at: 'policy.yaml:2:3', subject: 'role:odd', target: 'role:odd', message: ['`odd` excludes itself'], related: ['policy.yaml:2:21'] }],
  },
];

describe(id, () => {
  runTable(valid, invalid);
  exampleOrganisation();

  it('lists both roles of the exclusion as targets, so an exception may name either', () => {
    const result = check(yaml`
      roles:
        agent_bundle: { contains: [snc_internal, snc_external] }
        snc_internal: { excludes: [snc_external] }
        snc_external: {}
    `);
    const [finding] = [...rule.check(contextOf(result))];
    expect(finding?.targets).toEqual([
      { kind: 'role', id: 'snc_external' },
      { kind: 'role', id: 'snc_internal' },
    ]);
  });

  it('mid is not flagged when mid does not itself hold both', () => {
    const result = check(yaml`
      roles:
        top: { contains: [mid, b] }
        mid: { contains: [a] }
        a: { excludes: [b] }
        b: {}
    `);
    expect(findings(result, id).map((f) => f.subject)).toEqual(['role:top']);
    expect(findings(result, id)[0]?.message).not.toContain('inherits');
  });

  describe('docs', () => docsExamples());
});

// --- rule table harness (the same in every conflict rule test) --------------------------

/** An expected finding: where, about whom, and what its message and related locations say. */
interface Expected {
  at: string;
  subject: string;
  target?: string;
  severity?: string;
  message?: readonly string[];
  related?: readonly string[];
  relatedMessages?: readonly string[];
}

/** A policy that must give no finding of the rule. */
interface ValidCase {
  name: string;
  policy: string | Record<string, string>;
  asOf?: string;
}

/** A policy that must give exactly these findings of the rule, in report order. */
interface InvalidCase extends ValidCase {
  errors: Expected[];
}

function check(policy: string | Record<string, string>, asOf?: string) {
  return checkYaml(policy, { rules: [rule], ...(asOf ? { asOf } : {}) });
}

function runTable(valid: readonly ValidCase[], invalid: readonly InvalidCase[]): void {
  describe('valid', () => {
    for (const c of valid) {
      it(c.name, () => {
        expect(findings(check(c.policy, c.asOf), id)).toEqual([]);
      });
    }
  });
  describe('invalid', () => {
    for (const c of invalid) {
      it(c.name, () => {
        const got = check(c.policy, c.asOf).diagnostics.filter((d) => d.rule === id);
        expect(got.map((d) => `${d.file}:${d.line}:${d.column} ${d.subject.kind}:${d.subject.id}`)).toEqual(c.errors.map((e) => `${e.at} ${e.subject}`));
        c.errors.forEach((e, i) => {
          const d = got[i]!;
          if (e.target) expect(`${d.target?.kind}:${d.target?.id}`).toBe(e.target);
          if (e.severity) expect(d.severity).toBe(e.severity);
          for (const words of e.message ?? []) expect(d.message).toContain(words);
          if (e.related) expect(d.related.map((r) => `${r.file}:${r.line}:${r.column}`)).toEqual(e.related);
          for (const [j, message] of (e.relatedMessages ?? []).entries()) expect(d.related[j]?.message).toBe(message);
        });
      });
    }
  });
}

/** The context the runner gives rules, rebuilt from a check result, to call a rule directly. */
function contextOf(result: ReturnType<typeof check>): RuleContext {
  return { asOf: '2026-11-22', files: result.parsed, loadProblems: [], syntaxProblems: [], schemaProblems: [], model: result.model, settings: result.model.settings, resolution: result.resolution };
}

/** The example organisation (`policies/`) has no finding of the rule (test/fixtures/example-facts.md). */
function exampleOrganisation(): void {
  it('the example organisation has no finding', () => {
    const loaded = loadPolicyDirectory('policies', { cwd: process.cwd() });
    const result = checkPolicy(loaded, { asOf: '2026-11-22', rules: [rule] });
    expect(result.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([]);
  });
}

/** The docs page exists in the agreed format, and its examples give exactly the findings its markers claim. */
function docsExamples(): void {
  const page = (): string => readFileSync(new URL(`../../docs/rules/${id}.md`, import.meta.url), 'utf8');
  const block = (tag: string): string => page().match(new RegExp('```yaml ' + tag + '\\n([\\s\\S]*?)```'))?.[1] ?? '';
  const structural = registry.filter((r) => ['yaml-syntax', 'schema', 'duplicate-definition', 'unknown-reference', 'containment-cycle', 'group-cycle', 'invalid-scope'].includes(r.meta.id));
  const run = (text: string) => checkYaml(text, { asOf: '2026-11-22', rules: [...structural, rule] });

  it('has the agreed sections', () => {
    const markdown = page();
    expect(markdown.startsWith(`# ${id}\n\nDefault severity: **${rule.meta.severity}**.\n\n`)).toBe(true);
    for (const heading of ['## What it checks', '## Why it matters', '## Examples', '### Failing', '### Passing', '## How to fix', '## Accepting it']) expect(markdown).toContain(`\n${heading}\n`);
    expect(markdown).toMatch(/## Accepting it\n[\s\S]*```yaml\n[\s\S]*rule: /);
  });

  it('the failing example fires on exactly the marked lines, and is otherwise valid', () => {
    const text = block('failing');
    const marked = text.split('\n').flatMap((line, i) => (line.trimEnd().endsWith(`# expect: ${id}`) ? [i + 1] : []));
    const result = run(text);
    expect(marked.length).toBeGreaterThan(0);
    expect([...new Set(findings(result, id).map((f) => Number(f.at.split(':')[1])))]).toEqual(marked);
    expect(result.diagnostics.filter((d) => d.rule !== id)).toEqual([]);
  });

  it('the passing example gives no finding', () => {
    const text = block('passing');
    expect(text).not.toBe('');
    expect(run(text).diagnostics).toEqual([]);
  });
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/compile.js';
import { rules as registry } from '../../src/rules/index.js';
import type { RuleContext } from '../../src/rules/types.js';
import { missingPrerequisite } from '../../src/rules/missing-prerequisite.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';

const rule = missingPrerequisite;
const id = rule.meta.id;

const valid: ValidCase[] = [
  {
    name: 'the prerequisite assigned too, through a group, or through containment',
    policy: yaml`
      roles:
        now_support_admin: { contains: [now_support_contributor] }
        now_support_contributor: {}
        primary_customer_admin: { requires: [now_support_admin] }
        security_contact: { requires: [now_support_contributor] }
        self_contained: { contains: [now_support_contributor], requires: [now_support_contributor] }
      groups:
        ns-admins: { roles: [now_support_admin], members: [kwame] }
      users:
        kwame: { type: internal, roles: [primary_customer_admin] }
        yuki: { type: internal, roles: [now_support_admin, security_contact] }
        diego: { type: internal, roles: [self_contained] }
    `,
  },
  {
    name: 'an inactive user, and an expired assignment of the role that requires',
    policy: yaml`
      roles:
        now_support_admin: {}
        primary_customer_admin: { requires: [now_support_admin] }
      users:
        hannah: { type: internal, status: inactive, roles: [primary_customer_admin] }
        ben: { type: internal, roles: [{ role: primary_customer_admin, expires: 2026-10-31 }] }
    `,
  },
  {
    name: 'a prerequisite that is not defined (left to unknown-reference), or the role itself',
    policy: yaml`
      roles:
        odd: { requires: [ghost, odd] }
      users:
        alice: { type: internal, roles: [odd] }
    `,
  },
];

const invalid: InvalidCase[] = [
  {
    name: 'Primary Customer Admin without Now Support Admin',
    policy: yaml`
      roles:
        now_support_admin: {}
        primary_customer_admin: { requires: [now_support_admin] }
      users:
        kwame:
          type: internal
          roles: [primary_customer_admin]
    `,
    errors: [
      {
        at: 'policy.yaml:5:3',
        subject: 'user:kwame',
        target: 'role:primary_customer_admin',
        message: ['user `kwame` holds role `primary_customer_admin` (assigned directly), which requires role `now_support_admin`, but does not hold `now_support_admin`', 'assign `now_support_admin`', 'or remove `primary_customer_admin`'],
        related: ['policy.yaml:7:13', 'policy.yaml:3:40'],
        relatedMessages: ['role `primary_customer_admin` assigned directly (policy.yaml:7)', 'role `primary_customer_admin` requires role `now_support_admin`'],
      },
    ],
  },
  {
    name: 'the prerequisite assignment expired',
    policy: yaml`
      roles:
        now_support_contributor: {}
        security_contact: { requires: [now_support_contributor] }
      users:
        yuki:
          type: internal
          roles:
            - security_contact
            - { role: now_support_contributor, expires: 2026-10-31 }
    `,
    errors: [
      {
        at: 'policy.yaml:5:3',
        subject: 'user:yuki',
        target: 'role:security_contact',
        message: ['(its assignment expired on 2026-10-31)'],
        related: ['policy.yaml:8:9', 'policy.yaml:3:34', 'policy.yaml:9:9'],
        relatedMessages: ['role `security_contact` assigned directly (policy.yaml:8)', 'role `security_contact` requires role `now_support_contributor`', 'the assignment of role `now_support_contributor` expired on 2026-10-31'],
      },
    ],
  },
  {
    name: 'a role from a group requiring two roles, both missing',
    policy: yaml`
      roles:
        contact: {}
        account_member: {}
        key_contact: { requires: [contact, account_member] }
      groups:
        key-contacts: { roles: [key_contact], members: [ana] }
      users:
        ana: { type: external }
    `,
    errors: [
      { at: 'policy.yaml:8:3', subject: 'user:ana', target: 'role:key_contact', message: ['(via group `key-contacts`)', 'requires role `account_member`'], related: ['policy.yaml:6:51', 'policy.yaml:4:38'] },
      { at: 'policy.yaml:8:3', subject: 'user:ana', target: 'role:key_contact', message: ['requires role `contact`'], related: ['policy.yaml:6:51', 'policy.yaml:4:29'] },
    ],
  },
  {
    name: 'a role held through containment',
    policy: yaml`
      roles:
        bundle: { contains: [primary] }
        primary: { requires: [admin] }
        admin: {}
      users:
        kim: { type: internal, roles: [bundle] }
    `,
    errors: [{ at: 'policy.yaml:6:3', subject: 'user:kim', target: 'role:primary', message: ['holds role `primary` (via role `bundle`)'], related: ['policy.yaml:6:34', 'policy.yaml:3:25'] }],
  },
];

describe(id, () => {
  runTable(valid, invalid);
  exampleOrganisation();

  it('names both roles as targets, so an exception may name the prerequisite', () => {
    const result = check(yaml`
      roles:
        admin: {}
        primary: { requires: [admin] }
      users:
        kim: { type: internal, roles: [primary] }
        carol: { type: internal, roles: [admin] }
      settings:
        exceptions:
          - { rule: missing-prerequisite, subject: user:kim, target: role:admin, reason: admin role requested in RITM0001, approvedBy: carol, expires: 2027-01-31 }
    `);
    expect(findings(result, id).map((f) => `${f.subject} ${f.suppressed}`)).toEqual(['user:kim true']);
  });

  it('emits users in sorted order', () => {
    const result = check(yaml`
      roles:
        admin: {}
        primary: { requires: [admin] }
      users:
        zed: { type: internal, roles: [primary] }
        amy: { type: internal, roles: [primary] }
    `);
    expect([...rule.check(contextOf(result))].map((f) => f.subject.id)).toEqual(['amy', 'zed']);
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

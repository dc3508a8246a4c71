import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/compile.js';
import { rules as registry } from '../../src/rules/index.js';
import type { RuleContext } from '../../src/rules/types.js';
import { audienceContainment } from '../../src/rules/audience-containment.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';

const rule = audienceContainment;
const id = rule.meta.id;

const valid: ValidCase[] = [
  {
    name: 'roles containing roles of their own audience or of any audience',
    policy: yaml`
      roles:
        csm_manager: { audience: internal, contains: [agent, kb_reader] }
        agent: { audience: internal, contains: [kb_reader] }
        customer_admin: { audience: external, contains: [customer, kb_reader] }
        customer: { audience: external }
        csm_unified_consumer: { contains: [kb_reader] }
        kb_reader: { audience: any }
    `,
  },
  {
    name: 'internal-only permissions in internal roles; any-audience permissions anywhere',
    policy: yaml`
      permissions:
        ns.user.manage: { audience: internal }
        kb.read: {}
        portal.login: { audience: external }
      roles:
        now_support_admin: { audience: internal, grants: [ns.user.manage, kb.read] }
        customer: { audience: external, grants: [kb.read, portal.login] }
        reader: { grants: [kb.read] }
    `,
  },
  {
    name: "a carve-out: the role's own deny (or a contained role's deny) removes the internal-only permission",
    policy: yaml`
      permissions:
        kb.read: {}
        kb.internal_note: { audience: internal }
      roles:
        portal_user: { audience: external, grants: ["kb.*"], denies: [kb.internal_note] }
        portal_member: { audience: external, grants: ["kb.*"], contains: [no_internal_notes] }
        no_internal_notes: { denies: [kb.internal_note] }
    `,
  },
  {
    name: 'a contained role that is not defined (left to unknown-reference)',
    policy: yaml`
      roles:
        customer: { audience: external, contains: [ghost] }
    `,
  },
];

const invalid: InvalidCase[] = [
  {
    name: 'an any-audience role containing an internal role (CSM escalation requester)',
    policy: yaml`
      roles:
        sn_customerservice.escalation_requester:
          contains: [sn_customerservice.consumer_agent]
        sn_customerservice.consumer_agent: { audience: internal }
    `,
    errors: [
      {
        at: 'policy.yaml:3:16',
        subject: 'role:sn_customerservice.escalation_requester',
        target: 'role:sn_customerservice.consumer_agent',
        message: ['any-audience role `sn_customerservice.escalation_requester` contains internal role `sn_customerservice.consumer_agent`', 'external holders', 'audience: internal'],
        related: ['policy.yaml:4:3'],
        relatedMessages: ['role `sn_customerservice.consumer_agent` is declared `audience: internal`'],
      },
    ],
  },
  {
    name: 'an internal role containing an external role',
    policy: yaml`
      roles:
        csm_manager: { audience: internal, contains: [agent, sn_customerservice.customer] }
        agent: { audience: internal }
        sn_customerservice.customer: { audience: external }
    `,
    errors: [
      {
        at: 'policy.yaml:2:56',
        subject: 'role:csm_manager',
        target: 'role:sn_customerservice.customer',
        message: ['internal role `csm_manager` contains external role `sn_customerservice.customer`', 'every holder of `csm_manager`', 'remove `sn_customerservice.customer` from `contains`'],
      },
    ],
  },
  {
    name: 'an external role granting an internal-only permission',
    policy: yaml`
      permissions:
        ns.user.manage: { audience: internal }
        trust.article.read: {}
      roles:
        trust_guest:
          audience: external
          grants: [trust.article.read, ns.user.manage]
    `,
    errors: [
      {
        at: 'policy.yaml:5:3',
        subject: 'role:trust_guest',
        target: 'permission:ns.user.manage',
        message: ['external role `trust_guest` grants internal-only permission `ns.user.manage`', 'every holder', 'denies'],
        related: ['policy.yaml:7:34', 'policy.yaml:2:3'],
        relatedMessages: ['role `trust_guest` gets permission `ns.user.manage` via grant `ns.user.manage` (policy.yaml:7)', 'permission `ns.user.manage` is declared `audience: internal`'],
      },
    ],
  },
  {
    name: 'an internal-only permission reached by a wildcard, through containment',
    policy: yaml`
      permissions:
        kb.read: {}
        kb.internal_note: { audience: internal }
      roles:
        portal_user: { audience: external, contains: [kb_reader] }
        kb_reader: { grants: ["kb.*"] }
    `,
    errors: [
      {
        at: 'policy.yaml:5:3',
        subject: 'role:portal_user',
        target: 'permission:kb.internal_note',
        message: ['(via role `kb_reader`)'],
        related: ['policy.yaml:5:49', 'policy.yaml:3:3'],
        relatedMessages: ['role `portal_user` gets permission `kb.internal_note` via role `kb_reader` (policy.yaml:5) > grant `kb.*` (policy.yaml:6)'],
      },
      {
        at: 'policy.yaml:6:3',
        subject: 'role:kb_reader',
        target: 'permission:kb.internal_note',
        message: ['any-audience role `kb_reader` grants internal-only permission `kb.internal_note`', 'an external holder'],
        related: ['policy.yaml:6:25', 'policy.yaml:3:3'],
      },
    ],
  },
  {
    name: 'both kinds on one role',
    policy: yaml`
      permissions:
        ns.user.manage: { audience: internal }
      roles:
        bundle: { contains: [ns_admin] }
        ns_admin: { audience: internal, grants: [ns.user.manage] }
    `,
    errors: [
      { at: 'policy.yaml:4:3', subject: 'role:bundle', target: 'permission:ns.user.manage' },
      { at: 'policy.yaml:4:24', subject: 'role:bundle', target: 'role:ns_admin' },
    ],
  },
];

describe(id, () => {
  runTable(valid, invalid);
  exampleOrganisation();

  it('emits roles in sorted order, each role its containment findings first', () => {
    const result = check(yaml`
      permissions:
        ns.user.manage: { audience: internal }
      roles:
        zeta: { audience: external, grants: [ns.user.manage], contains: [alpha] }
        alpha: { audience: internal }
    `);
    expect([...rule.check(contextOf(result))].map((f) => `${f.subject.id} ${f.target?.kind}:${f.target?.id}`)).toEqual(['zeta role:alpha', 'zeta permission:ns.user.manage']);
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

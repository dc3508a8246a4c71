import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/compile.js';
import { rules as registry } from '../../src/rules/index.js';
import type { RuleContext } from '../../src/rules/types.js';
import { audienceMismatch } from '../../src/rules/audience-mismatch.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';

const rule = audienceMismatch;
const id = rule.meta.id;

const valid: ValidCase[] = [
  {
    name: 'internal users with internal and any-audience roles, external users with external ones',
    policy: yaml`
      roles:
        sn_customerservice_agent: { audience: internal }
        sn_customerservice.customer: { audience: external }
        csm_unified_consumer: { audience: any }
        kb_reader: {}
      users:
        jonas: { type: internal, roles: [sn_customerservice_agent, csm_unified_consumer, kb_reader] }
        carla: { type: external, roles: [sn_customerservice.customer, csm_unified_consumer, kb_reader] }
    `,
  },
  {
    name: 'an inactive external user with an internal role',
    policy: yaml`
      roles:
        sn_customerservice_agent: { audience: internal }
      users:
        hannah: { type: external, status: inactive, roles: [sn_customerservice_agent] }
    `,
  },
  {
    name: 'an expired assignment of an internal role',
    policy: yaml`
      roles:
        sn_customerservice_agent: { audience: internal }
        sn_customerservice.customer: { audience: external }
      users:
        carla:
          type: external
          roles:
            - sn_customerservice.customer
            - { role: sn_customerservice_agent, expires: 2026-11-21 }
    `,
  },
  {
    name: "an external member of a parent group does not get the internal subgroup's role",
    policy: yaml`
      roles:
        portal_user: { audience: any }
        sn_customerservice_agent: { audience: internal }
      groups:
        everyone: { roles: [portal_user], members: [carla], subgroups: [agents] }
        agents: { roles: [sn_customerservice_agent], members: [ahmed] }
      users:
        carla: { type: external }
        ahmed: { type: internal }
    `,
  },
  {
    name: 'an any-audience role containing an any-audience role',
    policy: yaml`
      roles:
        csm_unified_consumer: { contains: [kb_reader] }
        kb_reader: { audience: any }
      users:
        carla: { type: external, roles: [csm_unified_consumer] }
    `,
  },
];

const invalid: InvalidCase[] = [
  {
    name: 'an external user assigned an internal role directly',
    policy: yaml`
      roles:
        sn_customerservice_agent: { audience: internal }
        sn_customerservice.customer: { audience: external }
      users:
        carla:
          type: external
          sponsor: david
          roles: [sn_customerservice.customer, sn_customerservice_agent]
        david: { type: internal, roles: [sn_customerservice_agent] }
    `,
    errors: [
      {
        at: 'policy.yaml:5:3',
        subject: 'user:carla',
        target: 'role:sn_customerservice_agent',
        message: ['external user `carla` holds internal role `sn_customerservice_agent` (assigned directly)', 'internal users only', 'remove the assignment'],
        related: ['policy.yaml:8:42', 'policy.yaml:2:3'],
        relatedMessages: ['role `sn_customerservice_agent` assigned directly (policy.yaml:8)', 'role `sn_customerservice_agent` is declared `audience: internal`'],
      },
    ],
  },
  {
    name: 'an internal user given an external role by a group',
    policy: yaml`
      roles:
        trust_guest: { audience: external }
        reader: {}
      groups:
        auditors:
          roles: [trust_guest, reader]
          members: [yuki]
      users:
        yuki: { type: internal }
    `,
    errors: [
      {
        at: 'policy.yaml:9:3',
        subject: 'user:yuki',
        target: 'role:trust_guest',
        message: ['internal user `yuki` holds external role `trust_guest` (via group `auditors`)'],
        related: ['policy.yaml:7:15', 'policy.yaml:2:3'],
        relatedMessages: ['role `trust_guest` via group `auditors` (policy.yaml:7) > role `trust_guest` (policy.yaml:6)'],
      },
    ],
  },
  {
    name: 'an internal role reached through an any-audience role',
    policy: yaml`
      roles:
        csm_unified_consumer: { contains: [sn_customerservice.consumer_agent] }
        sn_customerservice.consumer_agent: { audience: internal }
      users:
        zoe: { type: external, roles: [csm_unified_consumer] }
    `,
    errors: [
      {
        at: 'policy.yaml:5:3',
        subject: 'user:zoe',
        target: 'role:sn_customerservice.consumer_agent',
        message: ['(via role `csm_unified_consumer`)'],
        related: ['policy.yaml:5:34', 'policy.yaml:3:3'],
      },
    ],
  },
  {
    name: 'one finding per role; users with the same roles but another type are not affected',
    policy: yaml`
      roles:
        agent: { audience: internal }
        manager: { audience: internal, contains: [agent] }
      groups:
        desk: { roles: [manager], members: [int, ext] }
      users:
        int: { type: internal }
        ext: { type: external }
    `,
    errors: [
      { at: 'policy.yaml:8:3', subject: 'user:ext', target: 'role:agent', message: ['internal role `agent` (via group `desk` > role `manager`)'] },
      { at: 'policy.yaml:8:3', subject: 'user:ext', target: 'role:manager', message: ['internal role `manager` (via group `desk`)'] },
    ],
  },
];

describe(id, () => {
  runTable(valid, invalid);
  exampleOrganisation();

  it('emits users in sorted order', () => {
    const result = check(yaml`
      roles:
        agent: { audience: internal }
      users:
        zed: { type: external, roles: [agent] }
        amy: { type: external, roles: [agent] }
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

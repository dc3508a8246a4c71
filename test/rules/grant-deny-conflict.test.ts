import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/compile.js';
import { rules as registry } from '../../src/rules/index.js';
import type { RuleContext } from '../../src/rules/types.js';
import { grantDenyConflict } from '../../src/rules/grant-deny-conflict.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';

const rule = grantDenyConflict;
const id = rule.meta.id;

const valid: ValidCase[] = [
  {
    name: 'a carve-out: the denying role contains the granting role (agent trainee)',
    policy: yaml`
      permissions:
        kb.read: {}
        kb.publish: {}
        case.write: { scopes: [own, all] }
      roles:
        sn_customerservice_agent: { grants: [kb.read, kb.publish, case.write@all] }
        x_nwn.agent_trainee: { contains: [sn_customerservice_agent], denies: [kb.publish] }
        x_nwn.senior_trainee: { contains: [x_nwn.agent_trainee] }
      users:
        tomas: { type: internal, roles: [x_nwn.agent_trainee, sn_customerservice_agent] }
        ines: { type: internal, roles: [x_nwn.senior_trainee] }
    `,
  },
  {
    name: 'a deny of something granted only by a wildcard',
    policy: yaml`
      permissions:
        kb.read: {}
        kb.publish: {}
      roles:
        kb_all: { grants: ["kb.*"] }
        kb_no_publish: { denies: [kb.publish] }
      users:
        lena: { type: internal, roles: [kb_all, kb_no_publish] }
    `,
  },
  {
    name: 'an inactive user, an expired deny, and a deny in a role the user does not hold',
    policy: yaml`
      permissions:
        kb.publish: {}
      roles:
        kb_editor: { grants: [kb.publish] }
        kb_restricted: { denies: [kb.publish] }
      users:
        hannah: { type: internal, status: inactive, roles: [kb_editor, kb_restricted] }
        ben: { type: internal, roles: [kb_editor, { role: kb_restricted, expires: 2026-11-01 }] }
        lisa: { type: internal, roles: [kb_editor] }
        rob: { type: internal, roles: [kb_restricted] }
    `,
  },
  {
    name: 'a role that grants and denies the same permission itself',
    policy: yaml`
      permissions:
        kb.publish: {}
      roles:
        confused: { grants: [kb.publish], denies: [kb.publish] }
      users:
        lena: { type: internal, roles: [confused] }
    `,
  },
];

const invalid: InvalidCase[] = [
  {
    name: 'a named grant from a direct assignment, a deny from a group',
    policy: yaml`
      permissions:
        kb.read: {}
        kb.publish: {}
      roles:
        kb_editor: { grants: [kb.read, kb.publish] }
        kb_restricted: { denies: [kb.publish] }
      groups:
        contractors: { roles: [kb_restricted], members: [lena] }
      users:
        lena: { type: internal, roles: [kb_editor] }
    `,
    errors: [
      {
        at: 'policy.yaml:10:3',
        subject: 'user:lena',
        target: 'permission:kb.publish',
        severity: 'warning',
        message: [
          'user `lena` is granted permission `kb.publish` by role `kb_editor` (assigned directly) but denied it by role `kb_restricted` (via group `contractors`)',
          'deny wins, so `lena` does not hold `kb.publish`',
          'remove the deny from `kb_restricted`',
        ],
        related: ['policy.yaml:5:34', 'policy.yaml:6:29'],
        relatedMessages: [
          'role `kb_editor` grants `kb.publish`, and the user has role `kb_editor` assigned directly (policy.yaml:10)',
          'role `kb_restricted` denies `kb.publish`, and the user has role `kb_restricted` via group `contractors` (policy.yaml:8) > role `kb_restricted` (policy.yaml:8)',
        ],
      },
    ],
  },
  {
    name: 'a scoped named grant and a wildcard deny: one finding per permission',
    policy: yaml`
      permissions:
        case.read: { scopes: [own, all] }
        case.write: {}
      roles:
        customer: { grants: [case.read@own, case.write] }
        frozen: { denies: ["case.*"] }
      users:
        carla: { type: external, roles: [customer, frozen] }
    `,
    errors: [
      { at: 'policy.yaml:8:3', subject: 'user:carla', target: 'permission:case.read', message: ['permission `case.read` by role `customer`'], related: ['policy.yaml:5:24', 'policy.yaml:6:22'] },
      { at: 'policy.yaml:8:3', subject: 'user:carla', target: 'permission:case.write', message: ['permission `case.write` by role `customer`'], related: ['policy.yaml:5:39', 'policy.yaml:6:22'] },
    ],
  },
  {
    name: 'a role containing a role that denies what it grants by name',
    policy: yaml`
      permissions:
        kb.publish: {}
      roles:
        author: { grants: [kb.publish], contains: [no_publish] }
        no_publish: { denies: [kb.publish] }
      users:
        olga: { type: internal, roles: [author] }
    `,
    errors: [{ at: 'policy.yaml:7:3', subject: 'user:olga', target: 'permission:kb.publish', message: ['by role `author` (assigned directly) but denied it by role `no_publish` (via role `author`)'] }],
  },
];

describe(id, () => {
  runTable(valid, invalid);
  exampleOrganisation();

  it('names the granting and the denying role as targets, one finding per user and permission', () => {
    const result = check(yaml`
      permissions:
        kb.publish: {}
      roles:
        editor_a: { grants: [kb.publish] }
        editor_b: { grants: [kb.publish] }
        deny_a: { denies: [kb.publish] }
        deny_b: { denies: [kb.publish], contains: [editor_a] }
      users:
        zed: { type: internal, roles: [editor_a, editor_b, deny_a, deny_b] }
        amy: { type: internal, roles: [editor_a, deny_b] }
        bea: { type: internal, roles: [editor_b, deny_b] }
    `);
    expect([...rule.check(contextOf(result))].map((f) => `${f.subject.id} ${(f.targets ?? []).map((t) => `${t.kind}:${t.id}`).join(',')}`)).toEqual([
      'bea role:editor_b,role:deny_b',
      'zed role:editor_a,role:deny_a',
    ]);
  });

  it('settings.rules can raise it to an error', () => {
    const result = check(yaml`
      permissions:
        kb.publish: {}
      roles:
        editor: { grants: [kb.publish] }
        restricted: { denies: [kb.publish] }
      users:
        lena: { type: internal, roles: [editor, restricted] }
      settings:
        rules: { grant-deny-conflict: error }
    `);
    expect(findings(result, id).map((f) => f.severity)).toEqual(['error']);
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

import { describe, expect, it } from 'vitest';
import type { Assertion } from '../../src/model/policy.js';
import { assertionFailed } from '../../src/rules/assertion-failed.js';
import type { RuleContext } from '../../src/rules/types.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { docsTest, ruleTester } from './support/rule-tester.js';

/** Lines 1-30: permissions, roles, groups and users shared by every case; `assertions:` is line 31, the first assertion line 32. */
const org = yaml`
  permissions:
    case.read: { scopes: [own, account, all] }
    case.delete: { risk: high, audience: internal }
    kb.read:
    kb.publish:
  roles:
    agent:
      grants: [case.read@own, kb.read, kb.publish]
    manager:
      contains: [agent]
      grants: [case.read@account]
    trainee:
      contains: [agent]
      denies: [kb.publish]
    admin:
      grants: [case.delete, case.read@all]
  groups:
    agents:
      roles: [agent]
      members: [alice, dave]
      subgroups: [agents-emea]
    agents-emea:
      members: [sofia]
  users:
    alice: { type: internal }
    bob: { type: internal, roles: [admin] }
    carol: { type: internal, roles: [trainee] }
    dave: { type: internal, status: inactive }
    erin: { type: internal, roles: [{ role: manager, expires: 2026-10-31 }] }
    sofia: { type: internal, roles: [manager] }
`;

const withAssertions = (text: string): string => org + 'assertions:\n' + text;

ruleTester(assertionFailed, {
  valid: [
    {
      name: 'user has: exact scope, wider scope, unscoped, through a subgroup',
      policy: withAssertions(yaml`
        - user: alice
          has: [case.read@own, case.read, kb.read]
        - user: sofia
          has: [case.read@own, case.read@account, kb.publish]
        - user: bob
          has: [case.read@account, case.delete]
      `),
    },
    {
      name: 'user lacks: never granted, denied, expired, inactive',
      policy: withAssertions(yaml`
        - user: alice
          lacks: [case.delete]
        - user: carol
          lacks: [kb.publish]
        - user: erin
          lacks: [case.read]
        - user: dave
          lacks: [kb.read, case.read]
      `),
    },
    {
      name: 'permission heldBy: exactly the holders (inactive users hold nothing)',
      policy: withAssertions(yaml`
        - permission: case.delete
          heldBy: [bob]
        - permission: kb.publish
          heldBy: [alice, sofia]
        - permission: case.read@account
          heldBy: [bob, sofia]
        - permission: case.read@all
          heldBy: [bob]
      `),
    },
    {
      name: 'role grants and lacks: containment, scope at least, deny carve-out',
      policy: withAssertions(yaml`
        - role: manager
          grants: [case.read@own, case.read@account, kb.read, kb.publish]
          lacks: [case.delete]
        - role: trainee
          grants: [kb.read, case.read@own]
          lacks: [kb.publish]
      `),
    },
    {
      name: 'unknown ids and scopes are left to unknown-reference and invalid-scope',
      policy: withAssertions(yaml`
        - user: ghost
          has: [kb.read]
        - user: alice
          has: [case.write, case.read@team, kb.read@own]
        - role: nobody
          grants: [kb.read]
        - permission: case.delete
          heldBy: [bob, ghost]
        - permission: case.read@team
          heldBy: []
      `),
    },
  ],
  invalid: [
    {
      name: 'user has: a narrower scope, with the path that gives it',
      policy: withAssertions(yaml`
        - user: alice
          has: [case.read@account]
      `),
      findings: [
        {
          at: 'policy.yaml:32:9',
          subject: 'user:alice',
          message: [
            'expected `alice` to hold `case.read@account`, found `case.read@own` via group `agents` (policy.yaml:20) > role `agent` (policy.yaml:19) > grant `case.read@own` (policy.yaml:8)',
            'or correct the assertion',
          ],
        },
      ],
    },
    {
      name: 'user has: denied, with the grant and the deny paths',
      policy: withAssertions(yaml`
        - user: carol
          has: [kb.publish]
      `),
      findings: [
        {
          at: 'policy.yaml:32:9',
          subject: 'user:carol',
          message: ['found it granted via role `trainee` (policy.yaml:27) > role `agent` (policy.yaml:13) > grant `kb.publish` (policy.yaml:8) but denied via role `trainee` (policy.yaml:27) > deny `kb.publish` (policy.yaml:14)', 'remove the deny'],
        },
      ],
    },
    {
      name: 'user has: inactive user',
      policy: withAssertions(yaml`
        - user: dave
          has: [kb.read]
      `),
      findings: [{ at: 'policy.yaml:32:9', subject: 'user:dave', message: ['found nothing: `dave` is inactive (policy.yaml:28)'] }],
    },
    {
      name: 'user has: only an expired assignment would give it',
      policy: withAssertions(yaml`
        - user: erin
          has: [case.read]
      `),
      findings: [{ at: 'policy.yaml:32:9', subject: 'user:erin', message: ['found nothing: `erin` holds no role; the assignment of `manager` (policy.yaml:29) that would give it expired on 2026-10-31'] }],
    },
    {
      name: 'user has: no role grants it',
      policy: withAssertions(yaml`
        - user: alice
          description: agents can delete cases
          has: [case.delete]
      `),
      findings: [{ at: 'policy.yaml:32:9', subject: 'user:alice', message: ['expected `alice` to hold `case.delete`, found no path: none of their roles grants it'] }],
    },
    {
      name: 'user lacks: found, with the path; one finding per failing item',
      policy: withAssertions(yaml`
        - user: bob
          lacks: [case.delete, kb.read, case.read]
      `),
      findings: [
        { at: 'policy.yaml:32:9', subject: 'user:bob', message: ['expected `bob` to lack `case.delete`, found `case.delete` via role `admin` (policy.yaml:26) > grant `case.delete` (policy.yaml:16)'] },
        { at: 'policy.yaml:32:9', subject: 'user:bob', message: ['expected `bob` to lack `case.read`, found `case.read@all` via role `admin` (policy.yaml:26) > grant `case.read@all` (policy.yaml:16)'] },
      ],
    },
    {
      name: 'permission heldBy: who is missing and who is extra, with the path',
      policy: withAssertions(yaml`
        - permission: case.delete
          heldBy: [alice, dave]
      `),
      findings: [
        {
          at: 'policy.yaml:32:15',
          subject: 'permission:case.delete',
          message: [
            'expected `case.delete` to be held by exactly `alice` and `dave`',
            'missing: `alice` (no role of theirs grants it), `dave` (inactive)',
            'extra: `bob` via role `admin` (policy.yaml:26) > grant `case.delete` (policy.yaml:16)',
            'or correct `heldBy`',
          ],
        },
      ],
    },
    {
      name: 'permission heldBy with a scope: a narrower holder is missing; nobody expected',
      policy: withAssertions(yaml`
        - permission: case.read@account
          heldBy: [alice, bob, sofia]
        - permission: kb.publish
          heldBy: []
      `),
      findings: [
        { at: 'policy.yaml:32:15', subject: 'permission:case.read', message: ['missing: `alice` (holds only `case.read@own`)'] },
        {
          at: 'policy.yaml:34:15',
          subject: 'permission:kb.publish',
          message: ['expected nobody to hold `kb.publish`, found extra: `alice` via group `agents` (policy.yaml:20) > role `agent` (policy.yaml:19) > grant `kb.publish` (policy.yaml:8); `sofia` via role `manager` (policy.yaml:30) > role `agent` (policy.yaml:10) > grant `kb.publish` (policy.yaml:8)'],
        },
      ],
    },
    {
      name: 'role grants: narrower scope, denied, missing; lacks: found',
      policy: withAssertions(yaml`
        - role: trainee
          grants: [case.read@account, kb.publish, case.delete]
          lacks: [kb.read]
      `),
      findings: [
        { at: 'policy.yaml:32:9', subject: 'role:trainee', message: ['expected role `trainee` to grant `case.delete`, found no grant of it in `trainee` or the roles it contains (`agent`)'] },
        { at: 'policy.yaml:32:9', subject: 'role:trainee', message: ['expected role `trainee` to grant `case.read@account`, found `case.read@own` via role `agent` (policy.yaml:13) > grant `case.read@own` (policy.yaml:8)'] },
        { at: 'policy.yaml:32:9', subject: 'role:trainee', message: ['expected role `trainee` to grant `kb.publish`, found it granted via role `agent` (policy.yaml:13) > grant `kb.publish` (policy.yaml:8) but denied by its own deny `kb.publish` (policy.yaml:14)'] },
        { at: 'policy.yaml:32:9', subject: 'role:trainee', message: ['expected role `trainee` to lack `kb.read`, found `kb.read` via role `agent` (policy.yaml:13) > grant `kb.read` (policy.yaml:8)'] },
      ],
    },
    {
      name: 'role lacks: its own grant',
      policy: withAssertions(yaml`
        - role: admin
          lacks: [case.read]
      `),
      findings: [{ at: 'policy.yaml:32:9', subject: 'role:admin', message: ['expected role `admin` to lack `case.read`, found `case.read@all` via grant `case.read@all` (policy.yaml:16)'] }],
    },
  ],
});

describe('assertion-failed: details', () => {
  it('targets the permission of a failing item, and points at the item', () => {
    const result = checkYaml(withAssertions(yaml`
      - user: alice
        has: [kb.read, case.delete]
    `), { rules: [assertionFailed] });
    expect(result.diagnostics.map((d) => [d.target, d.related[0]])).toEqual([[{ kind: 'permission', id: 'case.delete' }, { file: 'policy.yaml', line: 33, column: 18, message: 'expected here' }]]);
  });

  it('lists at most ten extra holders, then says how many more', () => {
    const users = Array.from({ length: 12 }, (_, i) => `  u${String(i).padStart(2, '0')}: { type: internal, roles: [admin] }`).join('\n');
    const result = checkYaml(org + users + '\nassertions:\n  - permission: case.delete\n    heldBy: []\n', { rules: [assertionFailed] });
    const [finding] = findings(result, 'assertion-failed');
    expect(finding!.message).toContain('`bob` via role `admin`');
    expect(finding!.message).toContain('`u08` via role `admin` (policy.yaml:39)');
    expect(finding!.message).not.toContain('`u09`');
    expect(finding!.message).toContain(' and 3 more');
  });

  it('a scoped lacks fails only at that scope or wider', () => {
    const result = checkYaml(org, { rules: [] });
    const alice = result.model.users.get('alice')!;
    const sofia = result.model.users.get('sofia')!;
    const ref = (text: string) => ({ text, permission: 'case.read', scope: text.split('@')[1]!, span: alice.span });
    const assertions: Assertion[] = [
      { kind: 'user', span: alice.span, subject: { id: 'alice', span: alice.span }, has: [], lacks: [ref('case.read@account')] },
      { kind: 'user', span: sofia.span, subject: { id: 'sofia', span: sofia.span }, has: [], lacks: [ref('case.read@account'), ref('case.read@all')] },
    ];
    const context: RuleContext = {
      asOf: '2026-11-22',
      files: result.parsed,
      loadProblems: [],
      syntaxProblems: [],
      schemaProblems: [],
      model: { ...result.model, assertions },
      settings: result.model.settings,
      resolution: result.resolution,
    };
    const messages = [...assertionFailed.check(context)].map((f) => f.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('expected `sofia` to lack `case.read@account` (or wider), found `case.read@account` via role `manager`');
  });

  it('a failing assertion can be accepted by an exception on its subject and permission', () => {
    const result = checkYaml(
      withAssertions(yaml`
        - user: alice
          has: [case.delete, kb.read@own]
        - user: alice
          has: [case.read@all]
      `) +
        yaml`
          settings:
            exceptions:
              - { rule: assertion-failed, subject: user:alice, target: permission:case.delete, reason: access request pending, approvedBy: bob, expires: 2026-12-31 }
        `,
      { rules: [assertionFailed] },
    );
    expect(findings(result, 'assertion-failed').map((f) => [f.at, f.suppressed])).toEqual([
      ['policy.yaml:32:9', true],
      ['policy.yaml:34:9', false],
    ]);
  });
});

docsTest(assertionFailed);

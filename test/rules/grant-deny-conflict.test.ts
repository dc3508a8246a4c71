import { describe, expect, it } from 'vitest';
import { grantDenyConflict } from '../../src/rules/grant-deny-conflict.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { contextOf, docsTest, exampleOrganisationTest, ruleTester, type InvalidCase, type ValidCase } from './support/rule-tester.js';

const rule = grantDenyConflict;
const id = rule.meta.id;
const check = (policy: string) => checkYaml(policy, { rules: [rule] });

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
    findings: [
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
    findings: [
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
    findings: [{ at: 'policy.yaml:7:3', subject: 'user:olga', target: 'permission:kb.publish', message: ['by role `author` (assigned directly) but denied it by role `no_publish` (via role `author`)'] }],
  },
];

ruleTester(rule, { valid, invalid });

describe(id, () => {
  exampleOrganisationTest(rule);

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

});

docsTest(rule);

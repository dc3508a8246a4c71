import { describe, expect, it } from 'vitest';
import { selfExcludingRole } from '../../src/rules/self-excluding-role.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { contextOf, docsTest, exampleOrganisationTest, ruleTester, type InvalidCase, type ValidCase } from './support/rule-tester.js';

const rule = selfExcludingRole;
const id = rule.meta.id;
const check = (policy: string) => checkYaml(policy, { rules: [rule] });

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
    findings: [
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
    findings: [
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
    findings: [
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
    findings: [{ at: 'policy.yaml:3:3', subject: 'role:admin', target: 'role:admin', message: ['role `admin` contains role `member`', '`member` excludes `admin`'], related: ['policy.yaml:2:24', 'policy.yaml:3:23'] }],
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
    findings: [
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
    findings: [{ at: 'policy.yaml:2:3', subject: 'role:odd', target: 'role:odd', message: ['`odd` excludes itself'], related: ['policy.yaml:2:21'] }],
  },
];

ruleTester(rule, { valid, invalid });

describe(id, () => {
  exampleOrganisationTest(rule);

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

});

docsTest(rule);

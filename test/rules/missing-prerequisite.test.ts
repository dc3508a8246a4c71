import { describe, expect, it } from 'vitest';
import { missingPrerequisite } from '../../src/rules/missing-prerequisite.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { contextOf, docsTest, exampleOrganisationTest, ruleTester, type InvalidCase, type ValidCase } from './support/rule-tester.js';

const rule = missingPrerequisite;
const id = rule.meta.id;
const check = (policy: string) => checkYaml(policy, { rules: [rule] });

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
    findings: [
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
    findings: [
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
    findings: [
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
    findings: [{ at: 'policy.yaml:6:3', subject: 'user:kim', target: 'role:primary', message: ['holds role `primary` (via role `bundle`)'], related: ['policy.yaml:6:34', 'policy.yaml:3:25'] }],
  },
];

ruleTester(rule, { valid, invalid });

describe(id, () => {
  exampleOrganisationTest(rule);

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

});

docsTest(rule);

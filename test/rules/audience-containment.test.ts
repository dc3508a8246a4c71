import { describe, expect, it } from 'vitest';
import { audienceContainment } from '../../src/rules/audience-containment.js';
import { checkYaml, yaml } from '../helpers/policy.js';
import { contextOf, docsTest, exampleOrganisationTest, ruleTester, type InvalidCase, type ValidCase } from './support/rule-tester.js';

const rule = audienceContainment;
const id = rule.meta.id;
const check = (policy: string) => checkYaml(policy, { rules: [rule] });

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
    findings: [
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
    findings: [
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
    findings: [
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
    findings: [
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
    findings: [
      { at: 'policy.yaml:4:3', subject: 'role:bundle', target: 'permission:ns.user.manage' },
      { at: 'policy.yaml:4:24', subject: 'role:bundle', target: 'role:ns_admin' },
    ],
  },
];

ruleTester(rule, { valid, invalid });

describe(id, () => {
  exampleOrganisationTest(rule);

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

});

docsTest(rule);

import { describe, expect, it } from 'vitest';
import { audienceMismatch } from '../../src/rules/audience-mismatch.js';
import { checkYaml, yaml } from '../helpers/policy.js';
import { contextOf, docsTest, exampleOrganisationTest, ruleTester, type InvalidCase, type ValidCase } from './support/rule-tester.js';

const rule = audienceMismatch;
const id = rule.meta.id;
const check = (policy: string) => checkYaml(policy, { rules: [rule] });

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
    findings: [
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
    findings: [
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
    findings: [
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
    findings: [
      { at: 'policy.yaml:8:3', subject: 'user:ext', target: 'role:agent', message: ['internal role `agent` (via group `desk` > role `manager`)'] },
      { at: 'policy.yaml:8:3', subject: 'user:ext', target: 'role:manager', message: ['internal role `manager` (via group `desk`)'] },
    ],
  },
];

ruleTester(rule, { valid, invalid });

describe(id, () => {
  exampleOrganisationTest(rule);

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

});

docsTest(rule);

import { emptyGroup } from '../../src/rules/empty-group.js';
import { yaml } from '../helpers/policy.js';
import { docsTest, ruleTester } from './support/rule-tester.js';

ruleTester(emptyGroup, {
  valid: [
    {
      name: 'direct active members',
      policy: yaml`
        groups:
          csm-agents: { members: [ahmed] }
        users:
          ahmed: { type: internal }
      `,
    },
    {
      name: 'members only through a subgroup, two levels down',
      policy: yaml`
        groups:
          northwind-employees: { subgroups: [csm-agents] }
          csm-agents: { subgroups: [csm-agents-emea] }
          csm-agents-emea: { members: [sofia] }
        users:
          sofia: { type: internal }
      `,
    },
    {
      name: 'one inactive and one active member',
      policy: yaml`
        groups:
          csm-agents: { members: [hannah, sofia] }
        users:
          hannah: { type: internal, status: inactive }
          sofia: { type: internal }
      `,
    },
    {
      name: 'a user broken by a schema error may be the member: nothing is claimed',
      policy: yaml`
        groups:
          csm-agents: { members: [sofia] }
        users:
          sofia: { type: robot }
      `,
    },
  ],
  invalid: [
    {
      name: 'no members at all; says which roles reach nobody',
      policy: yaml`
        roles:
          sn_customerservice_agent: {}
        groups:
          csm-agents-apac: { roles: [sn_customerservice_agent] }
      `,
      findings: [{ at: 'policy.yaml:4:3', subject: 'group:csm-agents-apac', message: ['group `csm-agents-apac` has no effective members, so its role `sn_customerservice_agent` reaches nobody', 'add members, or remove the group'] }],
    },
    {
      name: 'only inactive members, one of them in a subgroup; the parent is empty too',
      policy: yaml`
        groups:
          csm-agents: { subgroups: [csm-agents-emea] }
          csm-agents-emea: { members: [hannah] }
        users:
          hannah: { type: internal, status: inactive }
      `,
      findings: [
        { at: 'policy.yaml:2:3', subject: 'group:csm-agents', message: ['(`hannah` is inactive)'] },
        { at: 'policy.yaml:3:3', subject: 'group:csm-agents-emea', message: ['group `csm-agents-emea` has no effective members (`hannah` is inactive)'] },
      ],
    },
    {
      name: 'members that are not defined users do not count',
      policy: yaml`
        groups:
          csm-agents: { members: [ghost] }
      `,
      findings: [{ at: 'policy.yaml:2:3', subject: 'group:csm-agents' }],
    },
  ],
});

docsTest(emptyGroup);

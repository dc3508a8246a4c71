import { roleWithoutPermissions } from '../../src/rules/role-without-permissions.js';
import { yaml } from '../helpers/policy.js';
import { docsTest, ruleTester } from './support/rule-tester.js';

const portal = yaml`
  permissions:
    portal.lead.read: { scopes: [assigned, account] }
    portal.content.read:
  roles:
    partner_portal.sales:
      grants: [portal.lead.read@account]
    partner_portal.custom_basic:
      description: Custom partner user role (no application permissions)
    partner_portal.restricted:
      denies: [portal.lead.read]
`;

ruleTester(roleWithoutPermissions, {
  valid: [
    {
      name: 'custom role together with a standard role (the seed practice)',
      policy: portal + yaml`
        users:
          tom: { type: external, roles: [partner_portal.custom_basic, partner_portal.sales] }
      `,
    },
    {
      name: 'custom role directly, standard role through a group',
      policy: portal + yaml`
        groups:
          sales: { roles: [partner_portal.sales], members: [tom] }
        users:
          tom: { type: external, roles: [partner_portal.custom_basic] }
      `,
    },
    {
      name: 'a user with no role at all (user-without-role reports it)',
      policy: portal + yaml`
        users:
          tom: { type: external }
      `,
    },
    {
      name: 'an inactive user with only the custom role',
      policy: portal + yaml`
        users:
          tom: { type: external, status: inactive, roles: [partner_portal.custom_basic] }
      `,
    },
    {
      name: 'a deny that leaves other permissions',
      policy: yaml`
        permissions:
          portal.lead.read:
          portal.content.read:
        roles:
          reader: { grants: [portal.lead.read, portal.content.read] }
          no_leads: { denies: [portal.lead.read] }
        users:
          tom: { type: external, roles: [reader, no_leads] }
      `,
    },
    {
      name: 'the permission comes from a contained role',
      policy: yaml`
        permissions:
          portal.lead.read:
        roles:
          partner_portal.sales: { grants: [portal.lead.read] }
          partner_portal.custom_plus: { contains: [partner_portal.sales] }
        users:
          tom: { type: external, roles: [partner_portal.custom_plus] }
      `,
    },
  ],
  invalid: [
    {
      name: 'only the custom role, assigned directly',
      policy: portal + yaml`
        users:
          tom: { type: external, roles: [partner_portal.custom_basic] }
      `,
      findings: [{ at: 'policy.yaml:12:3', subject: 'user:tom', message: ['user `tom` holds only role `partner_portal.custom_basic`, which grants no permission', 'custom role without a standard role', 'also assign a standard role'] }],
    },
    {
      name: 'only the custom role, through a group; the expired standard role gives nothing',
      policy: portal + yaml`
        groups:
          basic: { roles: [partner_portal.custom_basic], members: [tom] }
        users:
          tom:
            type: external
            roles: [{ role: partner_portal.sales, expires: 2026-11-21 }]
      `,
      findings: [{ at: 'policy.yaml:14:3', subject: 'user:tom', message: ['holds only role `partner_portal.custom_basic`'] }],
    },
    {
      name: 'several roles, none granting anything',
      policy: portal + yaml`
        users:
          ivan: { type: external, roles: [partner_portal.restricted, partner_portal.custom_basic] }
      `,
      findings: [{ at: 'policy.yaml:12:3', subject: 'user:ivan', message: ['holds roles `partner_portal.custom_basic` and `partner_portal.restricted`, which grant no permission'] }],
    },
    {
      name: 'everything granted is denied',
      policy: portal + yaml`
        users:
          ivan: { type: external, roles: [partner_portal.sales, partner_portal.restricted] }
      `,
      findings: [{ at: 'policy.yaml:12:3', subject: 'user:ivan', message: ['everything they grant is denied by `partner_portal.restricted`', 'effectively holds no permission'] }],
    },
  ],
});

docsTest(roleWithoutPermissions);

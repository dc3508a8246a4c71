import { unusedRole } from '../../src/rules/unused-role.js';
import { yaml } from '../helpers/policy.js';
import { docsTest, ruleTester } from './support/rule-tester.js';

ruleTester(unusedRole, {
  valid: [
    {
      name: 'assigned to a user, given by a group, contained by a role',
      policy: yaml`
        roles:
          trust: {}
          now_support_contributor: {}
          now_support_admin: { contains: [trust] }
        groups:
          contributors: { roles: [now_support_contributor] }
        users:
          kwame: { type: internal, roles: [now_support_admin] }
      `,
    },
    {
      name: 'assigned only by an expired assignment (expired-assignment reports it)',
      policy: yaml`
        roles:
          trust_guest: {}
        users:
          rita: { type: external, roles: [{ role: trust_guest, expires: 2026-01-31 }] }
      `,
    },
    {
      name: 'assigned only to an inactive user (inactive-user-access reports it)',
      policy: yaml`
        roles:
          trust: {}
        users:
          hannah: { type: internal, status: inactive, roles: [trust] }
      `,
    },
    {
      name: 'contained only by a role that is itself unused: only the outer one is reported',
      policy: yaml`
        roles:
          trust: {}
          now_support_admin: { contains: [trust] }
        users:
          kwame: { type: internal, roles: [now_support_admin] }
      `,
    },
    {
      name: 'a user definition broken by a schema error may hold the use: nothing is claimed',
      policy: yaml`
        roles:
          trust: {}
        users:
          kwame: { type: robot, roles: [trust] }
      `,
    },
  ],
  invalid: [
    {
      name: 'neither assigned nor contained',
      policy: yaml`
        roles:
          trust: {}
          trust_guest: { excludes: [trust] }
        users:
          kwame: { type: internal, roles: [trust] }
      `,
      findings: [{ at: 'policy.yaml:3:3', subject: 'role:trust_guest', message: ['role `trust_guest` is neither assigned to a user or group nor contained by another role', 'or remove it'] }],
    },
    {
      name: 'named only by requires, assignableBy and replacedBy: none of these is a use',
      policy: yaml`
        roles:
          contact: {}
          partner_admin: {}
          now_support_admin: {}
          case_manager: { requires: [contact], assignableBy: [partner_admin] }
          customer_admin: { deprecated: { replacedBy: now_support_admin } }
        users:
          kwame: { type: internal, roles: [case_manager, customer_admin] }
      `,
      findings: [
        { at: 'policy.yaml:2:3', subject: 'role:contact' },
        { at: 'policy.yaml:3:3', subject: 'role:partner_admin' },
        { at: 'policy.yaml:4:3', subject: 'role:now_support_admin' },
      ],
    },
    {
      name: 'a deprecated role nobody holds any more: remove it',
      policy: yaml`
        roles:
          now_support_admin: {}
          now_support_customer_admin: { deprecated: { replacedBy: now_support_admin } }
        users:
          kwame: { type: internal, roles: [now_support_admin] }
      `,
      findings: [{ at: 'policy.yaml:3:3', subject: 'role:now_support_customer_admin', message: ['it is deprecated, so remove it'] }],
    },
    {
      name: 'a role containing only itself is not used',
      policy: yaml`
        roles:
          loop: { contains: [loop] }
      `,
      findings: [{ at: 'policy.yaml:2:3', subject: 'role:loop' }],
    },
  ],
});

docsTest(unusedRole);

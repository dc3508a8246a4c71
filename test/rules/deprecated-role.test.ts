import { deprecatedRole } from '../../src/rules/deprecated-role.js';
import { yaml } from '../helpers/policy.js';
import { docsTest, ruleTester } from './support/rule-tester.js';

const roles = yaml`
  permissions:
    ns.case.manage:
  roles:
    now_support_admin:
      grants: [ns.case.manage]
    customer_admin:
      grants: [ns.case.manage]
      deprecated: { replacedBy: now_support_admin, reason: renamed in CUM }
    legacy_viewer:
      grants: [ns.case.manage]
      deprecated: { reason: retired }
`;

ruleTester(deprecatedRole, {
  valid: [
    {
      name: 'only the replacement is assigned',
      policy: roles + yaml`
        users:
          alice: { type: internal, roles: [now_support_admin] }
      `,
    },
    {
      name: 'a deprecated role that nobody is assigned (unused-role reports it)',
      policy: roles + yaml`
        users:
          alice: { type: internal, roles: [now_support_admin] }
        groups:
          admins: { roles: [now_support_admin], members: [alice] }
      `,
    },
    {
      name: 'an expired assignment of a deprecated role (expired-assignment reports it)',
      policy: roles + yaml`
        users:
          alice:
            type: internal
            roles:
              - now_support_admin
              - { role: customer_admin, expires: 2026-11-21 }
      `,
    },
    {
      name: 'an inactive user (inactive-user-access reports it)',
      policy: roles + yaml`
        users:
          alice: { type: internal, status: inactive, roles: [customer_admin] }
      `,
    },
    {
      name: 'a role containing a deprecated role is not an assignment of it',
      policy: yaml`
        permissions:
          ns.case.manage:
        roles:
          customer_admin:
            grants: [ns.case.manage]
            deprecated: { replacedBy: wrapper }
          wrapper: { contains: [customer_admin] }
        users:
          alice: { type: internal, roles: [wrapper] }
      `,
    },
  ],
  invalid: [
    {
      name: 'direct assignment: names the replacement and the reason',
      policy: roles + yaml`
        users:
          alice:
            type: internal
            roles:
              - customer_admin
              - { role: now_support_admin }
      `,
      findings: [{ at: 'policy.yaml:16:9', subject: 'user:alice', message: ['user `alice` is assigned deprecated role `customer_admin` (renamed in CUM)', 'assign `now_support_admin` instead'] }],
    },
    {
      name: 'unexpired assignment object: span is the whole entry',
      policy: roles + yaml`
        users:
          alice:
            type: internal
            roles:
              - { role: customer_admin, expires: 2026-11-22 }
      `,
      findings: [{ at: 'policy.yaml:16:9', subject: 'user:alice', message: ['deprecated role `customer_admin`'] }],
    },
    {
      name: 'through a group: subject is the group, span the role entry',
      policy: roles + yaml`
        users:
          alice: { type: internal }
          bob: { type: internal }
        groups:
          old-admins:
            roles: [customer_admin]
            members: [alice, bob]
      `,
      findings: [{ at: 'policy.yaml:17:13', subject: 'group:old-admins', message: ['group `old-admins` gives deprecated role `customer_admin` (renamed in CUM) to its 2 members `alice` and `bob`', 'assign `now_support_admin` instead'] }],
    },
    {
      name: 'no replacement named',
      policy: roles + yaml`
        users:
          alice: { type: internal, roles: [legacy_viewer] }
      `,
      findings: [{ at: 'policy.yaml:13:36', subject: 'user:alice', message: ['deprecated role `legacy_viewer` (retired)', 'names no replacement'] }],
    },
  ],
});

docsTest(deprecatedRole);

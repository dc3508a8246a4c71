import { privilegedHoldersExceeded } from '../../src/rules/privileged-holders-exceeded.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const sixUsers = yaml`
  users:
    u1: { type: internal, roles: [admin] }
    u2: { type: internal, roles: [admin] }
    u3: { type: internal, roles: [admin] }
    u4: { type: internal, roles: [admin] }
    u5: { type: internal, roles: [admin] }
    u6: { type: internal, roles: [admin] }
`;

accessRuleTester(privilegedHoldersExceeded, {
  valid: [
    { name: 'a privileged role at exactly the default limit of 5', yaml: yaml`
      roles:
        admin: { privileged: true }
      users:
        u1: { type: internal, roles: [admin] }
        u2: { type: internal, roles: [admin] }
        u3: { type: internal, roles: [admin] }
        u4: { type: internal, roles: [admin] }
        u5: { type: internal, roles: [admin] }
        u6: { type: internal, status: inactive, roles: [admin] }
        u7: { type: internal, roles: [{ role: admin, expires: 2026-11-21 }] }
    ` },
    { name: 'a raised privilegedMaxHolders', yaml: yaml`
      roles:
        admin: { privileged: true }
      settings:
        privilegedMaxHolders: 6
    ` + sixUsers },
    { name: 'maxHolders wins over privilegedMaxHolders', yaml: yaml`
      roles:
        admin: { privileged: true, maxHolders: 6 }
    ` + sixUsers },
    { name: 'a role that is not privileged and has no maxHolders', yaml: yaml`
      roles:
        admin:
    ` + sixUsers },
    { name: 'a holder that holds the role only until yesterday', yaml: yaml`
      roles:
        admin: { maxHolders: 1 }
      users:
        alice: { type: internal, roles: [admin] }
        bob: { type: internal, roles: [{ role: admin, expires: 2026-11-21 }] }
    ` },
  ],
  invalid: [
    {
      name: 'maxHolders counts holders through groups and containment',
      yaml: yaml`
        roles:
          csm_admin: { privileged: true, maxHolders: 2 }
          super_admin: { contains: [csm_admin] }
        groups:
          admins: { roles: [csm_admin], members: [carol, alice] }
        users:
          alice: { type: internal, roles: [csm_admin] }
          bob: { type: internal, roles: [super_admin] }
          carol: { type: internal }
      `,
      errors: [{ at: 'policy.yaml:2:3', subject: 'role:csm_admin', message: ['role `csm_admin` has 3 effective holders, more than its limit of 2 (`maxHolders`)', '`alice`, `bob` and `carol`', 'remove 1 of them'] }],
    },
    {
      name: 'a privileged role over the default limit',
      yaml: yaml`
        roles:
          admin: { privileged: true }
      ` + sixUsers,
      errors: [{ at: 'policy.yaml:2:3', subject: 'role:admin', message: ['6 effective holders', 'limit of 5 (`settings.privilegedMaxHolders` for privileged roles)', '`u1`, `u2`, `u3`, `u4`, `u5` and 1 more'] }],
    },
    {
      name: 'a lowered privilegedMaxHolders, and maxHolders: 0 on a role that is not privileged',
      yaml: yaml`
        roles:
          admin: { privileged: true }
          break_glass: { maxHolders: 0 }
        settings:
          privilegedMaxHolders: 1
        users:
          alice: { type: internal, roles: [admin, break_glass] }
          bob: { type: internal, roles: [admin] }
      `,
      errors: [
        { at: 'policy.yaml:2:3', subject: 'role:admin', message: ['limit of 1'] },
        { at: 'policy.yaml:3:3', subject: 'role:break_glass', message: ['has 1 effective holder, more', 'limit of 0'] },
      ],
    },
  ],
});

accessDocsTester(privilegedHoldersExceeded);

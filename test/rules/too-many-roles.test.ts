import { tooManyRoles } from '../../src/rules/too-many-roles.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const roles = yaml`
  roles:
    r1:
    r2:
    r3: { contains: [r4] }
    r4:
  settings:
    maxRolesPerUser: 3
`;

accessRuleTester(tooManyRoles, {
  valid: [
    { name: 'exactly maxRolesPerUser effective roles (one through containment)', yaml: roles + yaml`
      users:
        alice: { type: internal, roles: [r1, r3] }
    ` },
    { name: 'an expired assignment and an inactive user do not count', yaml: roles + yaml`
      users:
        alice: { type: internal, roles: [r1, r3, { role: r2, expires: 2026-11-21 }] }
        bob: { type: internal, status: inactive, roles: [r1, r2, r3] }
    ` },
    { name: 'the same role twice counts once', yaml: roles + yaml`
      groups:
        team: { roles: [r1, r3], members: [alice] }
      users:
        alice: { type: internal, roles: [r1, r4] }
    ` },
    { name: 'the default limit of 8', yaml: yaml`
      roles:
        a: { contains: [b, c, d, e, f, g, h] }
        b:
        c:
        d:
        e:
        f:
        g:
        h:
      users:
        alice: { type: internal, roles: [a] }
    ` },
  ],
  invalid: [
    {
      name: 'roles through assignments, groups and containment',
      yaml: roles + yaml`
        groups:
          team: { roles: [r2], members: [alice] }
        users:
          alice: { type: internal, roles: [r1, r3] }
      `,
      errors: [{ at: 'policy.yaml:11:3', subject: 'user:alice', message: ['user `alice` holds 4 effective roles, more than `maxRolesPerUser: 3`', '`r1`, `r2`, `r3` and `r4`'] }],
    },
    {
      name: 'nine roles over the default limit of 8',
      yaml: yaml`
        roles:
          a: { contains: [b, c, d, e, f, g, h, i] }
          b:
          c:
          d:
          e:
          f:
          g:
          h:
          i:
        users:
          alice: { type: internal, roles: [a] }
      `,
      errors: [{ at: 'policy.yaml:12:3', subject: 'user:alice', message: ['holds 9 effective roles, more than `maxRolesPerUser: 8`', '`a`, `b`, `c`, `d`, `e` and 4 more'] }],
    },
  ],
});

accessDocsTester(tooManyRoles);

import { inactiveUserAccess } from '../../src/rules/inactive-user-access.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

accessRuleTester(inactiveUserAccess, {
  valid: [
    { name: 'an inactive user without assignments or memberships', yaml: yaml`
      roles:
        reader:
      groups:
        readers: { roles: [reader], members: [alice] }
      users:
        alice: { type: internal, roles: [reader] }
        bob: { type: internal, status: inactive }
    ` },
    { name: 'an active user with expired assignments', yaml: yaml`
      roles:
        reader:
      users:
        alice: { type: internal, roles: [{ role: reader, expires: 2026-01-01 }] }
    ` },
    { name: 'an inactive user named as group owner or sponsor only (not membership)', yaml: yaml`
      roles:
        reader:
      groups:
        readers: { owner: bob, roles: [reader], members: [alice] }
      users:
        alice: { type: external, sponsor: bob }
        bob: { type: internal, status: inactive }
    ` },
  ],
  invalid: [
    {
      name: 'an assignment and a membership: the assignment first, the membership related',
      yaml: yaml`
        roles:
          reader:
        groups:
          readers: { roles: [reader], members: [alice, bob] }
        users:
          alice: { type: internal }
          bob:
            type: internal
            status: inactive
            roles: [reader]
      `,
      errors: [{ at: 'policy.yaml:10:13', subject: 'user:bob', message: ['inactive user `bob` still has 1 role assignment (`reader`) and 1 group membership (`readers`)', 'remove them'], relatedCount: 1 }],
    },
    {
      name: 'an expired assignment still counts',
      yaml: yaml`
        roles:
          reader:
        users:
          bob:
            type: internal
            status: inactive
            roles:
              - { role: reader, expires: 2026-01-31 }
              - { role: reader, expires: 2027-01-31 }
      `,
      errors: [{ at: 'policy.yaml:8:9', subject: 'user:bob', message: ['2 role assignments'], relatedCount: 1 }],
    },
    {
      name: 'only memberships: the first group by id, subgroup membership counts only where listed',
      yaml: yaml`
        groups:
          zeta: { members: [bob] }
          alpha: { members: [carol, bob], subgroups: [zeta] }
        users:
          bob: { type: internal, status: inactive }
          carol: { type: internal, status: inactive }
      `,
      errors: [
        { at: 'policy.yaml:3:22', subject: 'user:carol', message: ['1 group membership (`alpha`)'], relatedCount: 0 },
        { at: 'policy.yaml:3:29', subject: 'user:bob', message: ['2 group memberships (`alpha` and `zeta`)'], relatedCount: 1 },
      ],
    },
  ],
});

accessDocsTester(inactiveUserAccess);

import { userWithoutRole } from '../../src/rules/user-without-role.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const definitions = yaml`
  permissions:
    kb.read:
  roles:
    reader: { grants: [kb.read] }
    nothing:
  groups:
    readers: { roles: [reader], subgroups: [readers-emea], reviewedAt: 2026-11-01 }
    readers-emea: { reviewedAt: 2026-11-01 }
    no-roles: { reviewedAt: 2026-11-01 }
`;

accessRuleTester(userWithoutRole, {
  valid: [
    { name: 'a direct role', yaml: definitions + yaml`
      users:
        alice: { type: internal, roles: [reader] }
    ` },
    { name: 'a role through a group', yaml: yaml`
      roles:
        reader:
      groups:
        readers: { roles: [reader], members: [alice] }
      users:
        alice: { type: internal }
    ` },
    { name: 'a role through a subgroup', yaml: yaml`
      roles:
        reader:
      groups:
        readers: { roles: [reader], subgroups: [readers-emea] }
        readers-emea: { members: [alice] }
      users:
        alice: { type: internal }
    ` },
    { name: 'an assignment whose last day is the as-of date', yaml: definitions + yaml`
      users:
        alice: { type: internal, roles: [{ role: reader, expires: 2026-11-22 }] }
    ` },
    { name: 'an inactive user without roles', yaml: definitions + yaml`
      users:
        alice: { type: internal, status: inactive }
    ` },
    { name: 'a role that grants nothing is still a role (role-without-permissions reports it)', yaml: definitions + yaml`
      users:
        alice: { type: internal, roles: [nothing] }
    ` },
    { name: 'a role only through containment of a group role', yaml: yaml`
      roles:
        outer: { contains: [inner] }
        inner:
      groups:
        team: { roles: [outer], members: [alice] }
      users:
        alice: { type: external, sponsor: bob }
        bob: { type: internal, roles: [inner] }
    ` },
  ],
  invalid: [
    {
      name: 'no assignment and no group',
      yaml: definitions + yaml`
        users:
          alice: { type: internal, roles: [reader] }
          bob: { type: internal }
      `,
      errors: [{ at: 'policy.yaml:12:3', subject: 'user:bob', message: ['active user `bob` holds no effective role', 'no role assignment and no group membership', 'assign at least one role'] }],
    },
    {
      name: 'the only assignment ended the day before the as-of date',
      yaml: definitions + yaml`
        users:
          alice: { type: internal, roles: [{ role: reader, expires: 2026-11-21 }] }
      `,
      errors: [{ at: 'policy.yaml:11:3', subject: 'user:alice', message: ['assignment of `reader` expired'], relatedCount: 1 }],
    },
    {
      name: 'the same policy checked later',
      asOf: '2026-12-01',
      yaml: definitions + yaml`
        users:
          alice: { type: internal, roles: [{ role: reader, expires: 2026-11-30 }] }
      `,
      errors: [{ at: 'policy.yaml:11:3', subject: 'user:alice' }],
    },
    {
      name: 'groups that give no role',
      yaml: yaml`
        groups:
          no-roles: { members: [alice], subgroups: [] }
          parent: { subgroups: [no-roles] }
        users:
          alice: { type: internal }
      `,
      errors: [{ at: 'policy.yaml:5:3', subject: 'user:alice', message: ['its groups `no-roles` and `parent` give no role'] }],
    },
    {
      name: 'several users',
      yaml: yaml`
        users:
          zoe: { type: internal }
          adam: { type: external }
      `,
      errors: [
        { at: 'policy.yaml:2:3', subject: 'user:zoe' },
        { at: 'policy.yaml:3:3', subject: 'user:adam' },
      ],
    },
  ],
});

accessDocsTester(userWithoutRole);

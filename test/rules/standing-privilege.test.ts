import { standingPrivilege } from '../../src/rules/standing-privilege.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const roles = yaml`
  roles:
    admin: { privileged: true }
    owner: { privileged: true, contains: [admin] }
    super_admin: { contains: [admin] }
    agent:
`;

accessRuleTester(standingPrivilege, {
  valid: [
    { name: 'privileged assignments with expires, even far away or past', yaml: roles + yaml`
      users:
        alice: { type: internal, roles: [{ role: admin, expires: 2030-01-01 }, { role: super_admin, expires: 2026-11-22 }] }
        bob: { type: internal, roles: [{ role: owner, expires: 2026-01-01 }, agent] }
    ` },
    { name: 'an inactive user; groups that give roles that are not privileged', yaml: roles + yaml`
      groups:
        agents: { roles: [agent], members: [alice] }
      users:
        alice: { type: internal, status: inactive, roles: [admin] }
    ` },
  ],
  invalid: [
    {
      name: 'direct assignments without expires, of a privileged role or a role containing one',
      yaml: roles + yaml`
        users:
          alice:
            type: internal
            roles:
              - admin
              - { role: super_admin, reason: on call }
              - owner
      `,
      errors: [
        { at: 'policy.yaml:10:9', subject: 'user:alice', message: ['user `alice` is assigned privileged role `admin` without `expires`', 'add `expires`'] },
        { at: 'policy.yaml:11:9', subject: 'user:alice', message: ['role `super_admin`, which contains privileged role `admin`, without'] },
        { at: 'policy.yaml:12:9', subject: 'user:alice', message: ['privileged role `owner`, which contains privileged role `admin`, without'] },
      ],
    },
    {
      name: 'given through a group',
      yaml: roles + yaml`
        groups:
          admins: { roles: [agent, admin], members: [alice] }
        users:
          alice: { type: internal }
      `,
      errors: [{ at: 'policy.yaml:7:28', subject: 'group:admins', message: ['group `admins` gives privileged role `admin`', "a group's roles never expire"] }],
    },
  ],
});

accessDocsTester(standingPrivilege);

import { unscopedGrant } from '../../src/rules/unscoped-grant.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const permissions = yaml`
  permissions:
    case.read: { scopes: [own, account, hierarchy, all] }
    case.write: { scopes: [own, account, all] }
    case.create: { scopes: [own, account] }
    kb.read:
`;

accessRuleTester(unscopedGrant, {
  valid: [
    { name: 'scoped grants, unscoped permissions, wildcards and denies', yaml: permissions + yaml`
      roles:
        agent: { grants: [case.read@all, kb.read, "case.*"], denies: [case.write] }
    ` },
    { name: 'a scope equal to the widest, written out', yaml: permissions + yaml`
      roles:
        admin: { grants: [case.read@all, case.write@all] }
    ` },
  ],
  invalid: [
    {
      name: 'no other grant on the resource: suggests the narrowest scope',
      yaml: permissions + yaml`
        roles:
          customer: { grants: [kb.read, case.read] }
      `,
      errors: [{ at: 'policy.yaml:7:33', subject: 'role:customer', message: ['role `customer` grants `case.read` without a scope, which means its widest scope `all`', 'such as `case.read@own`', 'or `case.read@all` if the widest is meant'] }],
    },
    {
      name: 'suggests the narrowest scope that covers the other grants on the resource',
      yaml: permissions + yaml`
        roles:
          customer_admin:
            grants:
              - case.read@own
              - case.create@account
              - case.write
      `,
      errors: [{ at: 'policy.yaml:11:9', subject: 'role:customer_admin', message: ['widest scope `all`', 'such as `case.write@account` (as the role\'s `case.create@account`)'] }],
    },
    {
      name: 'when the other grants already use the widest scope, says so; scopes the permission lacks do not count',
      yaml: permissions + yaml`
        roles:
          admin: { grants: [case.read@all, case.write, case.create] }
      `,
      errors: [
        { at: 'policy.yaml:7:36', subject: 'role:admin', message: ['grants `case.write` without a scope', 'write `case.write@all` if the widest scope is meant (as the role\'s `case.read@all`)'] },
        { at: 'policy.yaml:7:48', subject: 'role:admin', message: ['grants `case.create` without a scope, which means its widest scope `account`', 'such as `case.create@own`'] },
      ],
    },
  ],
});

accessDocsTester(unscopedGrant);

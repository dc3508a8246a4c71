import { wildcardGrant } from '../../src/rules/wildcard-grant.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const permissions = yaml`
  permissions:
    kb.read:
    kb.write: { risk: medium }
    kb.publish: { risk: high }
    case.read:
    case.delete: { risk: critical }
`;

accessRuleTester(wildcardGrant, {
  valid: [
    { name: 'an internal role whose wildcard reaches low and medium permissions only', yaml: permissions + yaml`
      roles:
        agent: { audience: internal, grants: ["case.read", "kb.*"], denies: [kb.publish] }
    ` },
    { name: "a carve-out deny in a contained role", yaml: permissions + yaml`
      roles:
        trainee: { audience: internal, grants: ["kb.*"], contains: [no_publish] }
        no_publish: { audience: internal, denies: [kb.publish] }
    ` },
    { name: 'external and any-audience roles that list their permissions', yaml: permissions + yaml`
      roles:
        customer: { audience: external, grants: [kb.read, case.read] }
        everyone: { grants: [kb.read] }
    ` },
  ],
  invalid: [
    {
      name: 'an external role',
      yaml: permissions + yaml`
        roles:
          customer: { audience: external, grants: [case.read, "kb.*"], denies: [kb.publish] }
      `,
      errors: [{ at: 'policy.yaml:8:55', subject: 'role:customer', message: ['role `customer` grants the wildcard `kb.*` (3 permissions today)', "the role's audience is `external`", 'list the permissions the role needs instead'] }],
    },
    {
      name: 'an any-audience role (the default) whose wildcard also reaches critical permissions',
      yaml: permissions + yaml`
        roles:
          everyone: { grants: ["*"] }
      `,
      errors: [{ at: 'policy.yaml:8:24', subject: 'role:everyone', message: ['`*` (5 permissions today)', 'audience is `any`', 'and it reaches 2 high- or critical-risk permissions `case.delete` and `kb.publish`', 'or deny the risky ones'] }],
    },
    {
      name: 'an internal role whose wildcard reaches a high-risk permission',
      yaml: permissions + yaml`
        roles:
          kb_admin:
            audience: internal
            grants:
              - "kb.*"
      `,
      errors: [{ at: 'policy.yaml:11:9', subject: 'role:kb_admin', message: ['it reaches 1 high- or critical-risk permission `kb.publish`'] }],
    },
  ],
});

accessDocsTester(wildcardGrant);

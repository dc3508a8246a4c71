import { unusedPermission } from '../../src/rules/unused-permission.js';
import { yaml } from '../helpers/policy.js';
import { docsTest, ruleTester } from './support/rule-tester.js';

ruleTester(unusedPermission, {
  valid: [
    {
      name: 'granted by id, with a scope, and through a wildcard',
      policy: yaml`
        permissions:
          case.read: { scopes: [own, account] }
          kb.read:
          kb.article.write:
          ns.case.manage:
        roles:
          agent: { grants: [case.read@own, "kb.*"] }
          admin: { grants: [ns.case.manage] }
      `,
    },
    {
      name: 'granted by a role nobody holds (unused-role reports the role)',
      policy: yaml`
        permissions:
          kb.read:
        roles:
          reader: { grants: [kb.read] }
      `,
    },
    {
      name: 'the lone wildcard grants everything',
      policy: yaml`
        permissions:
          kb.read:
          case.delete: { risk: high }
        roles:
          admin: { grants: ["*"] }
      `,
    },
    {
      name: 'a role broken by a schema error may hold the grant: nothing is claimed',
      policy: yaml`
        permissions:
          kb.read:
        roles:
          reader: { grants: [kb.read], privileged: maybe }
      `,
    },
  ],
  invalid: [
    {
      name: 'granted by no role',
      policy: yaml`
        permissions:
          kb.read:
          kb.publish:
        roles:
          reader: { grants: [kb.read] }
      `,
      findings: [{ at: 'policy.yaml:3:3', subject: 'permission:kb.publish', message: ['permission `kb.publish` is granted by no role', 'or remove it'] }],
    },
    {
      name: 'denied, asserted and listed in separation of duties, but never granted',
      policy: yaml`
        permissions:
          kb.read:
          payment.release: { risk: critical }
        roles:
          reader: { grants: [kb.read], denies: [payment.release] }
        separationOfDuties:
          - id: pay
            permissions: [payment.release]
            roles: [reader]
      `,
      findings: [{ at: 'policy.yaml:3:3', subject: 'permission:payment.release' }],
    },
    {
      name: 'a wildcard reaches only its prefix',
      policy: yaml`
        permissions:
          kb.read:
          kbx.read:
        roles:
          reader: { grants: ["kb.*"] }
      `,
      findings: [{ at: 'policy.yaml:3:3', subject: 'permission:kbx.read' }],
    },
  ],
});

docsTest(unusedPermission);

import { undeclaredPrivilegedRole } from '../../src/rules/undeclared-privileged-role.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const permissions = yaml`
  permissions:
    case.read: { scopes: [own, all] }
    case.delete: { risk: high }
    payment.release: { risk: critical }
    kb.write: { risk: medium }
`;

accessRuleTester(undeclaredPrivilegedRole, {
  valid: [
    { name: 'privileged roles, and roles with low and medium permissions', yaml: permissions + yaml`
      roles:
        admin: { privileged: true, grants: ["*"] }
        editor: { grants: [kb.write, case.read@all] }
    ` },
    { name: 'a carve-out deny, in the role or in a role it contains', yaml: permissions + yaml`
      roles:
        agent: { grants: ["case.*"], denies: [case.delete] }
        trainee: { contains: [payer, no_pay] }
        payer: { privileged: true, grants: [payment.release] }
        no_pay: { denies: [payment.release] }
    ` },
  ],
  invalid: [
    {
      name: 'a direct grant and one through containment',
      yaml: permissions + yaml`
        roles:
          case_admin: { grants: [case.delete, case.read@all] }
          finance_lead:
            contains: [case_admin]
            grants: [payment.release]
      `,
      errors: [
        { at: 'policy.yaml:7:3', subject: 'role:case_admin', message: ['role `case_admin` grants 1 high- or critical-risk permission (`case.delete`) but is not `privileged: true`', 'mark it privileged', 'stop granting it'], relatedCount: 1 },
        { at: 'policy.yaml:8:3', subject: 'role:finance_lead', message: ['2 high- or critical-risk permissions (`case.delete` and `payment.release`)'], relatedCount: 2 },
      ],
    },
    {
      name: 'privileged: false is the same as leaving it out',
      yaml: permissions + yaml`
        roles:
          everything: { privileged: false, grants: ["*"], denies: [case.delete] }
      `,
      errors: [{ at: 'policy.yaml:7:3', subject: 'role:everything', message: ['1 high- or critical-risk permission (`payment.release`)'] }],
    },
  ],
});

accessDocsTester(undeclaredPrivilegedRole);

import { privilegeEscalation } from '../../src/rules/privilege-escalation.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const permissions = yaml`
  permissions:
    case.read: { scopes: [own, account, hierarchy, all] }
    case.delete: { risk: high }
    kb.read:
    kb.write:
    kb.publish:
`;

accessRuleTester(privilegeEscalation, {
  valid: [
    { name: 'the assigner grants everything the role grants, at the same or a wider scope', yaml: permissions + yaml`
      roles:
        customer: { grants: [case.read@own, kb.read], assignableBy: [customer_admin, partner_admin] }
        customer_admin: { grants: [case.read@account, kb.read] }
        partner_admin: { grants: [case.read@own], contains: [kb_reader] }
        kb_reader: { grants: ["kb.*"] }
    ` },
    { name: 'a carve-out deny inside the assigned role', yaml: permissions + yaml`
      roles:
        trainee: { grants: ["kb.*"], denies: [kb.publish], assignableBy: [editor] }
        editor: { grants: [kb.read, kb.write] }
    ` },
    { name: 'a role assignable by itself, and a role that grants nothing', yaml: permissions + yaml`
      roles:
        admin: { grants: ["*"], assignableBy: [admin] }
        contact: { assignableBy: [nobody_special] }
        nobody_special:
    ` },
  ],
  invalid: [
    {
      name: 'a permission the assigner does not hold, and a wider scope',
      yaml: permissions + yaml`
        roles:
          customer_case_manager:
            grants: [case.read@hierarchy, kb.read]
            contains: [deleter]
            assignableBy: [customer_admin]
          deleter: { grants: [case.delete] }
          customer_admin: { grants: [case.read@account, kb.read] }
      `,
      errors: [{
        at: 'policy.yaml:11:20',
        subject: 'role:customer_case_manager',
        message: ['holders of role `customer_admin` may assign role `customer_case_manager`', '2 permissions beyond', '`case.delete`', '`case.read@hierarchy` (`customer_admin` has `account`)', 'remove `customer_admin` from `assignableBy`'],
        relatedCount: 2,
      }],
    },
    {
      name: "a deny in the assigner's closure: it does not effectively hold what it assigns",
      yaml: permissions + yaml`
        roles:
          kb_editor: { grants: [kb.read, kb.write], assignableBy: [lead] }
          lead: { grants: ["kb.*"], contains: [no_write] }
          no_write: { denies: [kb.write] }
      `,
      errors: [{ at: 'policy.yaml:8:60', subject: 'role:kb_editor', message: ['1 permission beyond', '`kb.write`'] }],
    },
    {
      name: 'one finding per assignableBy entry, the first permissions then "and N more"',
      yaml: permissions + yaml`
        roles:
          admin:
            grants: ["*"]
            assignableBy: [helpdesk, kb_reader]
          helpdesk: { grants: [kb.read] }
          kb_reader: { grants: [kb.read, kb.write, kb.publish] }
      `,
      errors: [
        { at: 'policy.yaml:10:20', subject: 'role:admin', message: ['holders of role `helpdesk`', '4 permissions beyond', '`case.delete`, `case.read@all`, `kb.publish` and `kb.write`'] },
        { at: 'policy.yaml:10:30', subject: 'role:admin', message: ['holders of role `kb_reader`', '2 permissions beyond'] },
      ],
    },
  ],
});

accessDocsTester(privilegeEscalation);

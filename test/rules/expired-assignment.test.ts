import { expiredAssignment } from '../../src/rules/expired-assignment.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

accessRuleTester(expiredAssignment, {
  valid: [
    { name: 'no expires', yaml: yaml`
      roles:
        reader:
      users:
        alice: { type: internal, roles: [reader] }
    ` },
    { name: 'expires on the as-of date (its last day)', yaml: yaml`
      roles:
        reader:
      users:
        alice: { type: internal, roles: [{ role: reader, expires: 2026-11-22 }] }
    ` },
    { name: 'expires in the future', yaml: yaml`
      roles:
        reader:
      users:
        alice: { type: internal, roles: [{ role: reader, expires: 2027-01-01 }] }
    ` },
    { name: 'an earlier as-of date', asOf: '2026-10-31', yaml: yaml`
      roles:
        reader:
      users:
        alice: { type: internal, roles: [{ role: reader, expires: 2026-10-31 }] }
    ` },
  ],
  invalid: [
    {
      name: 'ended the day before the as-of date',
      yaml: yaml`
        roles:
          reader:
          writer:
        users:
          alice:
            type: internal
            roles:
              - writer
              - { role: reader, expires: 2026-11-21, reason: audit }
      `,
      errors: [{ at: 'policy.yaml:9:9', subject: 'user:alice', message: ['role `reader`', 'user `alice`', '2026-11-21', '1 day before', 'gives nothing'] }],
    },
    {
      name: 'any user, inactive ones too, one finding per assignment',
      yaml: yaml`
        roles:
          reader:
          writer:
        users:
          bob:
            type: internal
            status: inactive
            roles:
              - { role: reader, expires: 2026-10-31 }
              - { role: writer, expires: 2026-11-01 }
      `,
      errors: [
        { at: 'policy.yaml:9:9', subject: 'user:bob', message: ['22 days before'] },
        { at: 'policy.yaml:10:9', subject: 'user:bob', message: ['role `writer`'] },
      ],
    },
    {
      name: 'a later as-of date',
      asOf: '2027-01-02',
      yaml: yaml`
        roles:
          reader:
        users:
          alice: { type: internal, roles: [{ role: reader, expires: 2027-01-01 }] }
      `,
      errors: [{ at: 'policy.yaml:4:36', subject: 'user:alice', message: ['2027-01-01'] }],
    },
  ],
});

accessDocsTester(expiredAssignment);

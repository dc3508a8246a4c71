import { temporaryWithoutExpiry } from '../../src/rules/temporary-without-expiry.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const roles = yaml`
  roles:
    trust_guest: { temporary: { maxDays: 30 } }
    trust:
    auditor: { contains: [trust_guest] }
`;

accessRuleTester(temporaryWithoutExpiry, {
  valid: [
    { name: 'expires exactly maxDays after the as-of date', yaml: roles + yaml`
      users:
        rita: { type: internal, roles: [{ role: trust_guest, expires: 2026-12-22 }] }
    ` },
    { name: 'expires today', yaml: roles + yaml`
      users:
        rita: { type: internal, roles: [{ role: trust_guest, expires: 2026-11-22 }] }
    ` },
    { name: 'an expired assignment (expired-assignment reports it)', yaml: roles + yaml`
      users:
        rita: { type: internal, roles: [{ role: trust_guest, expires: 2026-06-30 }] }
    ` },
    { name: 'an inactive user (inactive-user-access reports it)', yaml: roles + yaml`
      users:
        rita: { type: internal, status: inactive, roles: [trust_guest] }
    ` },
    { name: 'a role that is not temporary, directly and through a group', yaml: roles + yaml`
      groups:
        trusted: { roles: [trust], members: [rita] }
      users:
        rita: { type: internal, roles: [trust] }
    ` },
    { name: 'within maxDays of a later as-of date', asOf: '2026-12-01', yaml: roles + yaml`
      users:
        rita: { type: internal, roles: [{ role: auditor, expires: 2026-12-31 }] }
    ` },
  ],
  invalid: [
    {
      name: 'assigned without expires',
      yaml: roles + yaml`
        users:
          rita: { type: internal, roles: [trust_guest] }
      `,
      errors: [{ at: 'policy.yaml:6:35', subject: 'user:rita', message: ['user `rita` is assigned temporary role `trust_guest` (maxDays 30) without `expires`', 'no later than 2026-12-22'] }],
    },
    {
      name: 'one day longer than maxDays',
      yaml: roles + yaml`
        users:
          rita:
            type: internal
            roles:
              - { role: trust_guest, expires: 2026-12-23, reason: audit }
      `,
      errors: [{ at: 'policy.yaml:9:9', subject: 'user:rita', message: ['until 2026-12-23, 31 days after 2026-11-22', 'no later than 2026-12-22'] }],
    },
    {
      name: 'a role that contains a temporary role',
      yaml: roles + yaml`
        users:
          rita: { type: internal, roles: [auditor] }
      `,
      errors: [{ at: 'policy.yaml:6:35', subject: 'user:rita', message: ['role `auditor`, which contains temporary role `trust_guest` (maxDays 30), without `expires`'] }],
    },
    {
      name: 'given through a group, with or without members',
      yaml: roles + yaml`
        groups:
          auditors: { roles: [trust, auditor], members: [rita] }
          guests: { roles: [trust_guest] }
        users:
          rita: { type: internal, roles: [trust] }
      `,
      errors: [
        { at: 'policy.yaml:6:30', subject: 'group:auditors', message: ["group `auditors` gives role `auditor`, which contains temporary role `trust_guest`", "cannot expire"] },
        { at: 'policy.yaml:7:21', subject: 'group:guests', message: ['group `guests` gives temporary role `trust_guest` (maxDays 30)'] },
      ],
    },
  ],
});

accessDocsTester(temporaryWithoutExpiry);

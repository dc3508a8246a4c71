import { staleReview } from '../../src/rules/stale-review.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const roles = yaml`
  roles:
    admin: { privileged: true }
    super_admin: { contains: [admin] }
    agent:
`;

accessRuleTester(staleReview, {
  valid: [
    { name: 'reviewed exactly reviewMaxAgeDays (90) days before the as-of date', yaml: roles + yaml`
      users:
        alice: { type: internal, reviewedAt: 2026-08-24, roles: [admin] }
    ` },
    { name: 'users without privileged roles need no review; inactive users and expired assignments do not count', yaml: roles + yaml`
      users:
        alice: { type: internal, roles: [agent] }
        bob: { type: internal, status: inactive, roles: [admin] }
        carol: { type: internal, roles: [agent, { role: admin, expires: 2026-11-21 }] }
    ` },
    { name: 'groups reviewed recently, and a longer reviewMaxAgeDays', yaml: roles + yaml`
      groups:
        admins: { roles: [admin], members: [alice], reviewedAt: 2026-06-01 }
      users:
        alice: { type: internal, reviewedAt: 2026-06-01 }
      settings:
        reviewMaxAgeDays: 180
    ` },
    { name: 'a review date after the as-of date', yaml: roles + yaml`
      groups:
        admins: { reviewedAt: 2026-12-01 }
    ` },
  ],
  invalid: [
    {
      name: 'a privileged holder reviewed 91 days ago, one never reviewed (through containment)',
      yaml: roles + yaml`
        users:
          alice: { type: internal, reviewedAt: 2026-08-23, roles: [admin] }
          bob: { type: internal, roles: [super_admin] }
      `,
      errors: [
        { at: 'policy.yaml:6:3', subject: 'user:alice', message: ['user `alice` holds privileged role `admin`', 'last reviewed on 2026-08-23, 91 days before 2026-11-22 (more than `reviewMaxAgeDays: 90`)'] },
        { at: 'policy.yaml:7:3', subject: 'user:bob', message: ['privileged role `admin` and has never been reviewed'] },
      ],
    },
    {
      name: 'groups: never reviewed, or too long ago for a shorter reviewMaxAgeDays',
      yaml: roles + yaml`
        groups:
          agents: { roles: [agent], members: [alice], reviewedAt: 2026-10-22 }
          empty:
        users:
          alice: { type: internal }
        settings:
          reviewMaxAgeDays: 30
      `,
      errors: [
        { at: 'policy.yaml:6:3', subject: 'group:agents', message: ['group `agents` was last reviewed on 2026-10-22, 31 days before 2026-11-22', 'every 30 days'] },
        { at: 'policy.yaml:7:3', subject: 'group:empty', message: ['group `empty` has never been reviewed (no `reviewedAt`)'] },
      ],
    },
    {
      name: 'a later as-of date makes a review stale',
      asOf: '2027-03-01',
      yaml: roles + yaml`
        users:
          alice: { type: internal, reviewedAt: 2026-11-22, roles: [super_admin] }
      `,
      errors: [{ at: 'policy.yaml:6:3', subject: 'user:alice', message: ['99 days before 2027-03-01'] }],
    },
  ],
});

accessDocsTester(staleReview);

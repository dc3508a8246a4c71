import { describe, expect, it } from 'vitest';
import { deprecatedRole } from '../../src/rules/deprecated-role.js';
import { expiredException } from '../../src/rules/expired-exception.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { docsTest, ruleTester } from './support/rule-tester.js';

const base = yaml`
  roles:
    now_support_admin: {}
    customer_admin: { deprecated: { replacedBy: now_support_admin } }
  users:
    carol: { type: internal, roles: [now_support_admin] }
    alice: { type: internal, roles: [customer_admin] }
`;

const exception = (expires: string, extra = ''): string =>
  base +
  yaml`
    settings:
      exceptions:
        - rule: deprecated-role
          subject: user:alice${extra}
          reason: migrates with the Q1 CUM rollout
          approvedBy: carol
          expires: ${expires}
  `;

ruleTester(expiredException, {
  valid: [
    { name: 'expires in the future', policy: exception('2027-03-31') },
    { name: 'expires today: still active on its last day', policy: exception('2026-11-22') },
    { name: 'no exceptions at all', policy: base },
  ],
  invalid: [
    {
      name: 'expired yesterday: subject is the exception’s own subject',
      policy: exception('2026-11-21'),
      findings: [
        {
          at: 'policy.yaml:9:7',
          subject: 'user:alice',
          message: ['the exception for `deprecated-role` on `user:alice` expired on 2026-11-21 (1 day ago) and no longer suppresses anything', 'renew it with a new `expires`'],
        },
      ],
    },
    {
      name: 'names the target too',
      policy: exception('2026-01-31', '\n          target: role:customer_admin'),
      findings: [{ at: 'policy.yaml:9:7', subject: 'user:alice', message: ['on `user:alice` with `role:customer_admin` expired on 2026-01-31 (295 days ago)'] }],
    },
    {
      name: 'each expired entry is reported, with a group or role subject',
      policy:
        base +
        yaml`
          settings:
            exceptions:
              - { rule: empty-group, subject: group:apac, reason: opens soon, approvedBy: carol, expires: 2026-06-30 }
              - { rule: unused-role, subject: role:customer_admin, reason: migration, approvedBy: carol, expires: 2026-10-31 }
        `,
      findings: [
        { at: 'policy.yaml:9:7', subject: 'group:apac' },
        { at: 'policy.yaml:10:7', subject: 'role:customer_admin' },
      ],
    },
  ],
});

describe('expired-exception: effect', () => {
  it('an expired exception no longer suppresses the finding it accepted', () => {
    const result = checkYaml(exception('2026-11-21'), { rules: [deprecatedRole, expiredException] });
    expect(findings(result).map((f) => [f.rule, f.subject, f.suppressed])).toEqual([
      ['deprecated-role', 'user:alice', false],
      ['expired-exception', 'user:alice', false],
    ]);
  });

  it('the same exception, still active, suppresses it and is not reported', () => {
    const result = checkYaml(exception('2026-11-22'), { rules: [deprecatedRole, expiredException] });
    expect(findings(result).map((f) => [f.rule, f.subject, f.suppressed])).toEqual([['deprecated-role', 'user:alice', true]]);
  });
});

docsTest(expiredException);

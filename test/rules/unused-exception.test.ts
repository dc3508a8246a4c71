import { describe, expect, it } from 'vitest';
import { deprecatedRole } from '../../src/rules/deprecated-role.js';
import { expiredException } from '../../src/rules/expired-exception.js';
import { unknownReference } from '../../src/rules/unknown-reference.js';
import { unusedException } from '../../src/rules/unused-exception.js';
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

const withException = (fields: string, rules = ''): string =>
  base +
  yaml`
    settings:
      ${rules}exceptions:
        - { ${fields}, reason: migrates with the Q1 CUM rollout, approvedBy: carol, expires: 2027-03-31 }
  `;

ruleTester(
  unusedException,
  {
    valid: [
      { name: 'the exception matches a finding (subject only)', policy: withException('rule: deprecated-role, subject: user:alice') },
      { name: 'the exception matches a finding (subject and target)', policy: withException('rule: deprecated-role, subject: user:alice, target: role:customer_admin') },
      {
        name: 'it matches a finding of another rule (unknown-reference)',
        policy:
          base.replace('roles: [customer_admin]', 'roles: [customer_admin, legacy_role]') +
          yaml`
            settings:
              exceptions:
                - { rule: deprecated-role, subject: user:alice, reason: migration, approvedBy: carol, expires: 2027-03-31 }
                - { rule: unknown-reference, subject: user:alice, target: role:legacy_role, reason: defined in the next release, approvedBy: carol, expires: 2026-12-31 }
          `,
      },
      {
        name: 'an expired exception that matches nothing (expired-exception reports it)',
        policy: base + yaml`
          settings:
            exceptions:
              - { rule: deprecated-role, subject: user:bob, reason: old, approvedBy: carol, expires: 2026-11-21 }
        `,
      },
    ],
    invalid: [
      {
        name: 'the subject matches no finding',
        policy: withException('rule: deprecated-role, subject: user:carol'),
        findings: [
          {
            at: 'policy.yaml:9:7',
            subject: 'user:carol',
            message: ['the exception for `deprecated-role` on `user:carol` matches no finding', 'remove it (or correct its rule, subject or target)'],
          },
        ],
      },
      {
        name: 'the target narrows it to an object the finding does not involve',
        policy: withException('rule: deprecated-role, subject: user:alice, target: role:now_support_admin'),
        findings: [{ at: 'policy.yaml:9:7', subject: 'user:alice', message: ['on `user:alice` with `role:now_support_admin` matches no finding'] }],
      },
      {
        name: 'the rule is off, so there is nothing to accept',
        policy: withException('rule: deprecated-role, subject: user:alice', 'rules: { deprecated-role: off }\n      '),
        findings: [{ at: 'policy.yaml:10:7', subject: 'user:alice', message: ['(rule `deprecated-role` is `off` in `settings.rules`)'] }],
      },
      {
        name: 'two exceptions for one finding: the first one takes it, the second is unused',
        policy:
          base +
          yaml`
            settings:
              exceptions:
                - { rule: deprecated-role, subject: user:alice, reason: migration, approvedBy: carol, expires: 2027-03-31 }
                - { rule: deprecated-role, subject: user:alice, target: role:customer_admin, reason: migration, approvedBy: carol, expires: 2027-03-31 }
          `,
        findings: [{ at: 'policy.yaml:10:7', subject: 'user:alice' }],
      },
    ],
  },
  [deprecatedRole, unknownReference, unusedException],
);

describe('unused-exception: details', () => {
  it('a used exception suppresses its finding and is not reported', () => {
    const result = checkYaml(withException('rule: deprecated-role, subject: user:alice'), { rules: [deprecatedRole, unusedException] });
    expect(findings(result).map((f) => [f.rule, f.subject, f.suppressed])).toEqual([['deprecated-role', 'user:alice', true]]);
  });

  it('its findings are never suppressed by an exception', () => {
    const result = checkYaml(
      base +
        yaml`
          settings:
            exceptions:
              - { rule: unused-exception, subject: user:carol, reason: try to hide, approvedBy: carol, expires: 2027-03-31 }
        `,
      { rules: [deprecatedRole, unusedException] },
    );
    expect(findings(result, 'unused-exception').map((f) => [f.subject, f.suppressed])).toEqual([['user:carol', false]]);
  });

  it('is silent when run without match counts (outside the runner)', () => {
    const result = checkYaml(withException('rule: deprecated-role, subject: user:carol'), { rules: [] });
    const context = {
      asOf: '2026-11-22',
      files: result.parsed,
      loadProblems: [],
      syntaxProblems: [],
      schemaProblems: [],
      model: result.model,
      settings: result.model.settings,
      resolution: result.resolution,
    };
    expect([...unusedException.check(context)]).toEqual([]);
  });

  it('expired and unused are reported once each, by their own rule', () => {
    const result = checkYaml(
      base +
        yaml`
          settings:
            exceptions:
              - { rule: deprecated-role, subject: user:bob, reason: old, approvedBy: carol, expires: 2026-11-21 }
              - { rule: deprecated-role, subject: user:dave, reason: new, approvedBy: carol, expires: 2027-11-21 }
        `,
      { rules: [deprecatedRole, expiredException, unusedException] },
    );
    expect(findings(result).map((f) => `${f.rule} ${f.at} ${f.subject}`)).toEqual([
      'deprecated-role policy.yaml:6:36 user:alice',
      'expired-exception policy.yaml:9:7 user:bob',
      'unused-exception policy.yaml:10:7 user:dave',
    ]);
  });
});

docsTest(unusedException);

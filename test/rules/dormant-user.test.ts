import { dormantUser } from '../../src/rules/dormant-user.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';
import { describe, expect, it } from 'vitest';

const policy = yaml`
  permissions:
    case.read: {}
  roles:
    agent: { grants: [case.read] }
  users:
    alice: { type: internal, roles: [agent] }
    bob: { type: internal, roles: [agent] }
    carol: { type: internal, status: inactive }
`;

accessRuleTester(dormantUser, {
  valid: [
    {
      name: 'every active user used something within unusedAfterDays (90 days exactly is still in)',
      yaml: policy,
      usage: 'user,permission,lastUsed\nalice,case.read,2026-08-24\nbob,case.read,2026-11-20T17:45:00Z\n',
    },
    {
      name: 'inactive users need no use; a use after the as-of date counts',
      yaml: policy,
      usage: 'user,role,lastUsed\nalice,agent,2026-12-01\nbob,agent,2026-10-01\n',
    },
    {
      name: 'a longer unusedAfterDays',
      yaml: policy + yaml`
        settings:
          unusedAfterDays: 365
      `,
      usage: 'user,role,lastUsed\nalice,agent,2026-01-01\nbob,agent,2025-11-22\n',
    },
  ],
  invalid: [
    {
      name: 'a user missing from the file, one whose last use is 91 days old, one with only empty dates',
      yaml: policy.replace('  carol:', '  dave: { type: internal, roles: [agent] }\n  carol:'),
      usage: 'user,permission,lastUsed\nalice,case.read,2026-08-23\nalice,case.read,2026-05-01\ndave,case.read,\n',
      errors: [
        { at: 'policy.yaml:6:3', subject: 'user:alice', message: ['user `alice` is active but has used nothing since 2026-08-23 according to `usage.csv`, 91 days before 2026-11-22 (more than `unusedAfterDays: 90`)', 'set `status: inactive`'] },
        { at: 'policy.yaml:7:3', subject: 'user:bob', message: ['user `bob` is active but has no recorded use in `usage.csv`'] },
        { at: 'policy.yaml:8:3', subject: 'user:dave', message: ['has no recorded use'] },
      ],
    },
    {
      name: 'a shorter unusedAfterDays',
      yaml: policy + yaml`
        settings:
          unusedAfterDays: 30
      `,
      usage: 'user,role,lastUsed\nalice,agent,2026-11-01\nbob,agent,2026-10-22\n',
      errors: [{ at: 'policy.yaml:7:3', subject: 'user:bob', message: ['31 days before 2026-11-22 (more than `unusedAfterDays: 30`)'] }],
    },
  ],
});

describe('dormant-user without usage data', () => {
  it('does not run, and is listed as not evaluated', () => {
    const result = checkYaml(policy, { rules: [dormantUser] });
    expect(findings(result)).toEqual([]);
    expect(result.notEvaluated).toEqual([{ rule: 'dormant-user', reason: 'not evaluated without usage data (pass `--usage FILE`)' }]);
  });

  it('is not listed when switched off', () => {
    const result = checkYaml(policy + yaml`
      settings:
        rules: { dormant-user: off }
    `, { rules: [dormantUser] });
    expect(result.notEvaluated).toEqual([]);
  });
});

accessDocsTester(dormantUser);

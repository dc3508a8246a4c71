import { describe, expect, it } from 'vitest';
import { unusedAccess } from '../../src/rules/unused-access.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const policy = yaml`
  permissions:
    case.read: { scopes: [own, all] }
    case.write: {}
    kb.read: {}
  roles:
    reader: { grants: [case.read@own, kb.read] }
    agent: { contains: [reader], grants: [case.write] }
    marker: {}
  groups:
    agents: { roles: [agent], members: [alice] }
  users:
    alice: { type: internal, roles: [marker, { role: reader, expires: 2026-01-01 }] }
    bob: { type: internal, roles: [reader] }
`;

accessRuleTester(unusedAccess, {
  valid: [
    {
      name: 'role usage: every source role used within unusedAfterDays, a contained role counting for the role that brings it',
      yaml: policy,
      usage: 'user,role,lastUsed\nalice,reader,2026-11-01\nalice,marker,2026-08-24\nbob,reader,2026-11-20\n',
    },
    {
      name: 'permission usage: one used permission is enough for a role; a role that gives no permission is not judged; the expired assignment is not access',
      yaml: policy,
      usage: 'user,permission,lastUsed\nalice,kb.read,2026-11-01\nbob,case.read,2026-11-21\n',
    },
    {
      name: 'users who used nothing at all are left to dormant-user',
      yaml: policy,
      usage: 'user,role,lastUsed\nalice,agent,2026-01-01\n',
    },
  ],
  invalid: [
    {
      name: 'role usage: a group role and a direct assignment not used, at the membership and the assignment',
      yaml: policy,
      usage: 'user,role,lastUsed\nalice,marker,2026-11-20\nalice,agent,2026-06-01\nbob,reader,2026-08-23\nbob,nothing.declared,2026-11-20\n',
      errors: [
        {
          at: 'policy.yaml:10:39',
          subject: 'user:alice',
          message: ['user `alice` holds role `agent` through `group:agents > role:agent` and has not used it since 2026-06-01 according to `usage.csv`, 174 days before 2026-11-22 (more than `unusedAfterDays: 90`)', 'remove them from group `agents`'],
        },
        { at: 'policy.yaml:13:34', subject: 'user:bob', message: ['holds role `reader` through `role:reader` and has not used it since 2026-08-23', 'remove the assignment'] },
      ],
    },
    {
      name: 'permission usage: none of the permissions a role gives was used',
      yaml: policy + yaml`
        settings:
          unusedAfterDays: 30
      `,
      usage: 'user,permission,lastUsed\nalice,case.write,2026-11-01\nbob,case.write,2026-11-01\nbob,case.read,2026-10-01\nbob,kb.read,\n',
      errors: [{ at: 'policy.yaml:13:34', subject: 'user:bob', message: ['has not used any of the 2 permissions it gives them since 2026-10-01', '52 days before 2026-11-22 (more than `unusedAfterDays: 30`)'] }],
    },
    {
      name: 'permission usage: no recorded use at all of a role',
      yaml: policy,
      // A use of something the policy does not declare still shows that alice is not dormant.
      usage: 'user,permission,lastUsed\nalice,erp.invoice.read,2026-11-01\nbob,kb.read,2026-11-01\nalice,kb.read,\n',
      errors: [{ at: 'policy.yaml:10:39', subject: 'user:alice', message: ['has no recorded use of any of the 3 permissions it gives them in `usage.csv`'] }],
    },
  ],
});

describe('unused-access', () => {
  it('names the role as the target, so an exception can accept one role', () => {
    const result = checkYaml(policy, { rules: [unusedAccess], usage: 'user,role,lastUsed\nalice,marker,2026-11-20\nbob,reader,2026-11-20\n' });
    expect(result.diagnostics.map((d) => `${d.subject.kind}:${d.subject.id} ${d.target?.kind}:${d.target?.id}`)).toEqual(['user:alice role:agent']);
  });

  it('is listed as not evaluated without usage data', () => {
    const result = checkYaml(policy, { rules: [unusedAccess] });
    expect(findings(result)).toEqual([]);
    expect(result.notEvaluated.map((n) => n.rule)).toEqual(['unused-access']);
  });
});

accessDocsTester(unusedAccess);

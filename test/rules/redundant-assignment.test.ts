import { redundantAssignment } from '../../src/rules/redundant-assignment.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { describe, expect, it } from 'vitest';
import { docsTest, ruleTester } from './support/rule-tester.js';

const csm = yaml`
  permissions:
    case.read:
    case.assign:
  roles:
    sn_customerservice_agent: { grants: [case.read] }
    sn_customerservice_manager: { grants: [case.assign], contains: [sn_customerservice_agent] }
    sn_customerservice.case_viewer: { grants: [case.read] }
`;

/** `csm` and one internal user, alice, with these role entries (the first on line 12, at column 9). */
const aliceWith = (...entries: string[]): string => csm + yaml`
  users:
    alice:
      type: internal
      roles:
` + entries.map((entry) => `      - ${entry}\n`).join('');

ruleTester(redundantAssignment, {
  valid: [
    {
      name: 'unrelated roles, even with overlapping grants',
      policy: csm + yaml`
        users:
          alice: { type: internal, roles: [sn_customerservice_agent, sn_customerservice.case_viewer] }
      `,
    },
    {
      name: 'the containing assignment expires before the contained one',
      policy: aliceWith('sn_customerservice_agent', '{ role: sn_customerservice_manager, expires: 2027-01-31 }'),
    },
    {
      name: 'the containing assignment has expired',
      policy: aliceWith('sn_customerservice_agent', '{ role: sn_customerservice_manager, expires: 2026-11-21 }'),
    },
    {
      name: 'the implied assignment itself has expired (expired-assignment reports it)',
      policy: aliceWith('sn_customerservice_manager', '{ role: sn_customerservice_agent, expires: 2026-11-01 }'),
    },
    {
      name: 'the group gives the role to someone else',
      policy: csm + yaml`
        groups:
          agents: { roles: [sn_customerservice_agent], members: [bob] }
        users:
          alice: { type: internal, roles: [sn_customerservice_agent] }
          bob: { type: internal }
      `,
    },
    {
      name: 'an inactive user (inactive-user-access reports leftovers)',
      policy: csm + yaml`
        groups:
          agents: { roles: [sn_customerservice_agent], members: [alice] }
        users:
          alice: { type: internal, status: inactive, roles: [sn_customerservice_agent] }
      `,
    },
    {
      name: 'the wider role comes through a group, the narrower one is direct but different',
      policy: csm + yaml`
        groups:
          managers: { roles: [sn_customerservice_manager], members: [alice] }
        users:
          alice: { type: internal, roles: [sn_customerservice.case_viewer] }
      `,
    },
  ],
  invalid: [
    {
      name: 'contained in another direct assignment',
      policy: aliceWith('sn_customerservice_manager', 'sn_customerservice_agent'),
      findings: [
        {
          at: 'policy.yaml:13:9',
          subject: 'user:alice',
          message: ['user `alice` is assigned role `sn_customerservice_agent` directly, but already holds it through role `sn_customerservice_manager` (policy.yaml:12) > role `sn_customerservice_agent` (policy.yaml:6)', 'remove the direct assignment'],
        },
      ],
    },
    {
      name: 'given through a parent group of a subgroup the user is in',
      policy: csm + yaml`
        groups:
          csm-agents: { roles: [sn_customerservice_agent], subgroups: [csm-agents-emea] }
          csm-agents-emea: { members: [sofia] }
        users:
          sofia: { type: internal, roles: [{ role: sn_customerservice_agent, reason: onboarding }] }
      `,
      findings: [
        {
          at: 'policy.yaml:12:36',
          subject: 'user:sofia',
          message: ['already holds it through group `csm-agents-emea` (policy.yaml:10) > group `csm-agents` (policy.yaml:9) > role `sn_customerservice_agent` (policy.yaml:9)'],
        },
      ],
    },
    {
      name: 'a group role that contains it',
      policy: csm + yaml`
        groups:
          managers: { roles: [sn_customerservice_manager], members: [alice] }
        users:
          alice: { type: internal, roles: [sn_customerservice_agent] }
      `,
      findings: [{ at: 'policy.yaml:11:36', subject: 'user:alice', message: ['through group `managers` (policy.yaml:9) > role `sn_customerservice_manager` (policy.yaml:9) > role `sn_customerservice_agent` (policy.yaml:6)'] }],
    },
    {
      name: 'the same role twice: the later entry is reported',
      policy: aliceWith('sn_customerservice_agent', '{ role: sn_customerservice_agent, reason: duplicate from a ticket }'),
      findings: [{ at: 'policy.yaml:13:9', subject: 'user:alice', message: ['is assigned role `sn_customerservice_agent` twice (also at policy.yaml:12)'] }],
    },
    {
      name: 'the same role twice: the one expiring first is reported',
      policy: aliceWith('{ role: sn_customerservice_agent, expires: 2027-01-31 }', 'sn_customerservice_agent'),
      findings: [{ at: 'policy.yaml:12:9', subject: 'user:alice', message: ['twice (also at policy.yaml:13)'] }],
    },
    {
      name: 'an expiring assignment covered by one that lasts longer',
      policy: aliceWith('{ role: sn_customerservice_manager, expires: 2027-06-30 }', '{ role: sn_customerservice_agent, expires: 2027-01-31 }'),
      findings: [{ at: 'policy.yaml:13:9', subject: 'user:alice', message: ['through role `sn_customerservice_manager` (policy.yaml:12)'] }],
    },
  ],
});

describe('redundant-assignment: details', () => {
  it('targets the role, so an exception can accept one assignment', () => {
    const result = checkYaml(
      csm + yaml`
        users:
          carol: { type: internal }
          alice: { type: internal, roles: [sn_customerservice_manager, sn_customerservice_agent] }
        settings:
          exceptions:
            - rule: redundant-assignment
              subject: user:alice
              target: role:sn_customerservice_agent
              reason: kept while the manager role is reviewed
              approvedBy: carol
              expires: 2027-01-31
      `,
      { rules: [redundantAssignment] },
    );
    expect(findings(result, 'redundant-assignment').map((f) => [f.subject, f.suppressed])).toEqual([['user:alice', true]]);
    expect(result.diagnostics[0]!.target).toEqual({ kind: 'role', id: 'sn_customerservice_agent' });
  });
});

docsTest(redundantAssignment);

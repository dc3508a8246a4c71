import { describe, expect, it } from 'vitest';
import { highRiskExternal } from '../../src/rules/high-risk-external.js';
import { describePath, PathExplainer, pathRelated } from '../../src/rules/support/access.js';
import { shortestPermissionPath } from '../../src/stages/paths.js';
import { checkYaml, yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

const permissions = yaml`
  permissions:
    case.read: { scopes: [own, account, all] }
    case.delete: { risk: high }
    payment.release: { risk: critical }
    contact.manage: { risk: medium }
`;

accessRuleTester(highRiskExternal, {
  valid: [
    { name: 'internal users may hold high-risk permissions', yaml: permissions + yaml`
      roles:
        admin: { grants: [case.delete, payment.release] }
      users:
        alice: { type: internal, roles: [admin] }
    ` },
    { name: 'external users with low and medium permissions', yaml: permissions + yaml`
      roles:
        customer: { grants: [case.read@all, contact.manage] }
      users:
        alice: { type: internal }
        carla: { type: external, sponsor: alice, roles: [customer] }
    ` },
    { name: 'an inactive external user, an expired assignment, and a carve-out deny', yaml: permissions + yaml`
      roles:
        admin: { grants: [case.delete, payment.release] }
        customer_admin: { grants: ["case.*"], denies: [case.delete] }
      users:
        alice: { type: internal }
        carla: { type: external, status: inactive, roles: [admin] }
        dora: { type: external, roles: [{ role: admin, expires: 2026-11-21 }] }
        emil: { type: external, roles: [customer_admin] }
    ` },
    { name: "a deny from another of the user's roles", yaml: permissions + yaml`
      roles:
        admin: { grants: [case.delete] }
        external_guard: { denies: [case.delete] }
      groups:
        externals: { roles: [external_guard], members: [carla] }
      users:
        carla: { type: external, roles: [admin] }
    ` },
  ],
  invalid: [
    {
      name: 'one finding per permission (same place, ordered by message), with the shortest path as related locations',
      yaml: permissions + yaml`
        roles:
          partner_admin: { contains: [case_admin] }
          case_admin: { grants: [case.delete, case.read@all] }
          payer: { grants: [payment.release] }
        groups:
          partners: { roles: [partner_admin], members: [carla] }
        users:
          carla:
            type: external
            roles: [payer]
      `,
      errors: [
        {
          at: 'policy.yaml:13:3',
          subject: 'user:carla',
          message: ['critical-risk permission `payment.release`', 'via role `payer` (policy.yaml:15) > grant `payment.release` (policy.yaml:9)'],
          relatedCount: 2,
        },
        {
          at: 'policy.yaml:13:3',
          subject: 'user:carla',
          message: ['external user `carla` holds high-risk permission `case.delete`', 'group `partners` (policy.yaml:11) > role `partner_admin` (policy.yaml:11) > role `case_admin` (policy.yaml:7) > grant `case.delete` (policy.yaml:8)'],
          relatedCount: 4,
        },
      ],
    },
  ],
});

accessDocsTester(highRiskExternal);

describe('PathExplainer (the cached path high-risk-external prints)', () => {
  it('gives the same path as shortestPermissionPath, ties included', () => {
    const result = checkYaml(yaml`
      permissions:
        case.read: { scopes: [own, all] }
        case.delete: { risk: high }
        kb.publish: { risk: critical }
      roles:
        a: { grants: [case.delete, case.read@own] }
        b: { grants: [case.delete, case.read@all], contains: [c] }
        c: { grants: [kb.publish], contains: [a] }
        d: { contains: [b] }
      groups:
        g1: { roles: [b], members: [carla] }
        g2: { roles: [a, d], subgroups: [g1] }
        g3: { roles: [c], members: [ella, carla] }
      users:
        carla: { type: external, roles: [d, { role: a, expires: 2026-11-01 }] }
        ella: { type: external, roles: [a, b] }
        omar: { type: external }
    `, { rules: [] });
    const res = result.resolution;
    const explainer = new PathExplainer(res);
    let compared = 0;
    for (let u = 0; u < res.userIds.length; u++) {
      for (let p = 0; p < res.permissionIds.length; p++) {
        const expected = shortestPermissionPath(res, u, p);
        const actual = explainer.explain(u, p);
        if (!expected) {
          expect(actual).toBeUndefined();
          continue;
        }
        expect(actual?.text).toBe(describePath(expected.slice(1)));
        expect(actual?.related).toEqual(pathRelated(expected));
        compared++;
      }
    }
    expect(compared).toBe(6);
  });
});

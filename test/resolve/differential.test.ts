import fc from 'fast-check';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
// @ts-expect-error: plain .mjs tooling without types
import { casbinRbacModel } from '../../bench/casbin-model.mjs';
import type { Resolution } from '../../src/stages/resolve.js';
import { checkYaml, testAsOf } from '../helpers/policy.js';
import { policyArbitrary } from './arbitraries.js';
import { naiveResolve, type NaiveMatrix, type NaivePolicy } from './naive.js';

function resolveWithRolecall(policy: NaivePolicy): { matrix: NaiveMatrix; resolution: Resolution; errors: number } {
  const result = checkYaml(stringify(policy), { rules: [] });
  const res = result.resolution;
  const matrix: NaiveMatrix = {};
  res.userIds.forEach((userId, u) => {
    const levels = res.effectiveLevels(u);
    matrix[userId] = {};
    levels.forEach((level, p) => {
      if (level) matrix[userId]![res.permissionIds[p]!] = res.levelValue(p, level);
    });
  });
  return { matrix, resolution: res, errors: result.diagnostics.length };
}


/** The same policy as casbin RBAC: user -> group -> parent group -> role -> contained role -> permission. */
async function resolveWithCasbin(policy: NaivePolicy): Promise<NaiveMatrix> {
  const lines: string[] = [];
  for (const [role, def] of Object.entries(policy.roles)) {
    for (const grant of def.grants ?? []) lines.push(`p, role:${role}, ${grant}, use`);
    for (const c of def.contains ?? []) lines.push(`g, role:${role}, role:${c}`);
  }
  for (const [group, def] of Object.entries(policy.groups)) {
    for (const r of def.roles ?? []) lines.push(`g, group:${group}, role:${r}`);
    for (const m of def.members ?? []) lines.push(`g, user:${m}, group:${group}`);
    for (const s of def.subgroups ?? []) lines.push(`g, group:${s}, group:${group}`);
  }
  for (const [user, def] of Object.entries(policy.users)) {
    for (const a of def.roles ?? []) lines.push(`g, user:${user}, role:${typeof a === 'string' ? a : a.role}`);
  }
  lines.push('p, nobody, nothing, use'); // casbin refuses an empty policy
  const enforcer = await newEnforcer(newModelFromString(casbinRbacModel as string), new StringAdapter(lines.join('\n')));
  const matrix: NaiveMatrix = {};
  for (const user of Object.keys(policy.users)) {
    const permissions = await enforcer.getImplicitPermissionsForUser(`user:${user}`);
    matrix[user] = {};
    for (const [, obj] of permissions) matrix[user]![obj!] = true;
  }
  return matrix;
}

describe('resolver: differential tests', () => {
  it('equals a naive reference resolver on random policies (scopes, denies, wildcards, expiry, inactive users)', () => {
    fc.assert(
      fc.property(policyArbitrary({ rich: true }), (policy) => {
        const { matrix, errors } = resolveWithRolecall(policy);
        expect(errors).toBe(0);
        expect(matrix).toEqual(naiveResolve(policy, testAsOf));
      }),
      { numRuns: 1500, seed: 20261122 },
    );
  });

  it('equals node-casbin (RBAC with role hierarchy) on the pure RBAC subset', async () => {
    await fc.assert(
      fc.asyncProperty(policyArbitrary({ rich: false, maxRoles: 5, maxGroups: 3 }), async (policy) => {
        const { matrix } = resolveWithRolecall(policy);
        expect(matrix).toEqual(await resolveWithCasbin(policy));
      }),
      { numRuns: 500, seed: 20261122 },
    );
  });

  it('effective roles are closed under containment and groups (property)', () => {
    fc.assert(
      fc.property(policyArbitrary({ rich: true }), (policy) => {
        const { resolution: res } = resolveWithRolecall(policy);
        res.userIds.forEach((_, u) => {
          for (const r of res.userRoles[u]!.toArray()) {
            for (const c of res.containsEdges[r]!) expect(res.userRoles[u]!.has(c)).toBe(true);
          }
        });
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('SourceTexts', () => {
  it('gives the source roles and prefixes of sourcePrefixes, as text, in compareHops order (property)', async () => {
    const { SourceTexts, compareHops, sourcePrefixes, viaText } = await import('../../src/stages/paths.js');
    fc.assert(
      fc.property(policyArbitrary({ rich: true }), (policy) => {
        const { resolution: res } = resolveWithRolecall(policy);
        const texts = new SourceTexts(res);
        res.userIds.forEach((_, u) => {
          const expected = [...sourcePrefixes(res, u)].sort((a, b) => compareHops(a[1], b[1]));
          const got = texts.user(u);
          expect([...got.roles]).toEqual(expected.map(([r]) => r));
          expect([...got.hops]).toEqual(expected.map(([, prefix]) => prefix.length));
          expect(got.prefixes).toEqual(expected.map(([, prefix]) => viaText(prefix)));
        });
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('matrix.csv', () => {
  it('has one row per effective permission with viaText(shortestPermissionPath) as via (property)', async () => {
    const { shortestPermissionPath, viaText } = await import('../../src/stages/paths.js');
    const { renderMatrixCsv } = await import('../../src/emit/csv.js');
    fc.assert(
      fc.property(policyArbitrary({ rich: true }), (policy) => {
        const result = checkYaml(stringify(policy), { rules: [] });
        const res = result.resolution;
        let expected = 'user,permission,scope,via\n';
        res.userIds.forEach((userId, u) => {
          res.effectiveLevels(u).forEach((level, p) => {
            if (!level) return;
            const value = res.levelValue(p, level);
            expected += `${userId},${res.permissionIds[p]},${value === true ? '' : value},${viaText(shortestPermissionPath(res, u, p)!)}\n`;
          });
        });
        expect([...renderMatrixCsv({ result, digest: 'sha256:0' })].join('')).toBe(expected);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

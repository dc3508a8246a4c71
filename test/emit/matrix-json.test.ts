import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ChunkedBytes } from '../../src/emit/bytes.js';
import { renderMatrixCsvBytes } from '../../src/emit/csv.js';
import { matrixJson, MatrixJsonWriter, renderMatrixJson, renderMatrixJsonBytes } from '../../src/emit/matrix-json.js';
import { nestedJson } from '../../src/emit/json-stream.js';
import type { EmitInput } from '../../src/emit/types.js';
import { compareStrings } from '../../src/model/diagnostic.js';
import { canonicalJson } from '../../src/util/json.js';
import { checkYaml, yaml } from '../helpers/policy.js';
import { policyArbitrary } from '../resolve/arbitraries.js';
import { emitInput, loadEmitFixture, renderText, sharedAccessPolicy } from './fixture.js';

/** matrix.json built the obvious way: one object for everything, straight from SPEC §4. */
function naiveMatrix(input: EmitInput): unknown {
  const res = input.result.resolution;
  const model = input.result.model;
  const ids = (all: readonly string[], indices: Iterable<number>): string[] => [...indices].map((i) => all[i]!);
  const byKey = <T>(entries: [string, T][]): Record<string, T> => {
    const out = Object.create(null) as Record<string, T>;
    for (const [k, v] of entries) out[k] = v;
    return out;
  };
  const permissionsOf = (level: (p: number) => number): Record<string, string | true> =>
    byKey(res.permissionIds.flatMap((id, p): [string, string | true][] => {
      const l = level(p);
      if (l === 0) return [];
      const scopes = model.permissions.get(id)!.scopes;
      return [[id, scopes ? scopes[l - 1]! : true]];
    }));
  return {
    format: 'rolecall.matrix/v1',
    asOf: res.asOf,
    source: { files: input.result.files.map((f) => f.path).sort(compareStrings), digest: input.digest },
    permissions: byKey(res.permissionIds.map((id) => {
      const def = model.permissions.get(id)!;
      return [id, def.scopes ? { scopes: def.scopes, risk: def.risk, audience: def.audience } : { risk: def.risk, audience: def.audience }];
    })),
    roles: byKey(res.roleIds.map((id, r) => [id, {
      effectiveRoles: ids(res.roleIds, res.roleClosure[r]!.toArray()),
      grants: permissionsOf((p) => (res.roleDeny[r]![p] ? 0 : res.roleGrant[r]![p]!)),
      holders: res.userIds.filter((_, u) => res.userRoles[u]!.has(r)),
    }])),
    groups: byKey(res.groupIds.map((id, g) => {
      const roles = new Set<number>();
      for (const r of res.groupRoles[g]!) for (const c of res.roleClosure[r]!.toArray()) roles.add(c);
      return [id, { members: ids(res.userIds, res.groupMembers[g]!), roles: ids(res.roleIds, [...roles].sort((a, b) => a - b)) }];
    })),
    users: byKey(res.userIds.map((id, u) => {
      const def = model.users.get(id)!;
      return [id, {
        type: def.type,
        status: def.status,
        groups: ids(res.groupIds, res.userGroups[u]!),
        roles: ids(res.roleIds, res.userRoles[u]!.toArray()),
        permissions: permissionsOf((p) => res.level(u, p)),
      }];
    })),
  };
}

describe('matrix.json', () => {
  it('streams exactly canonicalJson of the naively built document', () => {
    const input = emitInput(loadEmitFixture());
    expect(renderText(matrixJson, input)).toBe(canonicalJson(naiveMatrix(input)));
  });

  it('streams exactly canonicalJson of the naively built document for random policies (property)', () => {
    fc.assert(
      fc.property(policyArbitrary({ rich: true }), (policy) => {
        const input = emitInput(checkYaml(stringify(policy), { rules: [] }));
        expect(renderText(matrixJson, input)).toBe(canonicalJson(naiveMatrix(input)));
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('holds what SPEC §2 says for the fixture', () => {
    const doc = JSON.parse(renderText(matrixJson, emitInput(loadEmitFixture())));
    expect(Object.keys(doc)).toEqual(['asOf', 'format', 'groups', 'permissions', 'roles', 'source', 'users']);
    expect(doc.format).toBe('rolecall.matrix/v1');
    // own (employee) + account (agent) -> account; containment three deep for carol.
    expect(doc.users.alice.permissions['case.read']).toBe('account');
    expect(doc.users.carol.roles).toEqual(['agent', 'constructor', 'employee', 'senior_agent', 'support_lead']);
    expect(doc.users.carol.permissions['case.read']).toBe('all');
    // Subgroup: bob is in support-emea, hence in support and employees.
    expect(doc.users.bob.groups).toEqual(['employees', 'support', 'support-emea']);
    expect(doc.groups.support.members).toEqual(['alice', 'bob']);
    expect(doc.groups.support.roles).toEqual(['agent', 'employee']);
    // Deny carve-outs: in a role (kb_reviewer) and across a user's roles (dana).
    expect(doc.roles.kb_reviewer.grants).toEqual({ 'kb.read': true, 'kb.write': true });
    expect(doc.users.bob.permissions['kb.publish']).toBeUndefined();
    expect(doc.roles.senior_agent.grants['case.delete']).toBe(true);
    expect(doc.users.dana.permissions['case.delete']).toBeUndefined();
    // Expired assignment gives nothing; an inactive user holds nothing.
    expect(doc.users.dana.roles).not.toContain('constructor');
    expect(doc.users.erin).toEqual({ groups: [], permissions: {}, roles: [], status: 'inactive', type: 'internal' });
    expect(doc.groups.employees.members).not.toContain('erin');
    // Object.prototype names are plain keys.
    expect(doc.roles.constructor.holders).toEqual(['carol']);
    expect(doc.groups.constructor.roles).toEqual(['constructor']);
    expect(doc.permissions.valueof).toEqual({ audience: 'any', risk: 'low' });
    expect(doc.permissions['case.read'].scopes).toEqual(['own', 'account', 'all']);
  });

  it('streams in chunks of about 1 MB, never the document at once', () => {
    const input = emitInput(checkYaml(sharedAccessPolicy(12000)));
    const chunks = [...renderMatrixJsonBytes(input)];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    expect(total).toBeGreaterThan(3 * 2 ** 20);
    expect(chunks.length).toBeGreaterThan(3);
    // Every chunk is bounded by the chunk size plus one user's entry.
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(2 ** 20 + 4096);
    expect([...renderMatrixJson(input)].join('')).toBe(canonicalJson(naiveMatrix(input)));
  });

  it('reuses its chunk buffer when chunks are transient, without changing a byte (matrix.json and matrix.csv)', () => {
    const input = emitInput(checkYaml(sharedAccessPolicy(12000)));
    for (const render of [renderMatrixJsonBytes, renderMatrixCsvBytes]) {
      const fresh = Buffer.concat([...render(input)]);
      const copies: Buffer[] = [];
      const buffers = new Set<ArrayBufferLike>();
      // Consumed one at a time, as the file writer does: each chunk is copied before the next is asked for.
      for (const chunk of render(input, { transient: true })) {
        copies.push(Buffer.from(chunk));
        buffers.add(chunk.buffer);
      }
      expect(Buffer.concat(copies).equals(fresh)).toBe(true);
      if (render === renderMatrixJsonBytes) {
        expect(copies.length).toBeGreaterThan(3);
        expect(buffers.size).toBeLessThan(copies.length);
      }
    }
  });

  it('writes empty sections as {} and matches canonicalJson for an empty policy', () => {
    const input = emitInput(checkYaml('permissions: {}\n'));
    const text = renderText(matrixJson, input);
    expect(text).toBe(canonicalJson(naiveMatrix(input)));
    expect(JSON.parse(text).users).toEqual({});
  });

  it('keeps ids named after Object.prototype members as data', () => {
    const input = emitInput(checkYaml(yaml`
      permissions:
        tostring: {}
        hasownproperty: {}
        proto.read: { scopes: [own, all] }
      roles:
        constructor: { grants: [tostring, proto.read@own] }
        valueof: { contains: [constructor], grants: [hasownproperty, proto.read@all] }
      users:
        constructor: { type: internal, roles: [valueof] }
        isprototypeof: { type: internal, roles: [constructor] }
    `));
    const text = renderText(matrixJson, input);
    expect(text).toBe(canonicalJson(naiveMatrix(input)));
    const doc = JSON.parse(text);
    expect(doc.users.constructor.permissions).toEqual({ hasownproperty: true, 'proto.read': 'all', tostring: true });
    expect(doc.roles.constructor.holders).toEqual(['constructor', 'isprototypeof']);
  });

  it('writes each group, role and user entry byte for byte as nestedJson of its entry in the naive document', () => {
    const input = emitInput(checkYaml(sharedAccessPolicy(60)));
    const res = input.result.resolution;
    const naive = naiveMatrix(input) as Record<'users' | 'roles' | 'groups', Record<string, unknown>>;
    const writer = new MatrixJsonWriter(res);
    const decoder = new TextDecoder();
    const bytes = (write: (out: ChunkedBytes) => void): string => {
      const out = new ChunkedBytes();
      write(out);
      return out.finish().map((c) => decoder.decode(c)).join('');
    };
    for (let u = 0; u < res.userIds.length; u++) expect(bytes((out) => writer.user(out, u))).toBe(nestedJson(naive.users[res.userIds[u]!], 2));
    for (let r = 0; r < res.roleIds.length; r++) expect(bytes((out) => writer.role(out, r))).toBe(nestedJson(naive.roles[res.roleIds[r]!], 2));
    for (let g = 0; g < res.groupIds.length; g++) expect(bytes((out) => writer.group(out, g))).toBe(nestedJson(naive.groups[res.groupIds[g]!], 2));
    expect(res.roleIds.length * res.groupIds.length).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { csvField, matrixCsv, renderMatrixCsv } from '../../src/emit/csv.js';
import { matrixJson } from '../../src/emit/matrix-json.js';
import { compareStrings } from '../../src/model/diagnostic.js';
import { checkYaml, yaml } from '../helpers/policy.js';
import { csvRows, emitInput, loadEmitFixture, renderText, sharedAccessPolicy } from './fixture.js';

describe('matrix.csv', () => {
  const input = emitInput(loadEmitFixture());
  const text = renderText(matrixCsv, input);
  const rows = csvRows(text);

  it('starts with the header and ends with a newline', () => {
    expect(text.startsWith('user,permission,scope,via\n')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('has one row per effective permission of matrix.json, sorted by user then permission', () => {
    const doc = JSON.parse(renderText(matrixJson, input)) as { users: Record<string, { permissions: Record<string, string | true> }> };
    const expected = Object.entries(doc.users).flatMap(([user, u]) =>
      Object.entries(u.permissions).map(([permission, scope]) => `${user},${permission},${scope === true ? '' : scope}`),
    );
    expect(rows.map((r) => `${r.user},${r.permission},${r.scope}`)).toEqual(expected);
    const keys = rows.map((r) => [r.user, r.permission] as const);
    const sorted = [...keys].sort((a, b) => compareStrings(a[0], b[0]) || compareStrings(a[1], b[1]));
    expect(keys).toEqual(sorted);
  });

  it('explains each row by its shortest path', () => {
    const via = (user: string, permission: string): string | undefined => rows.find((r) => r.user === user && r.permission === permission)?.via;
    // Through a subgroup: bob is a member of support-emea, a subgroup of support.
    expect(via('bob', 'case.read')).toBe('group:support-emea > group:support > role:agent');
    expect(via('bob', 'kb.write')).toBe('group:support-emea > role:kb_reviewer > role:kb_editor');
    // The widest grant wins: agent's account, not employee's own.
    expect(via('alice', 'case.read')).toBe('group:support > role:agent');
    // Containment: carol's leads group gives support_lead, which contains senior_agent.
    expect(via('carol', 'case.write')).toBe('group:leads > role:support_lead > role:senior_agent');
    expect(via('carol', 'valueof')).toBe('group:employees > role:employee');
    expect(via('carol', 'billing.refund')).toBe('group:constructor > role:constructor');
    expect(via('dana', 'case.read')).toBe('role:senior_agent > role:agent');
    expect(via('frank', 'kb.read')).toBe('role:customer_case_manager > role:customer');
    // Deny, expiry and inactivity leave no row.
    expect(via('dana', 'case.delete')).toBeUndefined();
    expect(via('dana', 'billing.refund')).toBeUndefined();
    expect(rows.some((r) => r.user === 'erin')).toBe(false);
  });

  it('breaks ties between equally short paths by id order', () => {
    const tie = emitInput(checkYaml(yaml`
      permissions:
        kb.read: {}
      roles:
        zeta: { grants: [kb.read] }
        alpha: { grants: [kb.read] }
      users:
        u: { type: internal, roles: [zeta, alpha] }
    `));
    expect(renderText(matrixCsv, tie)).toBe('user,permission,scope,via\nu,kb.read,,role:alpha\n');
  });

  it('starts with the header and lists the users holding something, in order', () => {
    const text = [...renderMatrixCsv(input)].join('');
    expect(text.startsWith('user,permission,scope,via\n')).toBe(true);
    expect([...new Set(text.trimEnd().split('\n').slice(1).map((line) => line.split(',')[0]))]).toEqual(['alice', 'bob', 'carol', 'dana', 'frank']);
  });

  it('streams bytes in bounded chunks whose text equals render()', async () => {
    const { renderMatrixCsvBytes } = await import('../../src/emit/csv.js');
    const chunks = [...renderMatrixCsvBytes(input)];
    expect(chunks.every((c) => c.length <= 1 << 20)).toBe(true);
    expect(Buffer.concat(chunks).toString('utf8')).toBe([...renderMatrixCsv(input)].join(''));
  });

  it('quotes fields per RFC 4180 only when needed', () => {
    expect(csvField('group:g > role:r')).toBe('group:g > role:r');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});

describe('matrix.csv rows shared between users', () => {
  it('equal viaText(shortestPermissionPath(...)) computed per row', async () => {
    const { shortestPermissionPath, sourcePrefixes, viaText } = await import('../../src/stages/paths.js');
    const shared = emitInput(checkYaml(sharedAccessPolicy()));
    const res = shared.result.resolution;
    let expected = 'user,permission,scope,via\n';
    for (let u = 0; u < res.userIds.length; u++) {
      const levels = res.effectiveLevels(u);
      for (let p = 0; p < levels.length; p++) {
        if (!levels[p]) continue;
        const value = res.levelValue(p, levels[p]!);
        expected += `${res.userIds[u]},${res.permissionIds[p]},${value === true ? '' : value},${viaText(shortestPermissionPath(res, u, p, sourcePrefixes(res, u))!)}\n`;
      }
    }
    expect(renderText(matrixCsv, shared)).toBe(expected);
    expect(expected.split('\n').length).toBeGreaterThan(40);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignIds } from '../../src/import/ids.js';
import { runCli } from '../helpers/cli.js';
import { exportTables, instanceArbitrary, writeExport, type Instance, type Tables } from './instance.js';

let work: string;
let counter = 0;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-roundtrip-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface DriftJson {
  format: string;
  summary: { unexpected: number; missing: number; users: number };
  users: { user: string; only?: string; unexpected: unknown[]; missing: unknown[] }[];
  unknownUsers: string[];
}

async function drift(exportDir: string, policyDir: string): Promise<{ code: number; json: DriftJson }> {
  const run = await runCli(['drift', '--observed', exportDir, '--dir', policyDir, '--format', 'json', '--as-of', '2026-11-22']);
  expect(run.stderr).toBe('');
  return { code: run.code, json: JSON.parse(run.stdout) as DriftJson };
}

/** The ids import gives users and roles (the same function, over the same records). */
function ids(instance: Instance): { user: Map<string, string>; role: Map<string, string> } {
  return {
    user: assignIds(instance.users.map((u) => ({ key: u.sys_id, name: u.user_name })), 'u_').ids,
    role: assignIds(instance.roles.map((r) => ({ key: r.sys_id, name: r.name })), 'r_').ids,
  };
}

/** Active sys_user_has_role rows per user, as (user sys_id, role sys_id) pairs with their count. */
function liveRows(tables: Tables): Map<string, number> {
  const count = new Map<string, number>();
  for (const [user, role, , state] of tables['sys_user_has_role']!.rows) {
    if (state !== 'active') continue;
    const key = `${(user as { value: string }).value},${(role as { value: string }).value}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  return count;
}

describe('import then drift on the same export (issue 16, done when)', () => {
  it('reports no drift, and each single live change as exactly that', async () => {
    await fc.assert(
      fc.asyncProperty(instanceArbitrary, fc.constantFrom<'csv' | 'json'>('csv', 'json'), fc.nat(), async (instance, format, choice) => {
        const dir = path.join(work, `case-${++counter}`);
        const exportDir = path.join(dir, 'export');
        const policyDir = path.join(dir, 'policies');
        const tables = exportTables(instance);
        await writeExport(instance, exportDir, { format, tables });
        const imported = await runCli(['import', 'servicenow', exportDir, '--out', policyDir]);
        expect(imported.stderr).toBe('');
        expect(imported.code).toBe(0);

        const clean = await drift(exportDir, policyDir);
        expect(clean.json.summary).toEqual({ unexpected: 0, missing: 0, users: 0 });
        expect(clean.json.unknownUsers).toEqual([]);
        expect(clean.code).toBe(0);

        const { user: userId, role: roleId } = ids(instance);
        const rows = liveRows(tables);
        const ref = (id: string, name: string): { value: string; display_value: string } => ({ value: id, display_value: name });
        const activeUsers = instance.users.filter((u) => u.active);

        // An added role row: an active user gets a role they do not hold.
        const candidates = activeUsers.flatMap((u) => instance.roles.filter((r) => !rows.has(`${u.sys_id},${r.sys_id}`)).map((r) => [u, r] as const));
        if (candidates.length > 0) {
          const [user, role] = candidates[choice % candidates.length]!;
          const changed = structuredClone(tables);
          changed['sys_user_has_role']!.rows.push([ref(user.sys_id, user.name), ref(role.sys_id, role.name), 'false', 'active']);
          const changedDir = path.join(dir, 'added');
          await writeExport(instance, changedDir, { format, tables: changed });
          const result = await drift(changedDir, policyDir);
          expect(result.json.users).toEqual([{ user: userId.get(user.sys_id), unexpected: [{ role: roleId.get(role.sys_id) }], missing: [] }]);
          expect(result.json.unknownUsers).toEqual([]);
          expect(result.code).toBe(1);
        }

        // A removed inherited row: the only active row of a role an active user inherits.
        const inherited = tables['sys_user_has_role']!.rows
          .map((row, index) => ({ row, index }))
          .filter(({ row }) => row[2] === 'true' && row[3] === 'active')
          .filter(({ row }) => activeUsers.some((u) => u.sys_id === (row[0] as { value: string }).value))
          .filter(({ row }) => rows.get(`${(row[0] as { value: string }).value},${(row[1] as { value: string }).value}`) === 1);
        if (inherited.length > 0) {
          const { row, index } = inherited[choice % inherited.length]!;
          const changed = structuredClone(tables);
          changed['sys_user_has_role']!.rows.splice(index, 1);
          const changedDir = path.join(dir, 'removed');
          await writeExport(instance, changedDir, { format, tables: changed });
          const result = await drift(changedDir, policyDir);
          const user = (row[0] as { value: string }).value;
          const role = (row[1] as { value: string }).value;
          expect(result.json.users).toEqual([{ user: userId.get(user), unexpected: [], missing: [{ role: roleId.get(role) }] }]);
          expect(result.code).toBe(1);
        }

        // A new user, holding snc_internal.
        const changed = structuredClone(tables);
        changed['sys_user']!.rows.push(['f'.repeat(32), 'zz.new.user', 'New User', 'new@example.com', 'true']);
        changed['sys_user_has_role']!.rows.push([ref('f'.repeat(32), 'New User'), ref(instance.roles[0]!.sys_id, 'snc_internal'), 'false', 'active']);
        const changedDir = path.join(dir, 'new-user');
        await writeExport(instance, changedDir, { format, tables: changed });
        const result = await drift(changedDir, policyDir);
        expect(result.json.unknownUsers).toEqual(['zz.new.user']);
        expect(result.json.users).toEqual([{ user: 'zz.new.user', only: 'observed', unexpected: [{ role: 'snc_internal' }], missing: [] }]);
        expect(result.code).toBe(1);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 25 },
    );
  });
});

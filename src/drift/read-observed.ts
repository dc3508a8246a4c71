import { statSync } from 'node:fs';
import path from 'node:path';
import { compareStrings } from '../model/diagnostic.js';
import { displayPath, InputError } from '../stages/load.js';
import { readServiceNowExport } from '../import/export-dir.js';
import { normalizeId } from '../import/ids.js';
import { newDigest, readTableFile, type TableLimits } from '../import/table.js';
import type { ObservedAccess } from './observed.js';
import type { ObservedSource } from './types.js';

/**
 * Reads what `--observed` names: a ServiceNow export directory (sys_user,
 * sys_user_role and every active sys_user_has_role row, ids normalised as
 * `import` does), or a CSV file with the header `user,role` or
 * `user,permission,scope`. A file or row that cannot be read is an
 * InputError naming it.
 */
export async function readObserved(given: string, options: { readonly cwd: string; readonly limits: TableLimits }): Promise<{ access: ObservedAccess; source: ObservedSource }> {
  const absolute = path.resolve(options.cwd, given);
  const shown = displayPath(absolute, options.cwd);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    throw new InputError(`--observed \`${given}\` does not exist: pass a ServiceNow export directory or a CSV file (user,role or user,permission,scope)`);
  }
  if (isDirectory) {
    const read = await readServiceNowExport(given, { cwd: options.cwd, limits: options.limits, observeOnly: true });
    const { live } = read.mapping.finish();
    const counts = new Map<string, number>();
    for (const row of read.mapping.dropped) {
      const key = `${row.table}: ${row.reason}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const notes = [...counts]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([key, n]) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'} of ${key.replace(/: /, ' left out: ')} (\`rolecall import\` lists each in import-report.md)`);
    return {
      access: { kind: 'servicenow', roles: live.roles, permissions: new Map(), users: live.users, notes },
      source: { path: shown, digest: read.digest, kind: 'servicenow' },
    };
  }
  const hash = newDigest();
  const roles = new Map<string, Set<string>>();
  const permissions = new Map<string, Map<string, string>>();
  let kind: 'roles' | 'permissions' | undefined;
  const id = (text: string | undefined, prefix: string): string => normalizeId(text ?? '', prefix);
  const info = await readTableFile(
    absolute,
    shown,
    options.limits,
    (row) => {
      if (kind === undefined) kind = headerKind([...row.cells.keys()], shown);
      const where = `\`${shown}\` row ${row.row}${row.line !== undefined ? ` (line ${row.line})` : ''}`;
      const user = id(row.cells.get('user')?.value, 'u_');
      if (user === '') throw new InputError(`${where} has no user: every row names a user`);
      if (kind === 'roles') {
        const role = id(row.cells.get('role')?.value, 'r_');
        if (role === '') throw new InputError(`${where} has no role`);
        let set = roles.get(user);
        if (!set) roles.set(user, (set = new Set()));
        set.add(role);
        return;
      }
      const permission = id(row.cells.get('permission')?.value, 'p_');
      if (permission === '') throw new InputError(`${where} has no permission`);
      const scope = (row.cells.get('scope')?.value ?? '').trim();
      let map = permissions.get(user);
      if (!map) permissions.set(user, (map = new Map()));
      map.set(permission, scope);
    },
    hash,
  );
  const bad = info.malformed[0];
  if (bad) throw new InputError(`\`${shown}\` row ${bad.row}${bad.line !== undefined ? ` (line ${bad.line})` : ''}: ${bad.reason}`);
  kind ??= headerKind(info.columns, shown);
  return {
    access: { kind, roles, permissions, users: undefined, notes: [] },
    source: { path: shown, digest: `sha256:${hash.digest('hex')}`, kind },
  };
}

function headerKind(columns: readonly string[], shown: string): 'roles' | 'permissions' {
  const header = columns.join(',');
  if (header === 'user,role') return 'roles';
  if (header === 'user,permission,scope' || header === 'user,permission') return 'permissions';
  throw new InputError(`\`${shown}\` has the header \`${header.slice(0, 80)}\`: an observed CSV file has the header user,role or user,permission,scope`);
}

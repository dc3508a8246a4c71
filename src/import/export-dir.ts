import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { compareStrings } from '../model/diagnostic.js';
import { displayPath, InputError } from '../stages/load.js';
import { ServiceNowMapping, serviceNowTables, type ServiceNowTable, type TableSpec } from './servicenow.js';
import { newDigest, readTableFile, type TableLimits } from './table.js';

/** The files of one table in an export directory: `<table>.csv` or `.json`, or pages `<table>.1.csv`, `<table>.2.csv`, ... */
export interface TableFiles {
  readonly table: ServiceNowTable;
  /** Absolute paths, in page order. */
  readonly files: readonly string[];
}

/**
 * Finds each table's export in `dir`. A required table without a file, or a
 * table given twice without page numbers, is an InputError naming what to
 * export. Files of other tables are listed in `ignored`.
 */
export function locateTables(dir: string, shownDir: string, wanted: readonly ServiceNowTable[], optional: readonly ServiceNowTable[]): { tables: TableFiles[]; ignored: string[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(`\`${shownDir}\` is not a directory: pass the directory that holds the table exports (sys_user.csv, ...)`);
    names = readdirSync(dir).sort(compareStrings);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`export directory \`${shownDir}\` does not exist or cannot be read`);
  }
  const byTable = new Map<string, { name: string; page: number | undefined }[]>();
  const ignored: string[] = [];
  for (const name of names) {
    const match = /^([a-z0-9_]+?)(?:\.(\d+))?\.(csv|json)$/.exec(name);
    const table = match?.[1];
    if (!match || !table || !serviceNowTables.some((t) => t.name === table)) {
      ignored.push(name);
      continue;
    }
    const list = byTable.get(table) ?? [];
    list.push({ name, page: match[2] === undefined ? undefined : Number(match[2]) });
    byTable.set(table, list);
  }
  const tables: TableFiles[] = [];
  const missing: ServiceNowTable[] = [];
  for (const table of wanted) {
    const files = byTable.get(table);
    byTable.delete(table);
    if (!files || files.length === 0) {
      if (!optional.includes(table)) missing.push(table);
      continue;
    }
    if (files.length > 1 && files.some((f) => f.page === undefined)) {
      throw new InputError(`\`${shownDir}\` holds ${files.map((f) => `\`${f.name}\``).join(' and ')}: keep one export of \`${table}\`, or number its pages (${table}.1.csv, ${table}.2.csv, ...)`);
    }
    files.sort((a, b) => (a.page ?? 0) - (b.page ?? 0) || compareStrings(a.name, b.name));
    tables.push({ table, files: files.map((f) => path.join(dir, f.name)) });
  }
  for (const list of byTable.values()) ignored.push(...list.map((f) => f.name));
  if (missing.length > 0) {
    const spec = (t: ServiceNowTable): TableSpec => serviceNowTables.find((s) => s.name === t)!;
    throw new InputError(
      `\`${shownDir}\` has no export of ${missing.map((t) => `\`${t}\``).join(', ')}: export ${missing.length === 1 ? 'it' : 'each'} as ${missing[0]}.csv or ${missing[0]}.json with the fields ${missing.map((t) => `${t}: ${spec(t).fields.join(',')}`).join('; ')} (docs/import.md)`,
    );
  }
  ignored.sort(compareStrings);
  return { tables, ignored };
}

/** What reading an export directory gave. */
export interface ReadExport {
  readonly mapping: ServiceNowMapping;
  /** `sha256:<hex>` over every file read, in order, with its name. */
  readonly digest: string;
  readonly ignoredFiles: readonly string[];
}

/**
 * Reads a ServiceNow export directory into a ServiceNowMapping, table by
 * table in the order of `serviceNowTables`, streaming each file. `import`
 * reads every table (the ACL pair optional); `drift` only sys_user,
 * sys_user_role and sys_user_has_role (`observeOnly`).
 */
export async function readServiceNowExport(
  dir: string,
  options: { readonly cwd: string; readonly limits: TableLimits; readonly observeOnly?: boolean },
): Promise<ReadExport> {
  const absolute = path.resolve(options.cwd, dir);
  const shownDir = displayPath(absolute, options.cwd);
  const wanted = options.observeOnly ? (['sys_user', 'sys_user_role', 'sys_user_has_role'] as const) : serviceNowTables.map((t) => t.name);
  const optional: ServiceNowTable[] = options.observeOnly ? [] : ['sys_security_acl', 'sys_security_acl_role'];
  const { tables, ignored } = locateTables(absolute, shownDir, wanted, optional);
  const acl = tables.some((t) => t.table === 'sys_security_acl');
  const aclRole = tables.some((t) => t.table === 'sys_security_acl_role');
  if (acl !== aclRole) {
    throw new InputError(`\`${shownDir}\` has \`${acl ? 'sys_security_acl' : 'sys_security_acl_role'}\` without \`${acl ? 'sys_security_acl_role' : 'sys_security_acl'}\`: export both ACL tables, or neither (then no permissions are imported)`);
  }
  const mapping = new ServiceNowMapping(options.observeOnly ? { observeOnly: true } : {});
  const hash = newDigest();
  for (const { table, files } of tables) {
    const spec = serviceNowTables.find((t) => t.name === table)!;
    for (const file of files) {
      const name = path.basename(file);
      const shown = displayPath(file, options.cwd);
      hash.update(`${name}\u0000`);
      let checked = false;
      const check = (columns: Iterable<string>): void => {
        const present = new Set(columns);
        const absent = spec.requiredFields.filter((f) => !present.has(f));
        if (absent.length > 0) {
          throw new InputError(
            `\`${shown}\` has no ${absent.map((f) => `\`${f}\``).join(', ')} column${absent.length === 1 ? '' : 's'}: export ${table} with the fields ${spec.fields.join(',')} (field names, not labels: sysparm_export_column_header_label=false; docs/import.md)`,
          );
        }
      };
      const info = await readTableFile(
        file,
        shown,
        options.limits,
        (row) => {
          if (!checked) {
            checked = true;
            check(row.cells.keys());
          }
          mapping.row(table, name, row);
        },
        hash,
      );
      if (info.rows > 0 || file.endsWith('.csv')) check(info.columns);
      for (const bad of info.malformed) mapping.malformed(table, name, bad.row, bad.line, bad.reason);
      mapping.fileRead(table, name, info.rows, info.columns);
    }
  }
  mapping.resolveEntities();
  return { mapping, digest: `sha256:${hash.digest('hex')}`, ignoredFiles: ignored };
}

import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { compareStrings } from '../model/diagnostic.js';
import { displayPath } from '../stages/load.js';
import { readServiceNowExport } from '../import/export-dir.js';
import { importCasbin } from '../import/casbin.js';
import type { ImportedPolicy, ImportReport } from '../import/model.js';
import { defaultSchemaRef, policyFiles } from '../import/policy-files.js';
import { formatImportReport, reportFileName } from '../import/report.js';
import { defaultTableLimits, type TableLimits } from '../import/table.js';
import { exitCodes, UsageError, type CliIO } from './io.js';
import { countOption } from './options.js';
import { writeAtomically } from './write.js';

/** Usage line of `rolecall import`. */
export const importUsage =
  'rolecall import servicenow EXPORT_DIR --out POLICY_DIR [--force] [--schema REF] [--max-file-bytes N]\n       rolecall import casbin MODEL.conf POLICY.csv --out POLICY_DIR [--force] [--schema REF]';

/** The live systems `import` reads. */
export const importSystems = ['servicenow', 'casbin'] as const;

/**
 * `rolecall import servicenow|casbin ...`: reads a live system's export and
 * writes a policy directory (YAML files and import-report.md) atomically.
 * Refuses a non-empty `--out` without `--force`; exit 2 for bad input.
 */
export async function importCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): Promise<number> {
  const [system, ...inputs] = positionals;
  if (system === undefined) throw new UsageError(`import needs a system (servicenow or casbin); usage: ${importUsage}`);
  if (!(importSystems as readonly string[]).includes(system)) throw new UsageError(`import: unknown system \`${system}\`: use servicenow or casbin; usage: ${importUsage}`);
  const out = values['out'];
  if (typeof out !== 'string' || out === '') throw new UsageError(`import needs --out POLICY_DIR, the policy directory to write; usage: ${importUsage}`);
  const schema = values['schema'];
  if (schema !== undefined && (typeof schema !== 'string' || schema === '' || /[\r\n]/.test(schema))) throw new UsageError('--schema takes a path or URL for the files\' yaml-language-server modeline');
  const absoluteOut = path.resolve(io.cwd, out);
  const expected = system === 'servicenow' ? 1 : 2;
  if (inputs.length !== expected) {
    throw new UsageError(`import ${system} takes ${expected === 1 ? 'one export directory' : 'MODEL.conf and POLICY.csv'}, got ${inputs.length} argument${inputs.length === 1 ? '' : 's'}; usage: ${importUsage}`);
  }
  for (const input of inputs) {
    const absolute = path.resolve(io.cwd, input);
    if (absolute === absoluteOut || absolute.startsWith(absoluteOut + path.sep)) {
      throw new UsageError(`--out \`${out}\` holds the input \`${input}\`: importing would replace it; choose another --out`);
    }
  }
  const allowed = checkOut(absoluteOut, out, values['force'] === true);
  const limits: TableLimits = { ...defaultTableLimits, maxFileBytes: countOption('max-file-bytes', values['max-file-bytes']) ?? defaultTableLimits.maxFileBytes };

  let policy: ImportedPolicy;
  let report: ImportReport;
  let source: string;
  let command: string;
  if (system === 'servicenow') {
    const dir = inputs[0]!;
    const read = await readServiceNowExport(dir, { cwd: io.cwd, limits });
    const { policy: imported, renamings, live: _live } = read.mapping.finish();
    const notes = [...read.mapping.notes];
    if (read.ignoredFiles.length > 0) notes.push(`Files in the export directory that are not tables rolecall reads were ignored: ${read.ignoredFiles.map((f) => `\`${f}\``).join(', ')}.`);
    policy = imported;
    report = { system: 'a ServiceNow export', tables: read.mapping.tables, renamings, dropped: read.mapping.dropped, notes };
    source = 'a ServiceNow export';
    command = 'rolecall import servicenow';
  } else {
    const [model, policyCsv] = inputs as [string, string];
    const result = await importCasbin(path.resolve(io.cwd, model), displayPath(path.resolve(io.cwd, model), io.cwd), path.resolve(io.cwd, policyCsv), displayPath(path.resolve(io.cwd, policyCsv), io.cwd), limits);
    policy = result.policy;
    report = result.report;
    source = 'a casbin model and policy';
    command = 'rolecall import casbin';
  }
  const files = [...policyFiles(policy, { schemaRef: typeof schema === 'string' ? schema : defaultSchemaRef, source }), { name: reportFileName, text: formatImportReport(report, policy, command) }];
  for (const file of files) allowed.add(file.name);
  await writeAtomically(absoluteOut, files.map((f) => ({ name: f.name, chunks: [f.text] })), allowed);
  const users = [...policy.users.values()];
  io.stdout.write(
    `imported ${users.length.toLocaleString('en-US')} users (${users.filter((u) => u.status === 'inactive').length.toLocaleString('en-US')} inactive, ${users.filter((u) => u.type === 'external').length.toLocaleString('en-US')} external), ` +
      `${policy.roles.size.toLocaleString('en-US')} roles, ${policy.groups.size.toLocaleString('en-US')} groups, ${policy.permissions.size.toLocaleString('en-US')} permissions\n` +
      `${report.renamings.length.toLocaleString('en-US')} ids renamed, ${report.dropped.length.toLocaleString('en-US')} rows left out: see ${path.posix.join(out.split(path.sep).join('/'), reportFileName)}\n` +
      `wrote ${files.length} files to ${out}\n`,
  );
  return exitCodes.clean;
}

/**
 * Checks `--out` before anything is read: absent or empty is fine; a
 * directory of files is replaced only with `--force` (the names it holds are
 * then allowed to go); anything else is a usage error.
 */
function checkOut(absoluteOut: string, out: string, force: boolean): Set<string> {
  if (!existsSync(absoluteOut)) return new Set();
  if (!statSync(absoluteOut).isDirectory()) throw new UsageError(`--out \`${out}\` is a file: pass a directory`);
  const names = readdirSync(absoluteOut).sort(compareStrings);
  if (names.length === 0) return new Set();
  if (!force) {
    throw new UsageError(`--out \`${out}\` is not empty (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}): pass --force to replace its contents with the import, or choose an empty directory`);
  }
  const directories = names.filter((name) => !lstatSync(path.join(absoluteOut, name)).isFile());
  if (directories.length > 0) {
    throw new UsageError(`--out \`${out}\` holds ${directories.slice(0, 3).map((d) => `\`${d}\``).join(', ')}, which ${directories.length === 1 ? 'is not a file' : 'are not files'}: --force replaces files only; move ${directories.length === 1 ? 'it' : 'them'} away or choose another --out`);
  }
  return new Set(names);
}

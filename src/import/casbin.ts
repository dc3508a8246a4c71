import { readFileSync, statSync } from 'node:fs';
import { compareStrings } from '../model/diagnostic.js';
import { InputError } from '../stages/load.js';
import { readCsvRecords } from './csv.js';
import { assignIds } from './ids.js';
import { emptyPolicy, newRole, type DroppedRow, type ImportedPolicy, type ImportReport, type ReportedRenaming } from './model.js';
import { formatBytes, textSource, type TableLimits } from './table.js';

/** The parts of a casbin model.conf that the import reads. */
export interface CasbinModel {
  /** Field names of the `p` definition (`sub, obj, act, eft`). */
  readonly policyFields: readonly string[];
  /** How many names a `g` line links (2, or 3 with a domain); undefined without [role_definition] g. */
  readonly roleArity: number | undefined;
  readonly effect: string;
  readonly matcher: string;
  /** Other policy and role types defined (p2, g2, ...): not modelled. */
  readonly otherTypes: readonly string[];
}

/** Largest model.conf read. */
const maxModelBytes = 1024 * 1024;

/** Reads a casbin model.conf (INI sections of `key = value`). */
export function parseCasbinModel(text: string, shown: string): CasbinModel {
  const sections = new Map<string, Map<string, { value: string; line: number }>>();
  let current: Map<string, { value: string; line: number }> | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[([A-Za-z_]+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      return;
    }
    const pair = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (!pair || !current) throw new InputError(`\`${shown}:${i + 1}\` is not a casbin model line (\`[section]\` or \`key = value\`): \`${line.slice(0, 80)}\``);
    current.set(pair[1]!, { value: pair[2]!.trim(), line: i + 1 });
  });
  const p = sections.get('policy_definition')?.get('p');
  if (!p) throw new InputError(`\`${shown}\` has no \`p = ...\` in a [policy_definition] section: it is not a casbin model`);
  const policyFields = p.value.split(',').map((f) => f.trim());
  const g = sections.get('role_definition')?.get('g');
  const roleArity = g ? g.value.split(',').length : undefined;
  const otherTypes = [
    ...[...(sections.get('policy_definition')?.keys() ?? [])].filter((k) => k !== 'p'),
    ...[...(sections.get('role_definition')?.keys() ?? [])].filter((k) => k !== 'g'),
  ].sort(compareStrings);
  return {
    policyFields,
    roleArity,
    effect: sections.get('policy_effect')?.get('e')?.value ?? '',
    matcher: sections.get('matchers')?.get('m')?.value ?? '',
    otherTypes,
  };
}

interface PolicyLine {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * `rolecall import casbin MODEL.conf POLICY.csv` (SPEC §10): `p` lines become
 * role grants (`obj.act`, normalised; `deny` effects become denies), `g`
 * lines assignments (user to role) or containment (role to role, when the
 * left side is itself a role: a `p` subject or on the right of another `g`
 * line). Domains, other policy types and matcher functions are reported as
 * not modelled.
 */
export async function importCasbin(modelFile: string, modelShown: string, policyFile: string, policyShown: string, limits: TableLimits): Promise<{ policy: ImportedPolicy; report: ImportReport }> {
  const model = parseCasbinModel(readModel(modelFile, modelShown), modelShown);
  const fieldIndex = (name: string, fallback: number): number => {
    const i = model.policyFields.indexOf(name);
    return i >= 0 ? i : fallback;
  };
  const sub = fieldIndex('sub', 0);
  const obj = fieldIndex('obj', 1);
  const act = fieldIndex('act', 2);
  const eft = model.policyFields.indexOf('eft');
  const dom = model.policyFields.findIndex((f) => f.startsWith('dom'));
  const pLines: PolicyLine[] = [];
  const gLines: PolicyLine[] = [];
  const dropped: DroppedRow[] = [];
  const policyName = policyShown.split('/').pop() ?? policyShown;
  const drop = (line: number, reason: string, detail: string): void => {
    dropped.push({ table: 'policy', file: policyName, row: line, line, reason, detail });
  };
  let rows = 0;
  const otherTypeLines = new Map<string, number>();
  try {
    statSync(policyFile);
  } catch {
    throw new InputError(`casbin policy \`${policyShown}\` does not exist or cannot be read`);
  }
  if (statSync(policyFile).size > limits.maxFileBytes) throw new InputError(`\`${policyShown}\` is ${formatBytes(statSync(policyFile).size)}, over the limit of ${formatBytes(limits.maxFileBytes)} a file: raise --max-file-bytes`);
  await readCsvRecords(textSource(policyFile, policyShown), limits, { comment: '#', trim: true }, (record, line) => {
    rows++;
    const [ptype, ...fields] = record;
    if (ptype === undefined || (ptype === '' && fields.every((f) => f === ''))) return;
    if (ptype === 'p') {
      if (fields.length < Math.max(sub, obj, act) + 1) return drop(line, 'malformed line', `\`p\` line with ${fields.length} fields; the model's p is \`${model.policyFields.join(', ')}\``);
      pLines.push({ line, fields });
    } else if (ptype === 'g') {
      if (fields.length < 2) return drop(line, 'malformed line', `\`g\` line with ${fields.length} field${fields.length === 1 ? '' : 's'}; expected \`g, user, role\``);
      gLines.push({ line, fields });
    } else {
      otherTypeLines.set(ptype, (otherTypeLines.get(ptype) ?? 0) + 1);
      drop(line, 'policy type not modelled', `\`${ptype}\` lines (${/^g/.test(ptype) ? 'a second role hierarchy' : 'a second policy type'}) are not modelled`);
    }
  });

  const roleNames = new Set<string>();
  for (const p of pLines) roleNames.add(p.fields[sub]!);
  for (const g of gLines) roleNames.add(g.fields[1]!);
  const userNames = new Set<string>();
  for (const g of gLines) if (!roleNames.has(g.fields[0]!)) userNames.add(g.fields[0]!);
  const permissionNames = new Set<string>();
  for (const p of pLines) permissionNames.add(`${p.fields[obj]!}.${p.fields[act]!}`);

  const renamings: ReportedRenaming[] = [];
  const name = (kind: ReportedRenaming['kind'], names: Set<string>, prefix: string): Map<string, string> => {
    const { ids, renamings: renamed } = assignIds([...names].map((n) => ({ key: n, name: n })), prefix);
    for (const r of renamed) renamings.push({ kind, from: r.from, to: r.to, reason: r.reason, ...(r.collidesWith !== undefined ? { collidesWith: r.collidesWith } : {}) });
    return ids;
  };
  const roleIds = name('role', roleNames, 'r_');
  const userIds = name('user', userNames, 'u_');
  const permissionIds = name('permission', permissionNames, 'p_');

  const policy = emptyPolicy();
  for (const [raw, id] of roleIds) if (!policy.roles.has(id)) policy.roles.set(id, newRole(raw !== id ? { description: `casbin subject ${raw}` } : {}));
  for (const id of userIds.values()) policy.users.set(id, { type: 'internal', status: 'active', roles: new Set() });
  const domains = new Set<string>();
  for (const p of pLines) {
    const role = roleIds.get(p.fields[sub]!);
    const raw = `${p.fields[obj]!}.${p.fields[act]!}`;
    const permission = permissionIds.get(raw);
    if (role === undefined || permission === undefined) {
      drop(p.line, 'no id', `\`${role === undefined ? p.fields[sub] : raw}\` has no usable characters for an id`);
      continue;
    }
    const effect = eft >= 0 ? (p.fields[eft] ?? 'allow').toLowerCase() : 'allow';
    if (effect !== 'allow' && effect !== 'deny') {
      drop(p.line, 'unknown effect', `effect \`${p.fields[eft]}\` is neither allow nor deny`);
      continue;
    }
    if (dom >= 0 && p.fields[dom] !== undefined && p.fields[dom] !== '') domains.add(p.fields[dom]);
    if (!policy.permissions.has(permission)) policy.permissions.set(permission, { description: `casbin object ${p.fields[obj]!}, action ${p.fields[act]!}` });
    (effect === 'deny' ? policy.roles.get(role)!.denies : policy.roles.get(role)!.grants).add(permission);
  }
  for (const g of gLines) {
    const [left, right, domain] = g.fields as [string, string, string | undefined];
    if (domain !== undefined && domain !== '') domains.add(domain);
    const role = roleIds.get(right);
    if (role === undefined) {
      drop(g.line, 'no id', `\`${right}\` has no usable characters for an id`);
      continue;
    }
    if (roleNames.has(left)) {
      const container = roleIds.get(left);
      if (container === undefined) drop(g.line, 'no id', `\`${left}\` has no usable characters for an id`);
      else if (container === role) drop(g.line, 'self reference', `role \`${left}\` contains itself`);
      else policy.roles.get(container)!.contains.add(role);
      continue;
    }
    const user = userIds.get(left);
    if (user === undefined) drop(g.line, 'no id', `\`${left}\` has no usable characters for an id`);
    else policy.users.get(user)!.roles.add(role);
  }

  const notes: string[] = [];
  if (domains.size > 0 || (model.roleArity ?? 2) > 2 || dom >= 0) {
    const list = [...domains].sort(compareStrings);
    notes.push(
      `Domains are not modelled: the model has domains${list.length > 0 ? ` (${list.slice(0, 20).map((d) => `\`${d}\``).join(', ')}${list.length > 20 ? `, and ${list.length - 20} more` : ''})` : ''}, and every grant and assignment was imported as if it held in every domain.`,
    );
  }
  for (const type of model.otherTypes) notes.push(`The model defines \`${type}\`, which is not modelled${otherTypeLines.has(type) ? ` (${otherTypeLines.get(type)} policy lines left out)` : ''}.`);
  const functions = [...new Set(model.matcher.match(/\b(?:keyMatch\d?|keyGet\d?|regexMatch|ipMatch|globMatch|[a-zA-Z]+Match\d?)\s*\(/g) ?? [])].map((f) => f.replace(/\s*\($/, ''));
  if (functions.length > 0) notes.push(`The matcher uses ${functions.sort(compareStrings).map((f) => `\`${f}\``).join(', ')}: object and action patterns were imported literally, as permission ids, not expanded.`);
  const effect = model.effect.replace(/\s+/g, '');
  const modelled = ['some(where(p.eft==allow))', 'some(where(p.eft==allow))&&!some(where(p.eft==deny))', '!some(where(p.eft==deny))'];
  if (effect !== '' && !modelled.includes(effect)) {
    notes.push(`The policy effect is \`${model.effect}\`; rolecall's is allow-unless-denied (a deny in any of a user's roles overrides every grant).`);
  }
  const direct = [...roleNames].filter((r) => pLines.some((p) => p.fields[sub] === r) && !gLines.some((g) => g.fields[1] === r)).sort(compareStrings);
  if (direct.length > 0) {
    notes.push(
      `${direct.length} subject${direct.length === 1 ? '' : 's'} of \`p\` lines ${direct.length === 1 ? 'is' : 'are'} assigned to nobody (${direct.slice(0, 20).map((d) => `\`${d}\``).join(', ')}${direct.length > 20 ? ', ...' : ''}): imported as roles; if ${direct.length === 1 ? 'it is a user' : 'they are users'}, give each a user that holds the role of the same name.`,
    );
  }
  const report: ImportReport = {
    system: 'a casbin model and policy',
    tables: [
      { table: 'model', file: modelShown.split('/').pop() ?? modelShown, rows: 0, ignoredColumns: [], absentColumns: [] },
      { table: 'policy', file: policyName, rows, ignoredColumns: [], absentColumns: [] },
    ],
    renamings: renamings.sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.to, b.to) || compareStrings(a.from, b.from)),
    dropped,
    notes,
  };
  return { policy, report };
}

function readModel(file: string, shown: string): string {
  let bytes: Buffer;
  try {
    if (statSync(file).size > maxModelBytes) throw new InputError(`\`${shown}\` is larger than ${formatBytes(maxModelBytes)}: it is not a casbin model`);
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`casbin model \`${shown}\` does not exist or cannot be read`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`\`${shown}\` is not UTF-8 text: save the model as UTF-8`);
  }
}

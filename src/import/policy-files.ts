import { compareStrings } from '../model/diagnostic.js';
import { version } from '../version.js';
import { idPattern } from './ids.js';
import type { ImportedPolicy } from './model.js';

/** Most users in one users file (SPEC §10). */
export const usersPerFile = 5_000;

/** The schema reference put in each file's modeline unless `--schema` says otherwise: the schema of this rolecall version, as published with the package. */
export const defaultSchemaRef = `https://unpkg.com/rolecall@${version}/schema/policy.schema.json`;

/** One policy file: a name in the policy directory and its text. */
export interface PolicyFile {
  readonly name: string;
  readonly text: string;
}

/**
 * The YAML files of an imported policy, deterministic: `permissions.yaml`
 * (when there are permissions), `roles.yaml`, `groups.yaml`, then
 * `users-001.yaml`, `users-002.yaml`, ... of at most 5,000 users each; ids
 * sorted, lists sorted, each file starting with a yaml-language-server
 * modeline pointing at `schemaRef`.
 */
export function policyFiles(policy: ImportedPolicy, options: { readonly schemaRef: string; readonly source: string }): PolicyFile[] {
  const head = (what: string): string[] => [
    `# yaml-language-server: $schema=${options.schemaRef}`,
    '#',
    `# ${what}, imported from ${options.source} by \`rolecall import\`.`,
    '# What was renamed or left out is listed in import-report.md.',
    '',
  ];
  const files: PolicyFile[] = [];
  if (policy.permissions.size > 0) {
    const lines = [...head('Permissions'), 'permissions:'];
    for (const id of sortedKeys(policy.permissions)) {
      const p = policy.permissions.get(id)!;
      lines.push(`  ${key(id)}:`, `    description: ${text(p.description)}`);
    }
    files.push({ name: 'permissions.yaml', text: lines.join('\n') + '\n' });
  }
  const roleLines = [...head('Roles'), policy.roles.size === 0 ? 'roles: {}' : 'roles:'];
  for (const id of sortedKeys(policy.roles)) {
    const r = policy.roles.get(id)!;
    const body: string[] = [];
    if (r.description !== undefined) body.push(`    description: ${text(r.description)}`);
    if (r.privileged) body.push('    privileged: true');
    list(body, 'assignableBy', r.assignableBy);
    list(body, 'contains', r.contains);
    list(body, 'grants', r.grants);
    list(body, 'denies', r.denies);
    roleLines.push(body.length === 0 ? `  ${key(id)}: {}` : `  ${key(id)}:`, ...body);
  }
  files.push({ name: 'roles.yaml', text: roleLines.join('\n') + '\n' });
  const groupLines = [...head('Groups'), policy.groups.size === 0 ? 'groups: {}' : 'groups:'];
  for (const id of sortedKeys(policy.groups)) {
    const g = policy.groups.get(id)!;
    const body: string[] = [];
    if (g.description !== undefined) body.push(`    description: ${text(g.description)}`);
    if (g.owner !== undefined) body.push(`    owner: ${key(g.owner)}`);
    list(body, 'roles', g.roles);
    list(body, 'subgroups', g.subgroups);
    // Members one per line: a membership change is a one-line diff.
    if (g.members.size > 0) body.push('    members:', ...[...g.members].sort(compareStrings).map((m) => `      - ${key(m)}`));
    groupLines.push(body.length === 0 ? `  ${key(id)}: {}` : `  ${key(id)}:`, ...body);
  }
  files.push({ name: 'groups.yaml', text: groupLines.join('\n') + '\n' });
  const userIds = sortedKeys(policy.users);
  const fileCount = Math.max(1, Math.ceil(userIds.length / usersPerFile));
  const width = Math.max(3, String(fileCount).length);
  for (let f = 0; f < fileCount; f++) {
    const slice = userIds.slice(f * usersPerFile, (f + 1) * usersPerFile);
    const lines = [...head(fileCount === 1 ? 'Users' : `Users ${f * usersPerFile + 1} to ${f * usersPerFile + slice.length} of ${userIds.length}`), slice.length === 0 ? 'users: {}' : 'users:'];
    for (const id of slice) {
      const u = policy.users.get(id)!;
      lines.push(`  ${key(id)}:`);
      if (u.name !== undefined) lines.push(`    name: ${text(u.name)}`);
      if (u.email !== undefined) lines.push(`    email: ${text(u.email)}`);
      lines.push(`    type: ${u.type}`);
      if (u.status === 'inactive') lines.push('    status: inactive');
      list(lines, 'roles', u.roles);
    }
    files.push({ name: `users-${String(f + 1).padStart(width, '0')}.yaml`, text: lines.join('\n') + '\n' });
  }
  return files;
}

function list(lines: string[], field: string, ids: ReadonlySet<string>): void {
  if (ids.size === 0) return;
  lines.push(`    ${field}: [${[...ids].sort(compareStrings).map(key).join(', ')}]`);
}

function sortedKeys(map: ReadonlyMap<string, unknown>): string[] {
  return [...map.keys()].sort(compareStrings);
}

/** YAML 1.2 words that a plain scalar would not read as a string. */
const reserved = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

/** An id as a YAML key or list item: plain when it reads back as the same string, else double-quoted. */
function key(id: string): string {
  return idPattern.test(id) && !reserved.has(id) && !/^(?:[-.]|\d)/.test(id) ? id : JSON.stringify(id);
}

/** Free text (a name, an email, a description): plain when that is safe, else a double-quoted (JSON) string. */
function text(value: string): string {
  if (/^[A-Za-z][A-Za-z0-9 ._@'()/+-]*$/.test(value) && !/ $/.test(value) && !reserved.has(value.toLowerCase())) return value;
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

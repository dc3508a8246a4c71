import type { Resolution } from '../stages/resolve.js';
import { activeUserCount } from './ids.js';
import type { Artifact, EmitInput } from './types.js';

/** Above this many permissions the role × permission table becomes a list per role. */
export const maxTableColumns = 40;
/** At most this many roles are listed (table rows or list entries). */
export const maxRoles = 500;
/** At most this many users are listed in users × roles. */
export const maxUsers = 1000;

/**
 * `matrix.md`: the matrix for people. A heading with the as-of date and counts;
 * a role × permission table (cell: the scope, ✓ for an unscoped permission,
 * blank when not granted), or with more than 40 permissions a list of each
 * role's grants; then users × roles. Long lists are capped with a note
 * pointing at matrix.json / matrix.csv. One chunk per row.
 */
export const matrixMarkdown: Artifact = {
  name: 'matrix.md',
  render: renderMatrixMarkdown,
};

/** The chunks of matrix.md. */
export function* renderMatrixMarkdown(input: EmitInput): Generator<string> {
  const res = input.result.resolution;
  const P = res.permissionIds.length;
  const R = res.roleIds.length;
  const U = res.userIds.length;
  yield '# Permission matrix\n\n';
  yield (
    `As of ${res.asOf}: ${plural(U, 'user')} (${activeUserCount(res)} active), ${plural(res.groupIds.length, 'group')}, ` +
    `${plural(R, 'role')}, ${plural(P, 'permission')}. Compiled by rolecall from ${plural(input.result.files.length, 'policy file')} (\`${input.digest}\`).\n\n`
  );

  yield '## Roles × permissions\n\n';
  const shownRoles = Math.min(R, maxRoles);
  if (R === 0) yield '_No roles._\n\n';
  else if (P <= maxTableColumns) {
    yield 'What each role grants after containment and denies: the scope, ✓ for a permission without scopes, blank when not granted.\n\n';
    yield `| Role |${res.permissionIds.map((p) => ` ${code(p)} |`).join('')}\n`;
    yield `|---|${':-:|'.repeat(P)}\n`;
    for (let r = 0; r < shownRoles; r++) {
      const levels = res.roleLevels(r);
      let row = `| ${code(res.roleIds[r]!)} |`;
      for (let p = 0; p < P; p++) {
        const level = levels[p]!;
        row += level === 0 ? ' |' : ` ${cell(levelText(res, p, level))} |`;
      }
      yield row + '\n';
    }
    yield '\n';
  } else {
    yield `What each role grants after containment and denies (\`permission@scope\`; a list, since ${P} permissions are too many columns for a table).\n\n`;
    for (let r = 0; r < shownRoles; r++) {
      const levels = res.roleLevels(r);
      const grants: string[] = [];
      for (let p = 0; p < P; p++) {
        const level = levels[p]!;
        if (level === 0) continue;
        const value = res.levelValue(p, level);
        grants.push(code(value === true ? res.permissionIds[p]! : `${res.permissionIds[p]!}@${value}`));
      }
      yield `- ${code(res.roleIds[r]!)}: ${grants.length > 0 ? grants.join(', ') : '_grants nothing_'}\n`;
    }
    yield '\n';
  }
  if (R > shownRoles) yield `_Showing the first ${shownRoles} of ${R} roles; every role is in \`matrix.json\` (\`roles\`)._\n\n`;

  yield '## Users × roles\n\n';
  const shownUsers = Math.min(U, maxUsers);
  if (U === 0) yield '_No users._\n';
  else {
    yield 'Effective roles: direct unexpired assignments, the roles of every group the user belongs to, and everything those roles contain. Inactive users hold nothing.\n\n';
    yield '| User | Type | Status | Effective roles |\n|---|---|---|---|\n';
    for (let u = 0; u < shownUsers; u++) {
      const def = res.model.users.get(res.userIds[u]!)!;
      const roles = res.userRoles[u]!.toArray().map((r) => code(res.roleIds[r]!));
      yield `| ${code(res.userIds[u]!)} | ${cell(def.type)} | ${cell(def.status)} |${roles.length > 0 ? ` ${roles.join(', ')} ` : ' '}|\n`;
    }
    if (U > shownUsers) yield `\n_Showing the first ${shownUsers} of ${U} users; every user's roles and permissions are in \`matrix.json\` (\`users\`) and \`matrix.csv\`._\n`;
  }
}

function levelText(res: Resolution, p: number, level: number): string {
  const value = res.levelValue(p, level);
  return value === true ? '✓' : value;
}

/** Text for a table cell: `|` escaped so it cannot end the cell, line breaks flattened. */
export function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\r?\n|\r/g, ' ');
}

/** An id as a code span, safe inside a table cell. */
export function code(id: string): string {
  return '`' + cell(id) + '`';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

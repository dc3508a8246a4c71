// The head side of the diff measurement: a copy of a generated organisation
// with ONE file changed the way a typical access request changes it: one more
// (ordinary) role assigned to one internal, active user, as a one-line edit of
// that user's `roles: [...]` line in the first users file. Every other file is
// byte-identical to the base.
//
// The role is chosen so the change stays valid (no new error-level finding): not
// privileged, not external, not temporary or deprecated, no requires/excludes/
// maxHolders/assignableBy, not named in settings (separation of duties), and not
// one the user already has. bench/run.mjs checks the diff's introduced findings
// anyway and flags the row if an error slipped in.
//
//   makeDiffHead(orgDir, headDir) -> { file, user, role, line, before, after }
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { policyFiles } from './generate.mjs';

const topLevel = (text, key) => new RegExp(`^${key}:`, 'm').test(text);

/** Roles a user can be given without an error-level finding, in file order. */
function ordinaryRoles(files) {
  const settingsText = files.filter((f) => topLevel(f.text, 'settings')).map((f) => f.text).join('\n');
  const out = [];
  for (const file of files) {
    if (!topLevel(file.text, 'roles')) continue;
    const roles = parse(file.text, { uniqueKeys: false })?.roles ?? {};
    for (const [id, role] of Object.entries(roles)) {
      if (!role || typeof role !== 'object') continue;
      if (role.privileged || role.temporary || role.deprecated || role.requires || role.excludes || role.maxHolders !== undefined || role.assignableBy) continue;
      if (role.audience === 'external') continue;
      if (!Array.isArray(role.grants) || role.grants.length === 0) continue;
      if (new RegExp(`(^|[^\\w.-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.-])`).test(settingsText)) continue;
      out.push(id);
    }
  }
  return out;
}

/**
 * The first internal, active user (in the first users file) with a one-line
 * flow `roles: [...]` list: { index of that line, the ids already assigned }.
 */
function pickUser(text) {
  const lines = text.split('\n');
  let current;
  const consider = (u) => (u && !u.external && !u.inactive && u.rolesLine !== undefined ? u : undefined);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const start = /^  ([^\s#:][^:]*):\s*$/.exec(line);
    if (start) {
      const chosen = consider(current);
      if (chosen) return chosen;
      current = { id: start[1], external: false, inactive: false };
      continue;
    }
    if (!current) continue;
    if (/^    type:\s*external\s*$/.test(line)) current.external = true;
    if (/^    status:\s*inactive\s*$/.test(line)) current.inactive = true;
    if (/^    roles:\s*\[.*\]\s*$/.test(line)) {
      const list = parse(line.replace(/^    roles:\s*/, ''));
      if (Array.isArray(list)) {
        current.rolesLine = i;
        current.roles = list.map((r) => (typeof r === 'string' ? r : r?.role)).filter(Boolean);
      }
    }
  }
  return consider(current);
}

/** Copies orgDir to headDir (replacing it) and makes the one-line change there. */
export function makeDiffHead(orgDir, headDir) {
  rmSync(headDir, { recursive: true, force: true });
  cpSync(orgDir, headDir, { recursive: true });
  const files = policyFiles(headDir).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
  const candidates = ordinaryRoles(files);
  for (const file of files) {
    if (!topLevel(file.text, 'users')) continue;
    const user = pickUser(file.text);
    if (!user) continue;
    const held = new Set(user.roles);
    const free = candidates.filter((r) => !held.has(r));
    if (free.length === 0) continue;
    const role = free[Math.floor(free.length / 2)];
    const lines = file.text.split('\n');
    const before = lines[user.rolesLine];
    const after = before.replace(/\]\s*$/, `, ${role}]`);
    lines[user.rolesLine] = after;
    writeFileSync(file.path, lines.join('\n'));
    return { file: path.relative(headDir, file.path), user: user.id, role, line: user.rolesLine + 1, before: before.trim(), after: after.trim() };
  }
  throw new Error(`diff head: found no internal active user with a roles line and an assignable role in ${orgDir}`);
}

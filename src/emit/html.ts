import { compareStrings } from '../model/diagnostic.js';
import type { Resolution } from '../stages/resolve.js';
import { sortKeys } from '../util/json.js';
import { pageScript, pageStyle } from './html-page.js';
import { activeUserCount } from './ids.js';
import type { Artifact, EmitInput } from './types.js';

/** The `format` of the data embedded in matrix.html. */
export const pageDataFormat = 'rolecall.matrix-page/v1';

/**
 * `matrix.html`: one self-contained page (no network) to filter and search the
 * matrix. It embeds the matrix factorized (users -> effective roles and denies,
 * roles -> resolved grants) rather than expanded to user × permission, and the
 * page resolves rows itself, so 50,000 users stay a few megabytes. Streamed:
 * one chunk per user.
 */
export const matrixHtml: Artifact = {
  name: 'matrix.html',
  render: renderMatrixHtml,
};

/** One role in the embedded data: resolved grants as `[permission index, level]`, effective roles as indices. */
export interface PageRole {
  readonly id: string;
  readonly effectiveRoles: number[];
  readonly grants: [number, number][];
}

/** One user in the embedded data; `denies` (permission indices) only when another effective role grants what one denies. */
export interface PageUser {
  readonly id: string;
  readonly type: string;
  readonly status: string;
  readonly groups: number[];
  readonly roles: number[];
  readonly denies?: number[];
}

/** The chunks of matrix.html. */
export function* renderMatrixHtml(input: EmitInput): Generator<string> {
  const res = input.result.resolution;
  const title = `Permission matrix as of ${res.asOf}`;
  const files = input.result.files.map((f) => f.path).sort(compareStrings);
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="rolecall">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'">
<title>${escapeHtml(title)}</title>
<style>${pageStyle}</style>
</head>
<body>
<main>
<h1>Permission matrix</h1>
<p class="meta">As of <time datetime="${escapeHtml(res.asOf)}">${escapeHtml(res.asOf)}</time>: ${res.userIds.length} users (${activeUserCount(res)} active), ${res.groupIds.length} groups, ${res.roleIds.length} roles, ${res.permissionIds.length} permissions. Compiled by rolecall from ${files.length} policy file${files.length === 1 ? '' : 's'} (<code>${escapeHtml(input.digest)}</code>).</p>
<noscript><p>This page resolves the matrix with JavaScript. The same data is in <code>matrix.csv</code> and <code>matrix.json</code>.</p></noscript>
<form id="filters" class="filters" role="search" aria-label="Filter the matrix">
<div><label for="filter-user">User</label><input id="filter-user" name="user" type="text" list="user-ids" autocomplete="off" spellcheck="false" aria-describedby="filter-user-hint"><p id="filter-user-hint" class="hint">A full id for one user, or part of ids.</p><datalist id="user-ids"></datalist></div>
<div><label for="filter-role">Role</label><select id="filter-role" name="role" aria-describedby="filter-role-hint"><option value="">Any role</option></select><p id="filter-role-hint" class="hint">Holders of the role, and what it grants.</p></div>
<div><label for="filter-permission">Permission</label><select id="filter-permission" name="permission"><option value="">Any permission</option></select></div>
<div><label for="filter-scope">Minimum scope</label><select id="filter-scope" name="scope" aria-describedby="filter-scope-hint"><option value="">Any scope</option></select><p id="filter-scope-hint" class="hint">This scope or a wider one.</p></div>
<div><label for="search">Search</label><input id="search" name="search" type="search" autocomplete="off" spellcheck="false" aria-describedby="search-hint"><p id="search-hint" class="hint">Words in any column, all must match.</p></div>
<div class="actions"><button type="reset">Clear filters</button></div>
</form>
<section id="user-card" hidden aria-labelledby="card-user">
<h2 id="card-user" class="id"></h2>
<dl>
<dt>Type</dt><dd id="card-type"></dd>
<dt>Groups</dt><dd id="card-groups" class="id"></dd>
<dt>Effective roles</dt><dd id="card-roles" class="id"></dd>
<dt>Denied</dt><dd id="card-denies" class="id"></dd>
</dl>
</section>
<p id="row-count" role="status" aria-live="polite">Loading…</p>
<div class="table-wrap">
<table>
<caption class="visually-hidden">Effective permissions per user: scope and the role that grants it</caption>
<thead><tr><th scope="col">User</th><th scope="col">Permission</th><th scope="col">Scope</th><th scope="col">Risk</th><th scope="col">Via role</th></tr></thead>
<tbody id="rows"></tbody>
</table>
</div>
<footer>At most 1000 rows are shown at once. Every row is in <code>matrix.csv</code>, with the full path that explains it.</footer>
</main>
<script type="application/json" id="matrix-data">
`;
  yield* pageData(res);
  yield `
</script>
<script>${pageScript}</script>
</body>
</html>
`;
}

/**
 * The embedded data as JSON text safe inside a `<script>` element, in chunks:
 * `{ asOf, format, groups, permissions, roles, users }`, one line (and one
 * chunk) per permission, role and user.
 */
export function* pageData(res: Resolution): Generator<string> {
  yield scriptSafe(`{"asOf":${JSON.stringify(res.asOf)},"format":${JSON.stringify(pageDataFormat)},"groups":${JSON.stringify(res.groupIds)},\n"permissions":[`);
  for (let p = 0; p < res.permissionIds.length; p++) {
    const id = res.permissionIds[p]!;
    const def = res.model.permissions.get(id)!;
    yield scriptSafe(`${p === 0 ? '' : ','}\n${compactJson({ audience: def.audience, id, risk: def.risk, scopes: [...res.scopes[p]!] })}`);
  }
  yield '],\n"roles":[';
  for (let r = 0; r < res.roleIds.length; r++) yield scriptSafe(`${r === 0 ? '' : ','}\n${compactJson(pageRole(res, res.roleIds[r]!, r))}`);
  yield '],\n"users":[';
  for (let u = 0; u < res.userIds.length; u++) {
    yield scriptSafe(`${u === 0 ? '' : ','}\n${compactJson(pageUser(res, u))}`);
  }
  yield ']}';
}

/** One role of the embedded data. */
export function pageRole(res: Resolution, id: string, r: number): PageRole {
  const levels = res.roleLevels(r);
  const grants: [number, number][] = [];
  for (let p = 0; p < levels.length; p++) if (levels[p]! > 0) grants.push([p, levels[p]!]);
  return { effectiveRoles: res.roleClosure[r]!.toArray(), grants, id };
}

/** One user of the embedded data. */
export function pageUser(res: Resolution, u: number): PageUser {
  const id = res.userIds[u]!;
  const def = res.model.users.get(id)!;
  const base = { groups: [...res.userGroups[u]!], id, roles: res.userRoles[u]!.toArray(), status: def.status, type: def.type };
  const denies = [...res.userLevels(u).denied];
  return denies.length > 0 ? { denies, ...base } : base;
}

function compactJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * JSON text that cannot end or confuse the `<script>` element holding it: `<`,
 * `>`, `&` and the line separators U+2028 / U+2029 become `\uXXXX` escapes
 * (they only ever occur inside JSON strings, where escapes mean the same).
 */
export function scriptSafe(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text escaped for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

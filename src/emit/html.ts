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

/**
 * One user in the embedded data; `denies` (permission indices) only when another
 * effective role grants what one denies; `count`: how many permissions the user
 * effectively holds (their rows in matrix.csv), so the page can show the total
 * without resolving every user.
 */
export interface PageUser {
  readonly count: number;
  readonly id: string;
  readonly type: string;
  readonly status: string;
  readonly groups: readonly number[];
  readonly roles: readonly number[];
  readonly denies?: readonly number[];
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
  for (let r = 0; r < res.roleIds.length; r++) yield `${r === 0 ? '' : ','}\n${roleJson(pageRole(res, res.roleIds[r]!, r))}`;
  yield '],\n"users":[';
  const counter = new AccessCounter(res);
  for (let u = 0; u < res.userIds.length; u++) yield `${u === 0 ? '' : ','}\n${userJson(pageUser(res, u, counter))}`;
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
export function pageUser(res: Resolution, u: number, counter = new AccessCounter(res)): PageUser {
  const id = res.userIds[u]!;
  const def = res.model.users.get(id)!;
  const { count, denies } = counter.user(u);
  const base = { count, groups: res.userGroups[u]!, id, roles: res.userRoles[u]!.toArray(), status: def.status, type: def.type };
  return denies.length > 0 ? { denies, ...base } : base;
}

/**
 * How many permissions each user effectively holds, and which granted ones are
 * denied: the same sets as `Resolution.userLevels` (the union of the source
 * roles' grants, minus the union of their denies), counted as the population of
 * the union of the source roles' grants as bitsets, since the page needs only
 * the count.
 */
export class AccessCounter {
  private readonly bits: (Uint32Array | undefined)[] = [];
  private readonly union: Uint32Array;
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(private readonly res: Resolution) {
    this.union = new Uint32Array((res.permissionIds.length + 31) >>> 5);
    this.seen = new Int32Array(res.permissionIds.length);
  }

  user(u: number): { count: number; denies: number[] } {
    const sources = this.res.userSources[u]!;
    if (sources.length === 0) return { count: 0, denies: [] };
    const union = this.union;
    union.set(this.grantBits(sources[0]!));
    for (let s = 1; s < sources.length; s++) {
      const bits = this.grantBits(sources[s]!);
      for (let w = 0; w < union.length; w++) union[w]! |= bits[w]!;
    }
    let count = 0;
    for (let w = 0; w < union.length; w++) count += popcount(union[w]!);
    const denies: number[] = [];
    const stamp = ++this.stamp;
    for (const r of sources) {
      for (const p of this.res.denied(r)) {
        if (((union[p >>> 5]! >>> (p & 31)) & 1) === 1 && this.seen[p] !== stamp) {
          this.seen[p] = stamp;
          denies.push(p);
        }
      }
    }
    if (denies.length > 1) denies.sort((a, b) => a - b);
    return { count: count - denies.length, denies };
  }

  /** The permissions role r grants over its closure (before denies), as a bitset. */
  private grantBits(r: number): Uint32Array {
    let bits = this.bits[r];
    if (!bits) {
      bits = new Uint32Array(this.union.length);
      for (const p of this.res.granted(r)) bits[p >>> 5]! |= 1 << (p & 31);
      this.bits[r] = bits;
    }
    return bits;
  }
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0xf0f0f0f) * 0x1010101) >>> 24;
}

/** A role as compact JSON with sorted keys (written by hand: a role has hundreds of grants). */
function roleJson(role: PageRole): string {
  let grants = '';
  for (const [p, level] of role.grants) grants += `${grants === '' ? '' : ','}[${p},${level}]`;
  return `{"effectiveRoles":[${role.effectiveRoles.join(',')}],"grants":[${grants}],"id":${jsonString(role.id)}}`;
}

/** A user as compact JSON with sorted keys (written by hand: there may be hundreds of thousands). */
function userJson(user: PageUser): string {
  const denies = user.denies ? `"denies":[${user.denies.join(',')}],` : '';
  return `{"count":${user.count},${denies}"groups":[${user.groups.join(',')}],"id":${jsonString(user.id)},"roles":[${user.roles.join(',')}],"status":${enumString(user.status)},"type":${enumString(user.type)}}`;
}

const enumStrings = new Map<string, string>();

/** `jsonString` of one of a few values (a type or status), remembered. */
function enumString(text: string): string {
  let json = enumStrings.get(text);
  if (json === undefined) {
    json = jsonString(text);
    if (enumStrings.size < 64) enumStrings.set(text, json);
  }
  return json;
}

function compactJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** A JSON string literal, safe inside the `<script>` element. */
function jsonString(text: string): string {
  return scriptSafe(JSON.stringify(text));
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

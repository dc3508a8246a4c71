import { sourcePrefixes, ViaWriter, viaText, type Hop } from '../stages/paths.js';
import type { Artifact, EmitInput } from './types.js';

/** The header row of matrix.csv. */
export const csvHeader = 'user,permission,scope,via';

/** Distinct source-prefix sets whose rows are kept for reuse (cleared when full). */
const maxCachedSignatures = 4096;

/**
 * `matrix.csv`: one row per effective (user, permission), sorted by user then
 * permission. `scope` is empty for an unscoped permission; `via` is
 * `viaText(shortestPermissionPath(...))`, the shortest explanation path
 * (`group:g > role:r > role:s`). Lines end in `\n`; fields are quoted per
 * RFC 4180 only when they need it. One chunk per user.
 */
export const matrixCsv: Artifact = {
  name: 'matrix.csv',
  render: renderMatrixCsv,
  renderBytes: renderMatrixCsvBytes,
};

/** The chunks of matrix.csv as text (decoded from the byte chunks). */
export function* renderMatrixCsv(input: EmitInput): Generator<string> {
  const decoder = new TextDecoder();
  for (const bytes of renderMatrixCsvBytes(input)) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

const encoder = new TextEncoder();
const chunkSize = 1 << 20;

/**
 * The bytes of matrix.csv, in chunks of about 1 MB: the header, then every
 * user's rows. Rows are copied together from pieces encoded once (each
 * permission and scope field, each user's group/assignment prefix to a source
 * role, each containment chain), so millions of rows make no garbage strings.
 * Users with the same source prefixes share the choice of path.
 */
export function* renderMatrixCsvBytes(input: EmitInput): Generator<Uint8Array> {
  const res = input.result.resolution;
  const via = new ViaWriter(res);
  const permissionFields = res.permissionIds.map((id) => encoder.encode(`,${csvField(id)},`));
  const scopeFields = res.scopes.map((scopes) => (scopes.length === 0 ? [encoder.encode(',')] : [encoder.encode(','), ...scopes.map((s) => encoder.encode(`${csvField(s)},`))]));
  const chains: (Uint8Array[] | undefined)[] = [];
  const chainBytes = (r: number, p: number): Uint8Array => {
    const row = (chains[r] ??= new Array<Uint8Array>(res.permissionIds.length));
    // A via is made of ids, which the schema limits to [a-z0-9_.-]: it never needs quoting.
    return (row[p] ??= encoder.encode(`${via.chain(r, p)}\n`));
  };
  let out = new Uint8Array(chunkSize);
  let pos = 0;
  const header = encoder.encode(csvHeader + '\n');
  out.set(header, pos);
  pos += header.length;
  // Per distinct set of source prefixes: the chosen path of every permission (users in the same groups share it).
  const bySignature = new Map<string, { perms: Int32Array; levels: Uint8Array; best: Int32Array; roles: Int32Array; prefixes: Uint8Array[] }>();
  for (let u = 0; u < res.userIds.length; u++) {
    const prefixes = sourcePrefixes(res, u);
    if (prefixes.size === 0) continue;
    const signature = prefixSignature(prefixes);
    let choice = bySignature.get(signature);
    if (!choice) {
      const chosen = via.choose(u, prefixes);
      choice = {
        perms: chosen.perms,
        levels: chosen.levels,
        best: chosen.best,
        roles: Int32Array.from(chosen.sources, ([r]) => r),
        prefixes: chosen.sources.map(([, hops]) => encoder.encode(viaText(hops))),
      };
      if (bySignature.size >= maxCachedSignatures) bySignature.clear();
      bySignature.set(signature, choice);
    }
    const { perms, levels, best, roles } = choice;
    if (perms.length === 0) continue;
    const user = encoder.encode(csvField(res.userIds[u]!));
    for (let i = 0; i < perms.length; i++) {
      const p = perms[i]!;
      const s = best[i]!;
      const scope = scopeFields[p]!;
      const a = permissionFields[p]!;
      const b = scope.length === 1 ? scope[0]! : scope[levels[i]!]!;
      const c = s < 0 ? empty : choice.prefixes[s]!;
      const d = s < 0 ? newline : chainBytes(roles[s]!, p);
      const need = user.length + a.length + b.length + c.length + d.length;
      if (pos + need > out.length) {
        yield out.slice(0, pos);
        if (need > out.length) out = new Uint8Array(need * 2);
        pos = 0;
      }
      pos = copy(out, pos, user);
      pos = copy(out, pos, a);
      pos = copy(out, pos, b);
      pos = copy(out, pos, c);
      pos = copy(out, pos, d);
    }
  }
  if (pos > 0) yield out.slice(0, pos);
}

/** Copies `part` into `out` at `pos` (a plain loop for a few bytes, where TypedArray.set costs more than it saves). */
function copy(out: Uint8Array, pos: number, part: Uint8Array): number {
  const n = part.length;
  if (n > 24) out.set(part, pos);
  else for (let k = 0; k < n; k++) out[pos + k] = part[k]!;
  return pos + n;
}

const empty = new Uint8Array(0);
const newline = encoder.encode('\n');

/** A key equal for two users exactly when their source prefixes (role and hops) are equal. */
function prefixSignature(prefixes: Map<number, Hop[]>): string {
  const entries = [...prefixes].sort((a, b) => a[0] - b[0]).map(([r, hops]) => [r, hops.map((h) => `${h.kind}:${h.id}`)]);
  return JSON.stringify(entries);
}

/** One CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

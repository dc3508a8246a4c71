import { sourcePrefixes, ViaWriter, viaText, type Hop } from '../stages/paths.js';
import { NONE } from '../stages/resolve.js';
import { BytePool, chunkSize, copyPiece, decodeChunks, overrun } from './bytes.js';
import type { Artifact, ByteOptions, EmitInput } from './types.js';

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
export function renderMatrixCsv(input: EmitInput): Iterable<string> {
  return decodeChunks(renderMatrixCsvBytes(input));
}

const encoder = new TextEncoder();

/**
 * The bytes of matrix.csv, in chunks of about 1 MB: the header, then every
 * user's rows. A row is `user`, the permission-and-scope piece (one per
 * permission and level), the user's group/assignment prefix to the chosen
 * source role, then one ` > role:x` piece per containment hop down to the
 * granting role, and the line end; all pieces are encoded once into a pool.
 */
export function* renderMatrixCsvBytes(input: EmitInput, options: ByteOptions = {}): Generator<Uint8Array> {
  const res = input.result.resolution;
  const via = new ViaWriter(res);
  const { next } = res.via();
  const pool = new BytePool();
  // `,permission,scope,` for every permission and level (level 0 unused; an unscoped permission has level 1 only).
  const width = 1 + res.scopes.reduce((n, scopes) => Math.max(n, scopes.length, 1), 1);
  const permStart = new Int32Array(res.permissionIds.length * width);
  const permEnd = new Int32Array(res.permissionIds.length * width);
  res.permissionIds.forEach((id, p) => {
    const scopes = res.scopes[p]!;
    const levels = scopes.length === 0 ? [''] : scopes;
    levels.forEach((scope, k) => {
      permStart[p * width + k + 1] = pool.add(`,${csvField(id)},${csvField(scope)},`);
      permEnd[p * width + k + 1] = pool.size;
    });
  });
  // ` > role:x` per role: a via is made of ids, which the schema limits to [a-z0-9_.-], so it never needs quoting.
  const hopStart = new Int32Array(res.roleIds.length);
  const hopEnd = new Int32Array(res.roleIds.length);
  res.roleIds.forEach((id, r) => {
    hopStart[r] = pool.add(` > role:${id}`);
    hopEnd[r] = pool.size;
  });
  const fixedSize = pool.size;
  // The longest containment chain in bytes bounds the hop part of any row.
  let maxPiece = 0;
  for (let k = 0; k < permStart.length; k++) maxPiece = Math.max(maxPiece, permEnd[k]! - permStart[k]!);
  const chainBytesBound = maxChainHops(res.via().dist) * hopEnd.reduce((n, end, r) => Math.max(n, end - hopStart[r]!), 0);
  let out = new Uint8Array(chunkSize);
  let pos = encoder.encodeInto(csvHeader + '\n', out).written;
  // Per distinct set of source prefixes: the chosen path of every permission (users in the same groups share it).
  const bySignature = new Map<string, { perms: Int32Array; levels: Uint8Array; best: Int32Array; roles: Int32Array; prefixes: string[] }>();
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
        prefixes: chosen.sources.map(([, hops]) => viaText(hops)),
      };
      if (bySignature.size >= maxCachedSignatures) bySignature.clear();
      bySignature.set(signature, choice);
    }
    const { perms, levels, best, roles } = choice;
    if (perms.length === 0) continue;
    // This user's pieces go after the fixed ones: the user field, then each source prefix.
    pool.size = fixedSize;
    const userStart = pool.add(csvField(res.userIds[u]!));
    const userEnd = pool.size;
    const prefixStart = new Int32Array(roles.length);
    const prefixEnd = new Int32Array(roles.length);
    for (let s = 0; s < roles.length; s++) {
      prefixStart[s] = pool.add(choice.prefixes[s]!);
      prefixEnd[s] = pool.size;
    }
    let longestPrefix = 0;
    for (let k = 0; k < roles.length; k++) longestPrefix = Math.max(longestPrefix, prefixEnd[k]! - prefixStart[k]!);
    const slack = userEnd - userStart + maxPiece + longestPrefix + chainBytesBound + 1 + overrun;
    const rows: RowSource = { bytes: pool.view, userStart, userEnd, permStart, permEnd, width, prefixStart, prefixEnd, hopStart, hopEnd, next, perms, levels, best, roles, slack };
    for (let i = 0; i < perms.length; ) {
      const written = writeRows(rows, i, out, pos);
      i = written.next;
      pos = written.pos;
      if (i < perms.length) {
        yield out.subarray(0, pos);
        // The consumer is done with the chunk once it asks for more: with `transient`, write over it.
        const need = rowBound(rows, i) + overrun;
        if (!options.transient || need > out.length) out = new Uint8Array(Math.max(chunkSize, need));
        pos = 0;
      }
    }
  }
  if (pos > 0) yield out.subarray(0, pos);
}

/** Where the rows of one user come from: the pool and the offsets of its pieces, and the user's chosen paths. */
interface RowSource {
  readonly bytes: DataView;
  readonly userStart: number;
  readonly userEnd: number;
  readonly permStart: Int32Array;
  readonly permEnd: Int32Array;
  readonly width: number;
  readonly prefixStart: Int32Array;
  readonly prefixEnd: Int32Array;
  readonly hopStart: Int32Array;
  readonly hopEnd: Int32Array;
  readonly next: readonly Int32Array[];
  readonly perms: Int32Array;
  readonly levels: Uint8Array;
  readonly best: Int32Array;
  readonly roles: Int32Array;
  /** No row of this user is longer: while this much room is left, rows are written without measuring them. */
  readonly slack: number;
}

/** The bytes of row i at most (exact, with its line end). */
function rowBound(rows: RowSource, i: number): number {
  const p = rows.perms[i]!;
  const s = rows.best[i]!;
  const piece = p * rows.width + rows.levels[i]!;
  let need = rows.userEnd - rows.userStart + rows.permEnd[piece]! - rows.permStart[piece]! + 1;
  if (s >= 0) need += rows.prefixEnd[s]! - rows.prefixStart[s]! + chainBound(rows.next, rows.hopStart, rows.hopEnd, rows.roles[s]!, p);
  return need;
}

/** Writes rows from index `from` into `out` at `pos` while they fit; returns the next row and position. */
function writeRows(rows: RowSource, from: number, out: Uint8Array, pos: number): { next: number; pos: number } {
  const { bytes, userStart, userEnd, permStart, permEnd, width, prefixStart, prefixEnd, hopStart, hopEnd, next, perms, levels, best, roles, slack } = rows;
  const to = new DataView(out.buffer, out.byteOffset, out.length);
  const limit = out.length;
  let i = from;
  for (; i < perms.length; i++) {
    if (limit - pos < slack && pos + rowBound(rows, i) + overrun > limit) break;
    const p = perms[i]!;
    const s = best[i]!;
    const piece = p * width + levels[i]!;
    pos = copyPiece(to, pos, bytes, userStart, userEnd);
    pos = copyPiece(to, pos, bytes, permStart[piece]!, permEnd[piece]!);
    if (s >= 0) {
      pos = copyPiece(to, pos, bytes, prefixStart[s]!, prefixEnd[s]!);
      for (let r = next[roles[s]!]![p]!; r !== -1; r = next[r]![p]!) pos = copyPiece(to, pos, bytes, hopStart[r]!, hopEnd[r]!);
    }
    out[pos++] = 10;
  }
  return { next: i, pos };
}

/** The most containment hops of any chain (the largest finite distance). */
function maxChainHops(dist: readonly Uint16Array[]): number {
  let most = 0;
  for (const row of dist) for (let p = 0; p < row.length; p++) if (row[p]! !== NONE && row[p]! > most) most = row[p]!;
  return most;
}

/** The bytes of the containment hops from role r down to the role granting p. */
function chainBound(next: readonly Int32Array[], hopStart: Int32Array, hopEnd: Int32Array, r: number, p: number): number {
  let n = 0;
  for (let c = next[r]![p]!; c !== -1; c = next[c]![p]!) n += hopEnd[c]! - hopStart[c]!;
  return n;
}

/** A key equal for two users exactly when their source prefixes (role and hops) are equal. */
function prefixSignature(prefixes: Map<number, Hop[]>): string {
  const entries = [...prefixes].sort((a, b) => a[0] - b[0]).map(([r, hops]) => [r, hops.map((h) => `${h.kind}:${h.id}`)]);
  return JSON.stringify(entries);
}

/** One CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

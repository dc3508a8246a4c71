import { compareStrings } from '../model/diagnostic.js';
import type { Resolution } from '../stages/resolve.js';
import { groupRoleClosure } from './ids.js';
import { BytePool, ChunkedBytes, copyPiece, decodeChunks } from './bytes.js';
import { indent, nestedJson } from './json-stream.js';
import type { Artifact, ByteOptions, EmitInput } from './types.js';

/** The `format` of matrix.json. */
export const matrixFormat = 'rolecall.matrix/v1';

/**
 * `matrix.json` (SPEC §4): every permission, role, group and user with their
 * effective access, keys sorted at every level. Streamed one user (one role,
 * one group) per chunk, so its size is bounded by the disk, not by memory.
 */
export const matrixJson: Artifact = {
  name: 'matrix.json',
  render: (input) => decodeChunks(renderMatrixJsonBytes(input)),
  renderBytes: renderMatrixJsonBytes,
};

/** The chunks of matrix.json as text; joined, they equal `canonicalJson` of the whole document. */
export function renderMatrixJson(input: EmitInput): Iterable<string> {
  return decodeChunks(renderMatrixJsonBytes(input));
}

/**
 * The bytes of matrix.json in chunks of about 1 MB. The small sections are
 * written as text; `users` (most of the file: every effective permission of
 * every user) is copied together from pieces encoded once per permission and
 * level, role and group.
 */
export function* renderMatrixJsonBytes(input: EmitInput, options: ByteOptions = {}): Generator<Uint8Array> {
  const res = input.result.resolution;
  const out = new ChunkedBytes(options.transient);
  const writer = new MatrixJsonWriter(res);
  out.text(`{\n  "asOf": ${JSON.stringify(res.asOf)},\n  "format": ${JSON.stringify(matrixFormat)},\n  "groups": `);
  yield* section(out, res.groupIds, (g) => writer.group(out, g));
  out.text(',\n  "permissions": ');
  yield* section(out, res.permissionIds, (p) => out.text(nestedJson(permissionEntry(res, p), 2)));
  out.text(',\n  "roles": ');
  yield* section(out, res.roleIds, (r) => writer.role(out, r));
  const files = input.result.files.map((f) => f.path).sort(compareStrings);
  out.text(`,\n  "source": ${nestedJson({ digest: input.digest, files }, 1)},\n  "users": `);
  yield* section(out, res.userIds, (u) => writer.user(out, u));
  out.text('\n}\n');
  yield* out.finish();
}

/** A top-level section (an object keyed by `ids`, in their order) at depth 1, each member's value written by `value`. */
function* section(out: ChunkedBytes, ids: readonly string[], value: (index: number) => void): Generator<Uint8Array> {
  if (ids.length === 0) {
    out.text('{}');
    return;
  }
  for (let i = 0; i < ids.length; i++) {
    out.text(`${i === 0 ? '{' : ','}\n${indent(2)}${JSON.stringify(ids[i]!)}: `);
    value(i);
    yield* out.drain();
  }
  out.text(`\n${indent(1)}}`);
}

/** `permissions.<p>`: audience, risk, and scopes when the permission is scoped. */
export function permissionEntry(res: Resolution, p: number): { audience: string; risk: string; scopes?: string[] } {
  const def = res.model.permissions.get(res.permissionIds[p]!)!;
  const scopes = res.scopes[p]!;
  return scopes.length > 0 ? { audience: def.audience, risk: def.risk, scopes: [...scopes] } : { audience: def.audience, risk: def.risk };
}

/**
 * Writes the entries of `groups`, `roles` and `users` as canonical JSON bytes
 * at depth 2, as canonical JSON of the entry objects SPEC §4 describes would
 * be: each list member and each permission member is one piece
 * (`\n<indent>"id": value,`) copied from a pool; the comma after the last
 * member is taken back.
 */
export class MatrixJsonWriter {
  private readonly pool = new BytePool();
  /** `\n<indent>"permission": value,` per permission and level, at `p * width + level`. */
  private readonly permissionPieces: PieceTable;
  private readonly width: number;
  private keys = new Int32Array(0);
  private readonly roles: PieceTable;
  private readonly groups: PieceTable;
  private readonly users: PieceTable;

  constructor(private readonly res: Resolution) {
    const pool = this.pool;
    const memberPad = indent(4);
    this.width = 1 + res.permissionIds.reduce((n, _, p) => Math.max(n, res.widest(p)), 0);
    const start = new Int32Array(res.permissionIds.length * this.width);
    const end = new Int32Array(res.permissionIds.length * this.width);
    let longest = 0;
    res.permissionIds.forEach((id, p) => {
      const key = `\n${memberPad}${JSON.stringify(id)}: `;
      for (let level = 1; level <= res.widest(p); level++) {
        const value = res.levelValue(p, level);
        const k = p * this.width + level;
        start[k] = pool.add(`${key}${value === true ? 'true' : JSON.stringify(value)},`);
        end[k] = pool.size;
        longest = Math.max(longest, end[k]! - start[k]!);
      }
    });
    this.permissionPieces = { start, end, longest };
    this.roles = pieceTable(pool, res.roleIds, memberPad);
    this.groups = pieceTable(pool, res.groupIds, memberPad);
    this.users = pieceTable(pool, res.userIds, memberPad);
  }

  /** `groups.<g>` (groupEntry). */
  group(out: ChunkedBytes, g: number): void {
    const res = this.res;
    const pad = indent(3);
    out.text(`{\n${pad}"members": `);
    this.list(out, this.users, res.groupMembers[g]!);
    out.text(`,\n${pad}"roles": `);
    this.list(out, this.roles, groupRoleClosure(res, g));
    out.text(`\n${indent(2)}}`);
  }

  /** `roles.<r>` (roleEntry). */
  role(out: ChunkedBytes, r: number): void {
    const res = this.res;
    const pad = indent(3);
    out.text(`{\n${pad}"effectiveRoles": `);
    this.list(out, this.roles, res.roleClosure[r]!.toArray());
    out.text(`,\n${pad}"grants": `);
    const levels = res.roleLevels(r);
    const perms: number[] = [];
    const held: number[] = [];
    for (let p = 0; p < levels.length; p++) {
      if (levels[p]! > 0) {
        perms.push(p);
        held.push(levels[p]!);
      }
    }
    this.permissions(out, perms, held);
    out.text(`,\n${pad}"holders": `);
    this.list(out, this.users, res.holders(r));
    out.text(`\n${indent(2)}}`);
  }

  /** `users.<u>` (userEntry). */
  user(out: ChunkedBytes, u: number): void {
    const res = this.res;
    const def = res.model.users.get(res.userIds[u]!)!;
    const pad = indent(3);
    out.text(`{\n${pad}"groups": `);
    this.list(out, this.groups, res.userGroups[u]!);
    out.text(`,\n${pad}"permissions": `);
    const { perms, levels } = res.userLevels(u);
    this.permissions(out, perms, levels);
    out.text(`,\n${pad}"roles": `);
    this.list(out, this.roles, res.userRoles[u]!.toArray());
    out.text(`,\n${pad}"status": ${JSON.stringify(def.status)},\n${pad}"type": ${JSON.stringify(def.type)}\n${indent(2)}}`);
  }

  /** A JSON object of permission levels at depth 3 (ascending permissions with their levels). */
  private permissions(out: ChunkedBytes, perms: ArrayLike<number>, levels: ArrayLike<number>): void {
    if (this.keys.length < perms.length) this.keys = new Int32Array(perms.length * 2);
    const keys = this.keys;
    for (let i = 0; i < perms.length; i++) keys[i] = perms[i]! * this.width + levels[i]!;
    this.members(out, this.permissionPieces, keys, perms.length, '{}');
  }

  /** A JSON array of ids at depth 3, from their pieces. */
  private list(out: ChunkedBytes, table: PieceTable, indices: ArrayLike<number>): void {
    this.members(out, table, indices, indices.length, '[]');
  }

  /** The first `count` pieces of `indices` between the brackets (`[]` or `{}`) at depth 3; the comma after the last is taken back. */
  private members(out: ChunkedBytes, table: PieceTable, indices: ArrayLike<number>, count: number, brackets: '[]' | '{}'): void {
    if (count === 0) {
      out.text(brackets);
      return;
    }
    out.ensure(1 + count * table.longest + 16);
    const to = out.view;
    const from = this.pool.view;
    const { start, end } = table;
    let pos = out.pos;
    out.buffer[pos++] = brackets.charCodeAt(0);
    for (let i = 0; i < count; i++) {
      const k = indices[i]!;
      pos = copyPiece(to, pos, from, start[k]!, end[k]!);
    }
    out.pos = pos - 1;
    out.text(`\n${indent(3)}${brackets[1]!}`);
  }
}

/** Pool offsets of one piece per id. */
interface PieceTable {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly longest: number;
}

/** `\n<pad>"id",` for every id. */
function pieceTable(pool: BytePool, ids: readonly string[], pad: string): PieceTable {
  const start = new Int32Array(ids.length);
  const end = new Int32Array(ids.length);
  let longest = 0;
  ids.forEach((id, i) => {
    start[i] = pool.add(`\n${pad}${JSON.stringify(id)},`);
    end[i] = pool.size;
    longest = Math.max(longest, end[i]! - start[i]!);
  });
  return { start, end, longest };
}

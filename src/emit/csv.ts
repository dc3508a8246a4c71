import { chooseScratch, chooseSources, SourceTexts, type ChooseScratch, type ChooseTables } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';
import { BytePool, ChunkedBytes, copyPiece, decodeChunks, overrun } from './bytes.js';
import type { Artifact, ByteOptions, EmitInput } from './types.js';

/** The header row of matrix.csv. */
export const csvHeader = 'user,permission,scope,via';

/**
 * `matrix.csv`: one row per effective (user, permission), sorted by user then
 * permission. `scope` is empty for an unscoped permission; `via` is
 * `viaText(shortestPermissionPath(...))`, the shortest explanation path
 * (`group:g > role:r > role:s`). Lines end in `\n`; fields are quoted per
 * RFC 4180 only when they need it.
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

/**
 * The bytes of matrix.csv in chunks of about 1 MB: the header, then every
 * user's rows (see CsvRowWriter). The same rows a worker thread writes from
 * `csvTables` and `CsvUsers` (background.ts).
 */
export function* renderMatrixCsvBytes(input: EmitInput, options: ByteOptions = {}): Generator<Uint8Array> {
  const res = input.result.resolution;
  const out = new ChunkedBytes(options.transient);
  const writer = new CsvRowWriter(csvTables(res), out);
  const users = new CsvUsers(res);
  for (let u = 0; u < res.userIds.length; u++) {
    const user = users.user(u);
    if (user) writer.user(user);
    yield* out.drain();
  }
  yield* out.finish();
}

/** Everything the rows need besides each user's own data, as plain arrays (a worker thread gets a copy). */
export interface CsvTables {
  readonly permissionIds: readonly string[];
  readonly scopes: readonly (readonly string[])[];
  readonly roleIds: readonly string[];
  readonly roleGrant: readonly Uint8Array[];
  readonly granted: readonly Int32Array[];
  readonly dist: readonly Uint16Array[];
  readonly next: readonly Int32Array[];
}

/** The tables of a resolution. */
export function csvTables(res: Resolution): CsvTables {
  const { dist, next } = res.via();
  return {
    permissionIds: res.permissionIds,
    scopes: res.scopes,
    roleIds: res.roleIds,
    roleGrant: res.roleGrant,
    granted: res.roleIds.map((_, r) => res.granted(r)),
    dist,
    next,
  };
}

/**
 * One user's share of matrix.csv: the user field, effective permissions
 * (ascending) with their levels, and the user's source roles in the
 * tie-break order of shortestPermissionPath with the hop count and via text of
 * each one's group/assignment prefix.
 */
export interface CsvUser {
  readonly field: string;
  readonly perms: Int32Array;
  readonly levels: Uint8Array;
  readonly roles: Int32Array;
  readonly hops: Int32Array;
  readonly prefixes: readonly string[];
}

/** Each user's CsvUser, from one resolution (the prefixes come from SourceTexts, prepared once). */
export class CsvUsers {
  private readonly sources: SourceTexts;

  constructor(private readonly res: Resolution) {
    this.sources = new SourceTexts(res);
  }

  /** User u's CsvUser, or undefined when the user holds nothing. */
  user(u: number): CsvUser | undefined {
    const res = this.res;
    const sources = this.sources.user(u);
    if (sources.roles.length === 0) return undefined;
    const { perms, levels } = res.userLevels(u);
    if (perms.length === 0) return undefined;
    return { field: csvField(res.userIds[u]!), perms, levels, ...sources };
  }
}

/**
 * A batch of users (CsvUser) packed into a few flat arrays, so that posting
 * it moves (transfers) buffers instead of cloning thousands of small ones:
 * user i has `counts[2i]` permissions and `counts[2i + 1]` source roles,
 * taken in order from the flat arrays.
 */
export interface CsvBatch {
  readonly fields: readonly string[];
  readonly prefixes: readonly string[];
  readonly counts: Int32Array;
  readonly perms: Int32Array;
  readonly levels: Uint8Array;
  readonly roles: Int32Array;
  readonly hops: Int32Array;
}

/** Packs users into a batch; `transfer` lists its buffers. */
export function packUsers(users: readonly CsvUser[]): { batch: CsvBatch; transfer: ArrayBuffer[] } {
  let pairs = 0;
  let sources = 0;
  for (const user of users) {
    pairs += user.perms.length;
    sources += user.roles.length;
  }
  const counts = new Int32Array(users.length * 2);
  const perms = new Int32Array(pairs);
  const levels = new Uint8Array(pairs);
  const roles = new Int32Array(sources);
  const hops = new Int32Array(sources);
  const fields: string[] = [];
  const prefixes: string[] = [];
  let p = 0;
  let s = 0;
  users.forEach((user, i) => {
    counts[2 * i] = user.perms.length;
    counts[2 * i + 1] = user.roles.length;
    perms.set(user.perms, p);
    levels.set(user.levels, p);
    p += user.perms.length;
    roles.set(user.roles, s);
    hops.set(user.hops, s);
    s += user.roles.length;
    fields.push(user.field);
    prefixes.push(...user.prefixes);
  });
  return { batch: { fields, prefixes, counts, perms, levels, roles, hops }, transfer: [counts.buffer, perms.buffer, levels.buffer, roles.buffer, hops.buffer] };
}

/** The users of a batch, in order (views into its arrays). */
export function* unpackUsers(batch: CsvBatch): Generator<CsvUser> {
  let p = 0;
  let s = 0;
  for (let i = 0; i < batch.fields.length; i++) {
    const n = batch.counts[2 * i]!;
    const m = batch.counts[2 * i + 1]!;
    yield {
      field: batch.fields[i]!,
      perms: batch.perms.subarray(p, p + n),
      levels: batch.levels.subarray(p, p + n),
      roles: batch.roles.subarray(s, s + m),
      hops: batch.hops.subarray(s, s + m),
      prefixes: batch.prefixes.slice(s, s + m),
    };
    p += n;
    s += m;
  }
}

/**
 * Writes matrix.csv rows into byte chunks. A row is the user field, the
 * permission-and-scope piece (one per permission and level), the prefix to
 * the chosen source role, one ` > role:x` piece per containment hop down to
 * the granting role, and the line end; every piece is encoded once into a
 * pool and copied four bytes at a time. The header is written first.
 */
export class CsvRowWriter {
  private readonly pool = new BytePool();
  private readonly width: number;
  private readonly permStart: Int32Array;
  private readonly permEnd: Int32Array;
  /** Chains (` > role:x > role:y`) by role and position in its `granted` list: bytes, start of each, first of each role. */
  private readonly chains: DataView;
  private readonly chainStart: Int32Array;
  private readonly chainOffset: Int32Array;
  /** Per row of a user: the chosen grant's position in its source role's `granted` list. */
  private readonly positions: Int32Array;
  private readonly fixedSize: number;
  private readonly longestPiece: number;
  private readonly chainBytesBound: number;
  private readonly scratch: ChooseScratch;
  private readonly choose: ChooseTables;

  constructor(
    tables: CsvTables,
    private readonly out: ChunkedBytes,
  ) {
    const pool = this.pool;
    // `,permission,scope,` for every permission and level (level 0 unused; an unscoped permission has level 1 only).
    this.width = 1 + tables.scopes.reduce((n, scopes) => Math.max(n, scopes.length, 1), 1);
    this.permStart = new Int32Array(tables.permissionIds.length * this.width);
    this.permEnd = new Int32Array(tables.permissionIds.length * this.width);
    let longest = 0;
    tables.permissionIds.forEach((id, p) => {
      const scopes = tables.scopes[p]!;
      (scopes.length === 0 ? [''] : scopes).forEach((scope, k) => {
        const piece = p * this.width + k + 1;
        this.permStart[piece] = pool.add(`,${csvField(id)},${csvField(scope)},`);
        this.permEnd[piece] = pool.size;
        longest = Math.max(longest, pool.size - this.permStart[piece]!);
      });
    });
    this.longestPiece = longest;
    // ` > role:x` per role: a via is made of ids, which the schema limits to [a-z0-9_.-], so it never needs quoting.
    const hopStart = new Int32Array(tables.roleIds.length);
    const hopEnd = new Int32Array(tables.roleIds.length);
    tables.roleIds.forEach((id, r) => {
      hopStart[r] = pool.add(` > role:${id}`);
      hopEnd[r] = pool.size;
    });
    this.fixedSize = pool.size;
    // Every chain from a role down to the role that grants one of its permissions, laid out role by role in `granted` order.
    const { next, granted } = tables;
    this.chainOffset = new Int32Array(tables.roleIds.length + 1);
    let count = 0;
    let bytes = 0;
    for (let r = 0; r < tables.roleIds.length; r++) {
      this.chainOffset[r] = count;
      const row = granted[r]!;
      count += row.length;
      for (const p of row) for (let n = next[r]![p]!; n !== -1; n = next[n]![p]!) bytes += hopEnd[n]! - hopStart[n]!;
    }
    this.chainOffset[tables.roleIds.length] = count;
    this.chainStart = new Int32Array(count + 1);
    const chainBytes = new Uint8Array(bytes + overrun);
    const chains = (this.chains = new DataView(chainBytes.buffer));
    const from = pool.view;
    let at = 0;
    let longestChain = 0;
    for (let r = 0, g = 0; r < tables.roleIds.length; r++) {
      for (const p of granted[r]!) {
        const start = at;
        this.chainStart[g++] = start;
        for (let n = next[r]![p]!; n !== -1; n = next[n]![p]!) at = copyPiece(chains, at, from, hopStart[n]!, hopEnd[n]!);
        longestChain = Math.max(longestChain, at - start);
      }
    }
    this.chainStart[count] = at;
    this.chainBytesBound = longestChain;
    this.positions = new Int32Array(tables.permissionIds.length);
    this.scratch = chooseScratch(tables.permissionIds.length);
    this.choose = { roleGrant: tables.roleGrant, dist: tables.dist, granted: (r) => tables.granted[r]! };
    out.text(csvHeader + '\n');
  }

  /** Appends the rows of one user. */
  user(user: CsvUser): void {
    const { perms, levels, roles } = user;
    const positions = this.positions.length >= perms.length ? this.positions : new Int32Array(perms.length);
    const best = chooseSources(this.choose, perms, levels, roles, user.hops, this.scratch, positions);
    // This user's pieces go after the fixed ones: the user field, then each source prefix.
    const pool = this.pool;
    pool.size = this.fixedSize;
    const userStart = pool.add(user.field);
    const userEnd = pool.size;
    const prefixStart = new Int32Array(roles.length);
    const prefixEnd = new Int32Array(roles.length);
    let longestPrefix = 0;
    for (let s = 0; s < roles.length; s++) {
      prefixStart[s] = pool.add(user.prefixes[s]!);
      prefixEnd[s] = pool.size;
      longestPrefix = Math.max(longestPrefix, prefixEnd[s]! - prefixStart[s]!);
    }
    // No row of this user is longer: while this much room is left, rows are written without measuring them.
    const slack = userEnd - userStart + this.longestPiece + longestPrefix + this.chainBytesBound + 1;
    const from = pool.view;
    const { permStart, permEnd, width, chains, chainStart, chainOffset } = this;
    const out = this.out;
    let to = out.view;
    let buffer = out.buffer;
    let pos = out.pos;
    for (let i = 0; i < perms.length; i++) {
      const p = perms[i]!;
      const s = best[i]!;
      const piece = p * width + levels[i]!;
      if (buffer.length - pos < slack + overrun) {
        out.pos = pos;
        out.ensure(slack);
        to = out.view;
        buffer = out.buffer;
        pos = out.pos;
      }
      pos = copyPiece(to, pos, from, userStart, userEnd);
      pos = copyPiece(to, pos, from, permStart[piece]!, permEnd[piece]!);
      if (s >= 0) {
        pos = copyPiece(to, pos, from, prefixStart[s]!, prefixEnd[s]!);
        const g = chainOffset[roles[s]!]! + positions[i]!;
        pos = copyPiece(to, pos, chains, chainStart[g]!, chainStart[g + 1]!);
      }
      buffer[pos++] = 10;
    }
    out.pos = pos;
  }
}

/** One CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}


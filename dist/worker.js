import { createRequire as __rolecallCreateRequire } from 'node:module';
import { fileURLToPath as __rolecallFileURLToPath } from 'node:url';
import { dirname as __rolecallDirname } from 'node:path';
const require = __rolecallCreateRequire(import.meta.url);
const __filename = __rolecallFileURLToPath(import.meta.url);
const __dirname = __rolecallDirname(__filename);

// src/emit/worker.ts
import { closeSync as closeSync2, openSync as openSync2 } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

// src/cli/write.ts
import { close, closeSync, existsSync, fsync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
function syncAndClose(fd) {
  return new Promise((resolve, reject) => {
    fsync(fd, (syncError) => {
      close(fd, (closeError) => {
        const error = syncError ?? closeError;
        if (error) reject(error);
        else resolve();
      });
    });
  });
}
function writeAll(fd, data) {
  let bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  while (bytes.length > 0) {
    const written = writeSync(fd, bytes);
    bytes = bytes.subarray(written);
  }
}

// src/emit/bytes.ts
var encoder = new TextEncoder();
var chunkSize = 1 << 20;
var overrun = 4;
function copyPiece(to, pos, from, start, end) {
  for (let k = start; k < end; k += 4) to.setUint32(pos + k - start, from.getUint32(k));
  return pos + end - start;
}
var BytePool = class {
  bytes = new Uint8Array(1 << 16);
  view = new DataView(this.bytes.buffer);
  size = 0;
  /** Appends the UTF-8 bytes of `text`; returns their offset (the end is `this.size` right after). */
  add(text) {
    const start = this.size;
    this.reserve(text.length * 3 + overrun);
    this.size += encoder.encodeInto(text, this.bytes.subarray(start)).written;
    return start;
  }
  reserve(extra) {
    if (this.size + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + extra));
    grown.set(this.bytes.subarray(0, this.size));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
};
var ChunkedBytes = class {
  /** With `transient`, a drained chunk's buffer is written over by later output (see ByteOptions). */
  constructor(transient = false) {
    this.transient = transient;
  }
  transient;
  buffer = new Uint8Array(chunkSize);
  view = new DataView(this.buffer.buffer);
  pos = 0;
  full = [];
  /** A drained chunk's buffer, free again once the consumer asked for more (transient only). */
  spare;
  /** Makes room for `n` more bytes (and the `overrun` of `copyPiece`) at `pos`, starting a new chunk when needed. */
  ensure(n) {
    if (this.pos + n + overrun <= this.buffer.length) return;
    if (this.pos > 0) this.full.push(this.buffer.subarray(0, this.pos));
    const spare = this.spare;
    this.spare = void 0;
    this.buffer = spare && spare.length >= n + overrun ? spare : new Uint8Array(Math.max(chunkSize, n + overrun));
    this.view = new DataView(this.buffer.buffer);
    this.pos = 0;
  }
  /** Appends the UTF-8 bytes of `text`. */
  text(text) {
    this.ensure(text.length * 3);
    this.pos += encoder.encodeInto(text, this.buffer.subarray(this.pos)).written;
  }
  /** Takes the chunks filled so far. */
  drain() {
    const full = this.full;
    this.full = [];
    const last = full[full.length - 1];
    if (this.transient && last) this.spare = new Uint8Array(last.buffer, last.byteOffset, last.buffer.byteLength - last.byteOffset);
    return full;
  }
  /** Takes every remaining chunk, the partly filled one included. */
  finish() {
    if (this.pos > 0) this.full.push(this.buffer.subarray(0, this.pos));
    this.buffer = new Uint8Array(0);
    this.view = new DataView(this.buffer.buffer);
    this.pos = 0;
    return this.drain();
  }
};

// src/stages/resolve.ts
var emptyLevels = { perms: new Int32Array(0), levels: new Uint8Array(0), denied: new Int32Array(0) };

// src/stages/paths.ts
function chooseScratch(P) {
  return { level: new Uint8Array(P), bestLength: new Int32Array(P).fill(2147483647), bestSource: new Int32Array(P).fill(-1), bestPosition: new Int32Array(P) };
}
function chooseSources(tables, perms, levels, roles, hops, scratch, positions) {
  const { level, bestLength, bestSource, bestPosition } = scratch;
  const best = new Int32Array(perms.length).fill(-1);
  for (let i = 0; i < perms.length; i++) level[perms[i]] = levels[i];
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i];
    const grant = tables.roleGrant[r];
    const d = tables.dist[r];
    const prefix = hops[i];
    const granted = tables.granted(r);
    for (let k = 0; k < granted.length; k++) {
      const p = granted[k];
      if (level[p] === 0 || grant[p] !== level[p]) continue;
      const length = prefix + d[p];
      if (length < bestLength[p]) {
        bestLength[p] = length;
        bestSource[p] = i;
        bestPosition[p] = k;
      }
    }
  }
  for (let i = 0; i < perms.length; i++) {
    const p = perms[i];
    best[i] = bestSource[p];
    if (positions) positions[i] = bestPosition[p];
    level[p] = 0;
    bestLength[p] = 2147483647;
    bestSource[p] = -1;
  }
  return best;
}

// src/emit/csv.ts
var csvHeader = "user,permission,scope,via";
function* unpackUsers(batch) {
  let p = 0;
  let s = 0;
  for (let i = 0; i < batch.fields.length; i++) {
    const n = batch.counts[2 * i];
    const m = batch.counts[2 * i + 1];
    yield {
      field: batch.fields[i],
      perms: batch.perms.subarray(p, p + n),
      levels: batch.levels.subarray(p, p + n),
      roles: batch.roles.subarray(s, s + m),
      hops: batch.hops.subarray(s, s + m),
      prefixes: batch.prefixes.slice(s, s + m)
    };
    p += n;
    s += m;
  }
}
var CsvRowWriter = class {
  constructor(tables, out) {
    this.out = out;
    const pool = this.pool;
    this.width = 1 + tables.scopes.reduce((n, scopes) => Math.max(n, scopes.length, 1), 1);
    this.permStart = new Int32Array(tables.permissionIds.length * this.width);
    this.permEnd = new Int32Array(tables.permissionIds.length * this.width);
    let longest = 0;
    tables.permissionIds.forEach((id, p) => {
      const scopes = tables.scopes[p];
      (scopes.length === 0 ? [""] : scopes).forEach((scope, k) => {
        const piece = p * this.width + k + 1;
        this.permStart[piece] = pool.add(`,${csvField(id)},${csvField(scope)},`);
        this.permEnd[piece] = pool.size;
        longest = Math.max(longest, pool.size - this.permStart[piece]);
      });
    });
    this.longestPiece = longest;
    const hopStart = new Int32Array(tables.roleIds.length);
    const hopEnd = new Int32Array(tables.roleIds.length);
    tables.roleIds.forEach((id, r) => {
      hopStart[r] = pool.add(` > role:${id}`);
      hopEnd[r] = pool.size;
    });
    this.fixedSize = pool.size;
    const { next, granted } = tables;
    this.chainOffset = new Int32Array(tables.roleIds.length + 1);
    let count = 0;
    let bytes = 0;
    for (let r = 0; r < tables.roleIds.length; r++) {
      this.chainOffset[r] = count;
      const row = granted[r];
      count += row.length;
      for (const p of row) for (let n = next[r][p]; n !== -1; n = next[n][p]) bytes += hopEnd[n] - hopStart[n];
    }
    this.chainOffset[tables.roleIds.length] = count;
    this.chainStart = new Int32Array(count + 1);
    const chainBytes = new Uint8Array(bytes + overrun);
    const chains = this.chains = new DataView(chainBytes.buffer);
    const from = pool.view;
    let at = 0;
    let longestChain = 0;
    for (let r = 0, g = 0; r < tables.roleIds.length; r++) {
      for (const p of granted[r]) {
        const start = at;
        this.chainStart[g++] = start;
        for (let n = next[r][p]; n !== -1; n = next[n][p]) at = copyPiece(chains, at, from, hopStart[n], hopEnd[n]);
        longestChain = Math.max(longestChain, at - start);
      }
    }
    this.chainStart[count] = at;
    this.chainBytesBound = longestChain;
    this.positions = new Int32Array(tables.permissionIds.length);
    this.scratch = chooseScratch(tables.permissionIds.length);
    this.choose = { roleGrant: tables.roleGrant, dist: tables.dist, granted: (r) => tables.granted[r] };
    out.text(csvHeader + "\n");
  }
  out;
  pool = new BytePool();
  width;
  permStart;
  permEnd;
  /** Chains (` > role:x > role:y`) by role and position in its `granted` list: bytes, start of each, first of each role. */
  chains;
  chainStart;
  chainOffset;
  /** Per row of a user: the chosen grant's position in its source role's `granted` list. */
  positions;
  fixedSize;
  longestPiece;
  chainBytesBound;
  scratch;
  choose;
  /** Appends the rows of one user. */
  user(user) {
    const { perms, levels, roles } = user;
    const positions = this.positions.length >= perms.length ? this.positions : new Int32Array(perms.length);
    const best = chooseSources(this.choose, perms, levels, roles, user.hops, this.scratch, positions);
    const pool = this.pool;
    pool.size = this.fixedSize;
    const userStart = pool.add(user.field);
    const userEnd = pool.size;
    const prefixStart = new Int32Array(roles.length);
    const prefixEnd = new Int32Array(roles.length);
    let longestPrefix = 0;
    for (let s = 0; s < roles.length; s++) {
      prefixStart[s] = pool.add(user.prefixes[s]);
      prefixEnd[s] = pool.size;
      longestPrefix = Math.max(longestPrefix, prefixEnd[s] - prefixStart[s]);
    }
    const slack = userEnd - userStart + this.longestPiece + longestPrefix + this.chainBytesBound + 1;
    const from = pool.view;
    const { permStart, permEnd, width, chains, chainStart, chainOffset } = this;
    const out = this.out;
    let to = out.view;
    let buffer = out.buffer;
    let pos = out.pos;
    for (let i = 0; i < perms.length; i++) {
      const p = perms[i];
      const s = best[i];
      const piece = p * width + levels[i];
      if (buffer.length - pos < slack + overrun) {
        out.pos = pos;
        out.ensure(slack);
        to = out.view;
        buffer = out.buffer;
        pos = out.pos;
      }
      pos = copyPiece(to, pos, from, userStart, userEnd);
      pos = copyPiece(to, pos, from, permStart[piece], permEnd[piece]);
      if (s >= 0) {
        pos = copyPiece(to, pos, from, prefixStart[s], prefixEnd[s]);
        const g = chainOffset[roles[s]] + positions[i];
        pos = copyPiece(to, pos, chains, chainStart[g], chainStart[g + 1]);
      }
      buffer[pos++] = 10;
    }
    out.pos = pos;
  }
};
function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

// src/emit/worker.ts
var port = parentPort;
if (port) {
  const task = workerData;
  const progress = new BigInt64Array(task.progress);
  const reply = (message) => {
    port.postMessage(message);
    port.close();
  };
  let fd;
  let failed = false;
  const fail = (error) => {
    if (failed) return;
    failed = true;
    Atomics.store(progress, 1, 1n);
    Atomics.notify(progress, 0);
    if (fd !== void 0) closeSync2(fd);
    reply(failure(error));
  };
  try {
    fd = openSync2(task.file, "wx");
    const out = new ChunkedBytes(true);
    const writer = new CsvRowWriter(task.tables, out);
    port.on("message", (message) => {
      if (failed) return;
      try {
        if ("batch" in message) {
          let pairs = 0;
          for (const user of unpackUsers(message.batch)) {
            writer.user(user);
            for (const chunk of out.drain()) writeAll(fd, chunk);
            pairs += user.perms.length;
          }
          Atomics.add(progress, 0, BigInt(pairs));
          Atomics.notify(progress, 0);
          return;
        }
        for (const chunk of out.finish()) writeAll(fd, chunk);
        const done = fd;
        fd = void 0;
        syncAndClose(done).then(() => reply({ ok: true }), fail);
      } catch (error) {
        fail(error);
      }
    });
  } catch (error) {
    fail(error);
  }
}
function failure(error) {
  const e = error;
  return { ok: false, message: e instanceof Error ? e.stack ?? e.message : String(error), ...typeof e?.code === "string" ? { code: e.code } : {}, ...typeof e?.path === "string" ? { path: e.path } : {} };
}
//# sourceMappingURL=worker.js.map

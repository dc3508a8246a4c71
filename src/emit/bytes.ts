/**
 * Byte-level building blocks for the large artifacts (matrix.json users,
 * matrix.csv): pieces are encoded once into a pool and copied into ~1 MB
 * output chunks, so millions of entries make no garbage strings.
 */

const encoder = new TextEncoder();

/** The size of an output chunk. */
export const chunkSize = 1 << 20;

/**
 * `copyPiece` moves four bytes at a time and may write up to this many bytes
 * past the end of a piece (the next piece overwrites them); buffers keep this
 * much room beyond what they hold.
 */
export const overrun = 4;

/**
 * Copies bytes [start, end) of `from` to `to` at `pos`, four at a time, and
 * returns the position after them. Reads and writes up to `overrun - 1` bytes
 * past the piece: both views must have that much room. (Four times fewer
 * steps than a byte loop, which matters for a billion bytes of CSV.)
 */
export function copyPiece(to: DataView, pos: number, from: DataView, start: number, end: number): number {
  for (let k = start; k < end; k += 4) to.setUint32(pos + k - start, from.getUint32(k));
  return pos + end - start;
}

/** A growable byte array of encoded pieces, addressed by offset, with `overrun` bytes of room after the last. */
export class BytePool {
  bytes = new Uint8Array(1 << 16);
  view = new DataView(this.bytes.buffer);
  size = 0;

  /** Appends the UTF-8 bytes of `text`; returns their offset (the end is `this.size` right after). */
  add(text: string): number {
    const start = this.size;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.reserve(text.length * 3 + overrun);
    this.size += encoder.encodeInto(text, this.bytes.subarray(start)).written;
    return start;
  }

  private reserve(extra: number): void {
    if (this.size + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + extra));
    grown.set(this.bytes.subarray(0, this.size));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}

/** Output collected in chunks of about `chunkSize` bytes; full chunks are taken with `drain`. */
export class ChunkedBytes {
  buffer = new Uint8Array(chunkSize);
  view = new DataView(this.buffer.buffer);
  pos = 0;
  private full: Uint8Array[] = [];
  /** A drained chunk's buffer, free again once the consumer asked for more (transient only). */
  private spare: Uint8Array<ArrayBuffer> | undefined;

  /** With `transient`, a drained chunk's buffer is written over by later output (see ByteOptions). */
  constructor(private readonly transient = false) {}

  /** Makes room for `n` more bytes (and the `overrun` of `copyPiece`) at `pos`, starting a new chunk when needed. */
  ensure(n: number): void {
    if (this.pos + n + overrun <= this.buffer.length) return;
    if (this.pos > 0) this.full.push(this.buffer.subarray(0, this.pos));
    const spare = this.spare;
    this.spare = undefined;
    this.buffer = spare && spare.length >= n + overrun ? spare : new Uint8Array(Math.max(chunkSize, n + overrun));
    this.view = new DataView(this.buffer.buffer);
    this.pos = 0;
  }

  /** Appends the UTF-8 bytes of `text`. */
  text(text: string): void {
    this.ensure(text.length * 3);
    this.pos += encoder.encodeInto(text, this.buffer.subarray(this.pos)).written;
  }

  /** Takes the chunks filled so far. */
  drain(): Uint8Array[] {
    const full = this.full;
    this.full = [];
    const last = full[full.length - 1];
    if (this.transient && last) this.spare = new Uint8Array(last.buffer as ArrayBuffer, last.byteOffset, last.buffer.byteLength - last.byteOffset);
    return full;
  }

  /** Takes every remaining chunk, the partly filled one included. */
  finish(): Uint8Array[] {
    if (this.pos > 0) this.full.push(this.buffer.subarray(0, this.pos));
    this.buffer = new Uint8Array(0);
    this.view = new DataView(this.buffer.buffer);
    this.pos = 0;
    return this.drain();
  }
}

/** Decodes byte chunks to text chunks (for the `render` side of a byte artifact). */
export function* decodeChunks(chunks: Iterable<Uint8Array>): Generator<string> {
  const decoder = new TextDecoder();
  for (const bytes of chunks) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

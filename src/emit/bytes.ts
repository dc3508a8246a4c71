/**
 * Byte-level building blocks for the large artifacts (matrix.json users,
 * matrix.csv): pieces are encoded once into a pool and copied into ~1 MB
 * output chunks, so millions of entries make no garbage strings.
 */

const encoder = new TextEncoder();

/** The size of an output chunk. */
export const chunkSize = 1 << 20;

/** A growable byte array of encoded pieces, addressed by offset. */
export class BytePool {
  bytes = new Uint8Array(1 << 16);
  size = 0;

  /** Appends the UTF-8 bytes of `text`; returns their offset (the end is `this.size` right after). */
  add(text: string): number {
    const start = this.size;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.reserve(text.length * 3);
    this.size += encoder.encodeInto(text, this.bytes.subarray(start)).written;
    return start;
  }

  private reserve(extra: number): void {
    if (this.size + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + extra));
    grown.set(this.bytes.subarray(0, this.size));
    this.bytes = grown;
  }
}

/** Output collected in chunks of about `chunkSize` bytes; full chunks are taken with `drain`. */
export class ChunkedBytes {
  buffer = new Uint8Array(chunkSize);
  pos = 0;
  private full: Uint8Array[] = [];

  /** Makes room for `n` more bytes in `buffer` at `pos` (starting a new chunk when needed). */
  ensure(n: number): void {
    if (this.pos + n <= this.buffer.length) return;
    if (this.pos > 0) this.full.push(this.buffer.subarray(0, this.pos));
    this.buffer = new Uint8Array(Math.max(chunkSize, n));
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
    return full;
  }

  /** Takes every remaining chunk, the partly filled one included. */
  finish(): Uint8Array[] {
    if (this.pos > 0) this.full.push(this.buffer.subarray(0, this.pos));
    this.buffer = new Uint8Array(0);
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

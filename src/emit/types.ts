import type { CheckResult } from '../compile.js';

/** What every artifact emitter receives: a check result without error-level findings. */
export interface EmitInput {
  readonly result: CheckResult;
  /** `sha256:<hex>` over the policy files (path, NUL, content, NUL, in sorted path order). */
  readonly digest: string;
}

/**
 * One output artifact. `render` yields the file's text in chunks so large
 * matrices are streamed to disk, never held as one string (V8 caps strings
 * near 512 MB).
 */
export interface Artifact {
  /** File name inside the out directory (`matrix.json`). */
  readonly name: string;
  render(input: EmitInput): Iterable<string>;
  /**
   * The same content as UTF-8 bytes, for artifacts that are cheaper to build
   * as bytes (matrix.csv: millions of rows). The file writer prefers it.
   */
  renderBytes?(input: EmitInput, options?: ByteOptions): Iterable<Uint8Array>;
}

/** How byte chunks may be produced. */
export interface ByteOptions {
  /**
   * The consumer is done with each chunk before it asks for the next (the
   * file writer): the producer may reuse one buffer for every chunk instead
   * of allocating a megabyte per chunk. Do not collect such chunks.
   */
  readonly transient?: boolean;
}

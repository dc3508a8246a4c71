import { canonicalJson } from '../util/json.js';

/**
 * Pieces of streamed canonical JSON: a member's value written at its depth in
 * the whole document (matrix.json writes its sections member by member, so a
 * matrix of 200,000 users is never one string or one object).
 */

/** `value` as canonical JSON nested `depth` levels deep (no trailing newline). */
export function nestedJson(value: unknown, depth: number): string {
  const text = canonicalJson(value);
  const body = text.slice(0, -1);
  return depth === 0 ? body : body.replaceAll('\n', '\n' + indent(depth));
}

/** Two spaces per level. */
export function indent(depth: number): string {
  return '  '.repeat(depth);
}

/** A null-prototype record, safe for user-supplied keys such as `constructor` or `__proto__`. */
export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

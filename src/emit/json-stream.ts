import { canonicalJson } from '../util/json.js';

/**
 * Streaming canonical JSON: the same bytes `canonicalJson` gives for a whole
 * document, produced one member at a time so a matrix of 200,000 users is never
 * one string or one object.
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

/**
 * An object whose members come from `count` lazily built entries, nested
 * `depth` levels deep. The caller yields keys in code-unit order (`canonicalJson`
 * order); one chunk is yielded per member.
 */
export function* streamObject(count: number, entry: (index: number) => readonly [key: string, value: unknown], depth: number): Generator<string> {
  yield* streamObjectText(count, (i) => {
    const [key, value] = entry(i);
    return [key, nestedJson(value, depth + 1)];
  }, depth);
}

/** Like `streamObject`, with each member's value already written as canonical JSON at `depth + 1`. */
export function* streamObjectText(count: number, entry: (index: number) => readonly [key: string, valueText: string], depth: number): Generator<string> {
  if (count === 0) {
    yield '{}';
    return;
  }
  const pad = indent(depth + 1);
  for (let i = 0; i < count; i++) {
    const [key, text] = entry(i);
    yield `${i === 0 ? '{' : ','}\n${pad}${JSON.stringify(key)}: ${text}`;
  }
  yield `\n${indent(depth)}}`;
}

/** A null-prototype record, safe for user-supplied keys such as `constructor` or `__proto__`. */
export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

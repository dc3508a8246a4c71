import type { SourceFile, Span } from './source.js';

/**
 * The positioned tree every later stage reads. It is independent of the YAML
 * library so that the parser can be replaced (a faster path, a worker) without
 * touching validation or binding.
 */
export type YNode = YMap | YSeq | YScalar;

/** A YAML mapping: ordered pairs with scalar keys. */
export interface YMap {
  readonly kind: 'map';
  readonly start: number;
  readonly end: number;
  readonly pairs: readonly YPair[];
}

/** One `key: value` entry of a mapping. */
export interface YPair {
  readonly key: YScalar;
  /** The key as a string (`true:` gives `"true"`). */
  readonly name: string;
  readonly value: YNode;
}

/** A YAML sequence. */
export interface YSeq {
  readonly kind: 'seq';
  readonly start: number;
  readonly end: number;
  readonly items: readonly YNode[];
}

/** A YAML scalar, after YAML 1.2 core-schema resolution. */
export interface YScalar {
  readonly kind: 'scalar';
  readonly start: number;
  readonly end: number;
  readonly value: string | number | boolean | null;
}

/** A parsed file: its tree (absent when nothing could be parsed) and whether errors made it partial. */
export interface ParsedFile {
  readonly file: SourceFile;
  readonly root: YNode | undefined;
  /** True when the YAML had syntax errors: the tree holds only what the parser recovered. */
  readonly partial: boolean;
}

/** Returns the pair named `name` in a map, if any (first one wins, as in binding). */
export function getPair(map: YMap, name: string): YPair | undefined {
  for (const pair of map.pairs) if (pair.name === name) return pair;
  return undefined;
}

/** The span of a node in a file. */
export function spanOf(file: SourceFile, node: { start: number; end: number }): Span {
  return { file, start: node.start, end: node.end };
}

/**
 * Converts a tree to plain data for JSON Schema validation. Every key is
 * defined as an own data property, so `__proto__` stays an ordinary key and
 * no prototype is touched; objects keep Object.prototype because ajv's
 * deep-equality (uniqueItems) calls `valueOf` on them.
 */
export function toData(node: YNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toData);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const pair of node.pairs) {
        const name = pair.name;
        if (name === '__proto__') {
          // Assignment would set the prototype: define it as plain data instead.
          if (!Object.prototype.hasOwnProperty.call(out, name)) Object.defineProperty(out, name, { value: toData(pair.value), enumerable: true, writable: true, configurable: true });
        } else if (!Object.prototype.hasOwnProperty.call(out, name)) {
          out[name] = toData(pair.value);
        }
      }
      return out;
    }
  }
}

import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { ParsedFile, YMap, YNode, YPair, YScalar, YSeq } from '../model/ast.js';
import type { SourceFile, Span } from '../model/source.js';
import { fastParse } from './fast-parse.js';

/** A YAML problem: syntax errors, duplicate keys, unsupported constructs. */
export interface SyntaxProblem {
  readonly span: Span;
  readonly message: string;
  /** For duplicate keys: where the key was first defined. */
  readonly first?: Span;
}

/** Limits that keep hostile YAML from exhausting time or memory. */
export interface ParseLimits {
  /** Most alias nodes (`*name`) a file may use. */
  readonly maxAliasCount: number;
  /** Most nodes a file may expand to, aliases included. */
  readonly maxNodes: number;
  /** Deepest nesting of collections. */
  readonly maxDepth: number;
}

/** Default parse limits (documented in docs/security.md). */
export const defaultParseLimits: ParseLimits = { maxAliasCount: 1000, maxNodes: 5_000_000, maxDepth: 64 };

class BudgetExceeded extends Error {
  constructor(
    readonly problem: string,
    readonly at: number,
  ) {
    super(problem);
  }
}

/**
 * Parses one file into a positioned tree. Never throws for bad input: syntax
 * errors, duplicate keys and limit breaches come back as problems, and whatever
 * the parser could recover is still returned (marked partial).
 */
export function parseFile(file: SourceFile, limits: ParseLimits = defaultParseLimits): { parsed: ParsedFile; problems: SyntaxProblem[] } {
  const fast = fastParse(file, limits.maxDepth);
  if (fast) return { parsed: { file, root: fast.root, partial: fast.problems.length > 0 }, problems: fast.problems };
  return fullParse(file, limits);
}

/** Parses with the full `yaml` parser (every construct, every error message). */
export function fullParse(file: SourceFile, limits: ParseLimits = defaultParseLimits): { parsed: ParsedFile; problems: SyntaxProblem[] } {
  const problems: SyntaxProblem[] = [];
  const at = (start: number, end: number): Span => ({ file, start, end: Math.max(start, end) });
  let doc: Document.Parsed;
  try {
    doc = parseDocument(file.text, { uniqueKeys: false, prettyErrors: false, strict: true, keepSourceTokens: false, stringKeys: false });
  } catch (error) {
    problems.push({ span: at(0, 0), message: `the YAML parser failed: ${(error as Error).message}` });
    return { parsed: { file, root: undefined, partial: true }, problems };
  }
  for (const error of doc.errors) {
    const [start, end] = error.pos;
    const [from, to] = onContent(file.text, start, end);
    problems.push({ span: at(from, to), message: yamlMessage(error.code, error.message) });
  }
  for (const warning of doc.warnings) {
    const [start, end] = warning.pos;
    problems.push({ span: at(start, end), message: yamlMessage(warning.code, warning.message) });
  }
  const partial = problems.length > 0;
  if (doc.contents === null) return { parsed: { file, root: undefined, partial }, problems };

  const converter = new Converter(doc, file, limits, problems);
  let root: YNode | undefined;
  try {
    root = converter.convert(doc.contents, 0);
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    problems.push({ span: at(error.at, error.at + 1), message: error.problem });
    return { parsed: { file, root: undefined, partial: true }, problems };
  }
  return { parsed: { file, root, partial: partial || converter.sawProblem }, problems };
}

/** Moves an error that sits on trailing blank space back onto the last content before it, so the code frame shows something. */
function onContent(text: string, start: number, end: number): [number, number] {
  let i = Math.min(start, text.length);
  while (i > 0 && /\s/.test(text.charAt(i) || ' ')) i--;
  if (i === start) return [start, end];
  return [i, i + 1];
}

function yamlMessage(code: string, message: string): string {
  if (/end with an? \]/.test(message)) return 'unterminated flow sequence: close the list with `]`';
  if (/end with an? \}/.test(message)) return 'unterminated flow mapping: close it with `}`';
  const firstLine = message.split('\n')[0] ?? message;
  const text = firstLine.replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
  const hints: Record<string, string> = {
    MULTIPLE_DOCS: 'keep one YAML document per file (remove the extra `---`)',
    BAD_INDENT: 'check the indentation of this line against its siblings',
    MISSING_CHAR: 'close the bracket or quote that was opened',
    UNEXPECTED_TOKEN: 'check for a stray character or a missing `:`',
    TAB_AS_INDENT: 'indent with spaces, not tabs',
    TAG_RESOLVE_FAILED: 'remove the custom tag: policies use plain YAML',
    BAD_ALIAS: 'define the anchor (`&name`) before using the alias',
    DUPLICATE_KEY: 'remove or rename one of the keys',
  };
  const hint = hints[code];
  const lower = text.charAt(0).toLowerCase() + text.slice(1);
  return hint ? `${lower}: ${hint}` : lower;
}

class Converter {
  private aliasCount = 0;
  private nodeCount = 0;
  sawProblem = false;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly file: SourceFile,
    private readonly limits: ParseLimits,
    private readonly problems: SyntaxProblem[],
  ) {}

  convert(node: unknown, depth: number, aliasAt?: number): YNode {
    if (++this.nodeCount > this.limits.maxNodes) {
      throw new BudgetExceeded(`the file expands to more than ${this.limits.maxNodes} YAML nodes (alias expansion?): split it or remove aliases`, aliasAt ?? 0);
    }
    if (depth > this.limits.maxDepth) {
      const start = rangeOf(node)[0];
      throw new BudgetExceeded(`YAML nesting deeper than ${this.limits.maxDepth} levels: policies never need this much`, start);
    }
    if (isAlias(node)) return this.alias(node, depth);
    const [start, end] = rangeOf(node);
    // Aliased content reports the alias's position, so findings point where the user wrote it.
    const s = aliasAt ?? start;
    const e = aliasAt === undefined ? end : aliasAt;
    if (isMap(node)) {
      const pairs: YPair[] = [];
      const seen = new Map<string, YScalar>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = this.key(item.key, aliasAt);
        if (key === undefined) continue;
        const name = key.value === null ? 'null' : String(key.value);
        const first = seen.get(name);
        if (first !== undefined) {
          if (aliasAt === undefined) {
            this.problems.push({
              span: { file: this.file, start: key.start, end: key.end },
              first: { file: this.file, start: first.start, end: first.end },
              message: `duplicate key \`${name}\`: the first definition would be silently overwritten; remove or rename one of them`,
            });
          }
          this.sawProblem = true;
          continue;
        }
        seen.set(name, key);
        const value = item.value === null || item.value === undefined ? nullScalar(key.end, aliasAt) : this.convert(item.value, depth + 1, aliasAt);
        pairs.push({ key, name, value });
      }
      return { kind: 'map', start: s, end: e, pairs } satisfies YMap;
    }
    if (isSeq(node)) {
      const items: YNode[] = [];
      for (const item of node.items) {
        items.push(item === null || item === undefined ? nullScalar(e, aliasAt) : this.convert(item, depth + 1, aliasAt));
      }
      return { kind: 'seq', start: s, end: e, items } satisfies YSeq;
    }
    if (isScalar(node)) {
      return { kind: 'scalar', start: s, end: e, value: scalarValue(node.value) } satisfies YScalar;
    }
    return nullScalar(s, aliasAt);
  }

  private alias(node: Alias, depth: number): YNode {
    const [start] = rangeOf(node);
    if (++this.aliasCount > this.limits.maxAliasCount) {
      throw new BudgetExceeded(`more than ${this.limits.maxAliasCount} aliases in one file: remove the aliases (a YAML "billion laughs" expands exponentially)`, start);
    }
    const target = node.resolve(this.doc);
    if (target === undefined) {
      this.problems.push({ span: { file: this.file, start, end: start + node.source.length + 1 }, message: `alias \`*${node.source}\` has no anchor: define \`&${node.source}\` before using it` });
      this.sawProblem = true;
      return nullScalar(start);
    }
    return this.convert(target, depth, start);
  }

  private key(key: unknown, aliasAt: number | undefined): YScalar | undefined {
    if (isScalar(key)) {
      const [start, end] = rangeOf(key);
      return { kind: 'scalar', start: aliasAt ?? start, end: aliasAt ?? end, value: scalarValue(key.value) };
    }
    if (isAlias(key)) {
      const target = key.resolve(this.doc);
      if (isScalar(target)) {
        const [start, end] = rangeOf(key);
        return { kind: 'scalar', start, end, value: scalarValue(target.value) };
      }
    }
    const [start, end] = rangeOf(key);
    if (aliasAt === undefined) {
      this.problems.push({ span: { file: this.file, start, end }, message: 'complex mapping keys (a list or map used as a key) are not supported: use a plain id as the key' });
    }
    this.sawProblem = true;
    return undefined;
  }
}

function rangeOf(node: unknown): [number, number] {
  const range = (node as YamlNode | null)?.range;
  if (!range) return [0, 0];
  return [range[0], range[1]];
}

function nullScalar(at: number, aliasAt?: number): YScalar {
  const pos = aliasAt ?? at;
  return { kind: 'scalar', start: pos, end: pos, value: null };
}

function scalarValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

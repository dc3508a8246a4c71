import { Alias, Composer, Document, Parser, YAMLParseError, isAlias, isMap, isPair, isScalar, isSeq, visit, type CST, type Node as YamlNode } from 'yaml';
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
  /** Most nodes that alias expansion may add to a file (default 100,000). */
  readonly maxAliasNodes?: number;
}

/** Default parse limits (documented in docs/security.md). */
export const defaultParseLimits: ParseLimits = { maxAliasCount: 1000, maxNodes: 5_000_000, maxDepth: 64, maxAliasNodes: 100_000 };

/** Most problems reported for one file; past it, one more problem says how many were left out. */
const maxProblems = 1000;

const parseOptions = { uniqueKeys: false, prettyErrors: false, strict: true, keepSourceTokens: false, stringKeys: false } as const;

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
  if (fast) return { parsed: { file, root: fast.root, partial: fast.problems.length > 0 }, problems: capProblems(fast.problems) };
  const full = fullParse(file, limits);
  return { parsed: full.parsed, problems: capProblems(full.problems) };
}

/** The first `maxProblems` problems of a file, then one that says how many more there are. */
function capProblems(problems: SyntaxProblem[]): SyntaxProblem[] {
  if (problems.length <= maxProblems) return problems;
  const next = problems[maxProblems]!;
  return [...problems.slice(0, maxProblems), { span: next.span, message: `${problems.length - maxProblems} more YAML problems in this file are not listed: fix the ones above first` }];
}

/** Parses with the full `yaml` parser (every construct, every error message). */
export function fullParse(file: SourceFile, limits: ParseLimits = defaultParseLimits): { parsed: ParsedFile; problems: SyntaxProblem[] } {
  const problems: SyntaxProblem[] = [];
  const at = (start: number, end: number): Span => ({ file, start, end: Math.max(start, end) });
  let doc: Document.Parsed;
  try {
    // The YAML library builds documents recursively: nesting deep enough to
    // exhaust the stack can take the whole process down (V8 aborts when the
    // stack runs out inside its regular-expression compiler), so the depth is
    // measured on the flat token stream first.
    // Text that is not YAML at all can hold millions of syntax errors, which
    // cost the YAML library seconds and gigabytes to report one by one.
    const tokens = [...new Parser().parse(file.text)];
    const scan = scanTokens(tokens, limits.maxDepth);
    if (scan.tooDeep !== undefined) {
      problems.push({ span: at(scan.tooDeep, scan.tooDeep + 1), message: depthMessage(limits.maxDepth) });
      return { parsed: { file, root: undefined, partial: true }, problems };
    }
    if (scan.errors > maxProblems) {
      const first = scan.firstError ?? 0;
      problems.push({ span: at(first, first + 1), message: `more than ${maxProblems} YAML syntax errors, the first here: is this a YAML file? Fix the first error, then run again` });
      return { parsed: { file, root: undefined, partial: true }, problems };
    }
    doc = composeFirstDocument(tokens, file.text.length);
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

/** Composes the first YAML document of a token stream, as `parseDocument` does (a second document is an error). */
function composeFirstDocument(tokens: readonly CST.Token[], length: number): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(parseOptions).compose(tokens, true, length)) {
    if (!doc) {
      doc = next;
      continue;
    }
    const [start, end] = next.range;
    doc.errors.push(new YAMLParseError([start, end], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
    break;
  }
  if (!doc) throw new Error('the YAML composer produced no document');
  return doc;
}

/** What a scan of the concrete syntax tree found. */
export interface TokenScan {
  /** Offset of the first node nested deeper than the limit. */
  readonly tooDeep?: number;
  /** Syntax error tokens, and the offset of the first. */
  readonly errors: number;
  readonly firstError?: number;
}

/**
 * Scans the concrete syntax tree with an explicit stack (no input can exhaust
 * the call stack): the first node nested deeper than `maxDepth` (the
 * document's top node is depth 0), and how many syntax error tokens there are.
 */
export function scanTokens(tokens: readonly CST.Token[], maxDepth: number): TokenScan {
  const stack: [CST.Token, number][] = [];
  let errors = 0;
  let firstError: number | undefined;
  const count = (list: readonly { type: string; offset: number }[] | undefined): void => {
    if (list === undefined) return;
    for (const token of list) {
      if (token.type !== 'error') continue;
      errors++;
      firstError ??= token.offset;
    }
  };
  for (let i = tokens.length - 1; i >= 0; i--) stack.push([tokens[i]!, -1]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    switch (token.type) {
      case 'error':
        count([token]);
        break;
      case 'document':
        count(token.start);
        count(token.end);
        if (token.value) stack.push([token.value, 0]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth > maxDepth) return { tooDeep: token.offset, errors, ...(firstError === undefined ? {} : { firstError }) };
        if (token.type === 'flow-collection') count(token.end);
        for (let i = token.items.length - 1; i >= 0; i--) {
          const item = token.items[i]!;
          count(item.start);
          count(item.sep);
          if (item.value) stack.push([item.value, depth + 1]);
          if (item.key) stack.push([item.key, depth + 1]);
        }
        break;
      }
      default:
        if (depth > maxDepth) return { tooDeep: token.offset, errors, ...(firstError === undefined ? {} : { firstError }) };
        if ('end' in token) count(token.end);
    }
  }
  return { errors, ...(firstError === undefined ? {} : { firstError }) };
}

function depthMessage(maxDepth: number): string {
  return `YAML nesting deeper than ${maxDepth} levels: policies never need this much`;
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
  private aliasNodeCount = 0;
  private readonly maxAliasNodes: number;
  private targets: Map<Alias, YamlNode | undefined> | undefined;
  sawProblem = false;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly file: SourceFile,
    private readonly limits: ParseLimits,
    private readonly problems: SyntaxProblem[],
  ) {
    this.maxAliasNodes = limits.maxAliasNodes ?? defaultParseLimits.maxAliasNodes ?? 100_000;
  }

  /**
   * The node an alias refers to: the last anchor of that name before it, in
   * document order. `Alias.resolve` walks the whole document on every call,
   * which makes many aliases in a large file quadratic; this table is built
   * once.
   */
  private resolve(alias: Alias): YamlNode | undefined {
    if (this.targets === undefined) {
      const targets = new Map<Alias, YamlNode | undefined>();
      const anchors = new Map<string, YamlNode>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      this.targets = targets;
    }
    return this.targets.get(alias);
  }

  convert(node: unknown, depth: number, aliasAt?: number): YNode {
    if (++this.nodeCount > this.limits.maxNodes) {
      throw new BudgetExceeded(`the file expands to more than ${this.limits.maxNodes} YAML nodes (alias expansion?): split it or remove aliases`, aliasAt ?? 0);
    }
    if (aliasAt !== undefined && ++this.aliasNodeCount > this.maxAliasNodes) {
      throw new BudgetExceeded(`aliases in this file expand to more than ${this.maxAliasNodes} YAML nodes: write the values out or use fewer aliases (a YAML "billion laughs" expands exponentially)`, aliasAt);
    }
    if (depth > this.limits.maxDepth) {
      throw new BudgetExceeded(depthMessage(this.limits.maxDepth), aliasAt ?? rangeOf(node)[0]);
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
    const target = this.resolve(node);
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
      const target = this.resolve(key);
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

import type { YMap, YNode, YPair, YScalar, YSeq } from '../model/ast.js';
import type { SourceFile } from '../model/source.js';
import type { SyntaxProblem } from './parse.js';

/**
 * A fast path for the plain YAML that policies are written in: block and flow
 * mappings and sequences, plain and quoted single-line scalars, comments.
 * Anything else (anchors, aliases, tags, block scalars, multi-line scalars,
 * escapes, complex keys, directives, tabs, any syntax error) makes it give up
 * and return `undefined`, and the caller uses the full `yaml` parser, which
 * also produces the error messages. On what it accepts it builds exactly the
 * tree the full parser's conversion builds (a property test checks this).
 */
export function fastParse(file: SourceFile, maxDepth: number): { root: YNode | undefined; problems: SyntaxProblem[] } | undefined {
  try {
    return new FastParser(file, maxDepth).document();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

const GIVE_UP = Symbol('give up');

const SPACE = 32;
const NEWLINE = 10;
const CR = 13;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const COMMA = 44;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const SQUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;

class FastParser {
  private readonly text: string;
  private readonly length: number;
  private readonly problems: SyntaxProblem[] = [];

  constructor(
    private readonly file: SourceFile,
    private readonly maxDepth: number,
  ) {
    this.text = file.text;
    this.length = file.text.length;
    if (this.text.indexOf('\t') >= 0) throw GIVE_UP;
  }

  document(): { root: YNode | undefined; problems: SyntaxProblem[] } {
    let pos = this.skipBlankLines(0);
    // Document markers: only a bare `---` before the content is handled here.
    const markers = this.text.match(/^(?:---|\.\.\.)(?=[ \r\n]|$)/gm);
    if (markers && (markers.length > 1 || !(this.text.startsWith('---', pos) && this.column(pos) === 0))) throw GIVE_UP;
    if (pos < this.length && this.column(pos) === 0 && this.text.startsWith('---', pos)) {
      if (!this.isLineEnd(this.skipSpaces(pos + 3))) throw GIVE_UP;
      pos = this.skipBlankLines(this.nextLine(pos));
      if (pos >= this.length) throw GIVE_UP; // an explicit empty document: the full parser gives it a null root
    }
    if (pos >= this.length) return { root: undefined, problems: this.problems };
    const column = pos - this.lineStart(pos);
    const [root, end] = this.blockNode(pos, column, 0);
    if (root.kind === 'scalar') throw GIVE_UP; // policies are mappings; a scalar document is left to the full parser
    if (this.skipBlankLines(end) < this.length) throw GIVE_UP; // content after the root: let the full parser explain
    return { root, problems: this.problems };
  }

  // --- lines -----------------------------------------------------------------

  private lineStart(pos: number): number {
    const nl = this.text.lastIndexOf('\n', pos - 1);
    return nl + 1;
  }

  private nextLine(pos: number): number {
    const nl = this.text.indexOf('\n', pos);
    return nl < 0 ? this.length : nl + 1;
  }

  private skipSpaces(pos: number): number {
    while (pos < this.length && this.text.charCodeAt(pos) === SPACE) pos++;
    return pos;
  }

  /** True at a line end, the end of text, or a comment (after at least one space or at line start). */
  private isLineEnd(pos: number): boolean {
    if (pos >= this.length) return true;
    const c = this.text.charCodeAt(pos);
    if (c === NEWLINE) return true;
    if (c === CR) {
      if (this.text.charCodeAt(pos + 1) !== NEWLINE) throw GIVE_UP;
      return true;
    }
    return c === HASH && (pos === 0 || this.text.charCodeAt(pos - 1) === SPACE || this.text.charCodeAt(pos - 1) === NEWLINE);
  }

  /** Skips spaces, comments and line ends; returns the offset of the next content character (or the end). */
  private skipBlankLines(pos: number): number {
    for (;;) {
      const content = this.skipSpaces(pos);
      if (content >= this.length) return this.length;
      if (this.isLineEnd(content)) {
        pos = this.nextLine(content);
        continue;
      }
      return content;
    }
  }

  /** After a value on a line: only spaces and a comment may follow; returns the start of the next line. */
  private endOfLine(pos: number): number {
    const content = this.skipSpaces(pos);
    if (!this.isLineEnd(content)) throw GIVE_UP;
    return this.nextLine(content);
  }

  private column(pos: number): number {
    return pos - this.lineStart(pos);
  }

  // --- block context -----------------------------------------------------------

  /** A node that starts at `pos` (a content character) in block context; returns the node and the offset after it. */
  private blockNode(pos: number, column: number, depth: number): [YNode, number] {
    if (depth > this.maxDepth) throw GIVE_UP;
    const c = this.text.charCodeAt(pos);
    if (c === DASH && this.isSeparator(pos + 1)) return this.blockSequence(pos, column, depth);
    const keyEnd = this.mappingKeyEnd(pos);
    if (keyEnd !== undefined) return this.blockMapping(pos, column, depth);
    const [node, end] = this.inlineValue(pos, depth, column - 1);
    return [node, node.kind === 'scalar' && this.isBlockScalarStart(pos) ? end : this.endOfLine(end)];
  }

  private isSeparator(pos: number): boolean {
    if (pos >= this.length) return true;
    const c = this.text.charCodeAt(pos);
    return c === SPACE || c === NEWLINE || c === CR;
  }

  /**
   * If a mapping key starts at `pos` on this line (`key:` followed by a space
   * or the line end), returns the offset of its colon.
   */
  private mappingKeyEnd(pos: number): number | undefined {
    const c = this.text.charCodeAt(pos);
    let i: number;
    if (c === DQUOTE || c === SQUOTE) {
      i = this.quotedEnd(pos);
      i = this.skipSpaces(i);
      return this.text.charCodeAt(i) === COLON && this.isSeparator(i + 1) ? i : undefined;
    }
    if (c === LBRACKET || c === LBRACE) return undefined;
    for (i = pos; i < this.length; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === NEWLINE || ch === CR) return undefined;
      if (ch === COLON && this.isSeparator(i + 1)) return i;
      if (ch === HASH && this.text.charCodeAt(i - 1) === SPACE) return undefined;
    }
    return undefined;
  }

  private blockMapping(start: number, column: number, depth: number): [YMap, number] {
    const pairs: YPair[] = [];
    const seen = new Map<string, YScalar>();
    let pos = start;
    let end = start;
    for (;;) {
      const colon = this.mappingKeyEnd(pos);
      if (colon === undefined) throw GIVE_UP;
      const key = this.keyScalar(pos, colon);
      let value: YNode;
      let next: number;
      const after = this.skipSpaces(colon + 1);
      if (this.isLineEnd(after)) {
        // The value is on following lines: more indented, or a sequence at the same column, or empty.
        const lineAfter = this.nextLine(after);
        const content = this.skipBlankLines(lineAfter);
        const contentColumn = content < this.length ? this.column(content) : -1;
        if (content < this.length && (contentColumn > column || (contentColumn === column && this.text.charCodeAt(content) === DASH && this.isSeparator(content + 1)))) {
          [value, next] = this.blockNode(content, contentColumn, depth + 1);
        } else {
          value = { kind: 'scalar', start: after, end: after, value: null };
          next = lineAfter;
        }
      } else {
        const c = this.text.charCodeAt(after);
        if (c === DASH && this.isSeparator(after + 1)) throw GIVE_UP; // `key: - x` is invalid
        if (this.mappingKeyEnd(after) !== undefined && c !== DQUOTE && c !== SQUOTE) throw GIVE_UP; // `a: b: c`
        const [node, valueEnd] = this.inlineValue(after, depth + 1, column);
        value = node;
        next = this.isBlockScalarStart(after) ? valueEnd : this.endOfLine(valueEnd);
        // A more indented line after a plain scalar would continue it (multi-line scalar): not handled here.
        const following = this.skipBlankLines(next);
        if (following < this.length && this.column(following) > column) throw GIVE_UP;
      }
      this.addPair(pairs, seen, key, value);
      end = next;
      const content = this.skipBlankLines(next);
      if (content >= this.length) break;
      const contentColumn = this.column(content);
      if (contentColumn < column) break;
      if (contentColumn > column) throw GIVE_UP;
      if (this.text.charCodeAt(content) === DASH && this.isSeparator(content + 1)) break; // a sequence value at the parent's column ends here
      pos = content;
    }
    return [{ kind: 'map', start, end, pairs }, end];
  }

  private blockSequence(start: number, column: number, depth: number): [YSeq, number] {
    const items: YNode[] = [];
    let pos = start;
    let end = start;
    for (;;) {
      const after = this.skipSpaces(pos + 1);
      let item: YNode;
      let next: number;
      if (this.isLineEnd(after)) {
        const lineAfter = this.nextLine(after);
        const content = this.skipBlankLines(lineAfter);
        if (content < this.length && this.column(content) > column) {
          [item, next] = this.blockNode(content, this.column(content), depth + 1);
        } else {
          item = { kind: 'scalar', start: after, end: after, value: null };
          next = lineAfter;
        }
      } else {
        const c = this.text.charCodeAt(after);
        if (c === DASH && this.isSeparator(after + 1)) throw GIVE_UP; // `- - x`
        if (this.mappingKeyEnd(after) !== undefined) {
          [item, next] = this.blockMapping(after, this.column(after), depth + 1);
        } else {
          const [node, valueEnd] = this.inlineValue(after, depth + 1, column);
          item = node;
          next = this.isBlockScalarStart(after) ? valueEnd : this.endOfLine(valueEnd);
          const following = this.skipBlankLines(next);
          if (following < this.length && this.column(following) > column) throw GIVE_UP;
        }
      }
      items.push(item);
      end = next;
      const content = this.skipBlankLines(next);
      if (content >= this.length) break;
      const contentColumn = this.column(content);
      if (contentColumn < column) break;
      if (contentColumn > column) throw GIVE_UP;
      if (!(this.text.charCodeAt(content) === DASH && this.isSeparator(content + 1))) break;
      pos = content;
    }
    return [{ kind: 'seq', start, end, items }, end];
  }

  private addPair(pairs: YPair[], seen: Map<string, YScalar>, key: YScalar, value: YNode): void {
    const name = key.value === null ? 'null' : String(key.value);
    const first = seen.get(name);
    if (first !== undefined) {
      this.problems.push({
        span: { file: this.file, start: key.start, end: key.end },
        first: { file: this.file, start: first.start, end: first.end },
        message: `duplicate key \`${name}\`: the first definition would be silently overwritten; remove or rename one of them`,
      });
      return;
    }
    seen.set(name, key);
    pairs.push({ key, name, value });
  }

  /** The key scalar between `pos` and its colon. */
  private keyScalar(pos: number, colon: number): YScalar {
    const c = this.text.charCodeAt(pos);
    if (c === DQUOTE || c === SQUOTE) {
      const [node] = this.quoted(pos);
      return node;
    }
    let end = colon;
    while (end > pos && this.text.charCodeAt(end - 1) === SPACE) end--;
    return this.plainScalar(pos, end);
  }

  private isBlockScalarStart(pos: number): boolean {
    const c = this.text.charCodeAt(pos);
    return c === 124 /* | */ || c === 62 /* > */;
  }

  /**
   * A literal (`|`, `|-`) or folded (`>`, `>-`) block scalar whose header is at
   * `pos`, inside a collection at `parentColumn`. Keep-chomping (`+`), explicit
   * indentation, CRLF and more-indented folded lines are left to the full parser.
   */
  private blockScalar(pos: number, parentColumn: number): [YScalar, number] {
    const folded = this.text.charCodeAt(pos) === 62;
    let i = pos + 1;
    let strip = false;
    const chomp = this.text.charCodeAt(i);
    if (chomp === DASH) {
      strip = true;
      i++;
    } else if (chomp === 43 /* + */) throw GIVE_UP;
    const c = this.text.charCodeAt(i);
    if (c >= 48 && c <= 57) throw GIVE_UP;
    const headerEnd = this.skipSpaces(i);
    if (!this.isLineEnd(headerEnd)) throw GIVE_UP;
    if (this.text.charCodeAt(headerEnd) === CR) throw GIVE_UP;
    let lineStart = this.nextLine(headerEnd);
    let end = lineStart;
    let indent = -1;
    const lines: string[] = [];
    while (lineStart < this.length) {
      let n = lineStart;
      while (n < this.length && this.text.charCodeAt(n) === SPACE) n++;
      const eol = this.text.indexOf('\n', lineStart);
      const lineEnd = eol < 0 ? this.length : eol;
      if (this.text.charCodeAt(lineEnd - 1) === CR) throw GIVE_UP;
      const spaces = n - lineStart;
      if (n >= lineEnd) {
        // An empty line: part of the scalar only if content follows it. Whitespace-only lines are left to the full parser.
        if (spaces > 0) throw GIVE_UP;
        lines.push('');
        lineStart = lineEnd + 1;
        continue;
      }
      if (indent < 0) {
        if (spaces <= parentColumn) break;
        indent = spaces;
      }
      if (spaces < indent) {
        if (spaces > parentColumn) throw GIVE_UP; // less indented than the content but inside the parent
        break;
      }
      if (spaces > indent && folded) throw GIVE_UP;
      lines.push(this.text.slice(lineStart + indent, lineEnd));
      lineStart = lineEnd + 1;
      end = Math.min(lineStart, this.length);
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) throw GIVE_UP; // an empty block scalar: the full parser decides its range
    let value: string;
    if (!folded) value = lines.join('\n');
    else {
      value = '';
      let pendingBreaks = 0;
      let started = false;
      for (const line of lines) {
        if (line === '') {
          pendingBreaks++;
          continue;
        }
        if (!started) value += '\n'.repeat(pendingBreaks);
        else value += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
        value += line;
        started = true;
        pendingBreaks = 0;
      }
    }
    if (!strip && lines.length > 0) value += '\n';
    return [{ kind: 'scalar', start: pos, end, value }, end];
  }

  /** A value that fits on the current line (or a flow collection, which may span lines, or a block scalar). */
  private inlineValue(pos: number, depth: number, parentColumn: number): [YNode, number] {
    const c = this.text.charCodeAt(pos);
    if (this.isBlockScalarStart(pos)) return this.blockScalar(pos, parentColumn);
    if (c === LBRACKET || c === LBRACE) {
      this.flowParentColumn = parentColumn;
      return c === LBRACKET ? this.flowSequence(pos, depth) : this.flowMapping(pos, depth);
    }
    if (c === DQUOTE || c === SQUOTE) return this.quoted(pos);
    let end = pos;
    for (; end < this.length; end++) {
      const ch = this.text.charCodeAt(end);
      if (ch === NEWLINE || ch === CR) break;
      if (ch === HASH && this.text.charCodeAt(end - 1) === SPACE) break;
      if (ch === COLON && this.isSeparator(end + 1)) throw GIVE_UP;
    }
    while (end > pos && this.text.charCodeAt(end - 1) === SPACE) end--;
    return [this.plainScalar(pos, end), end];
  }

  // --- flow context --------------------------------------------------------------

  /** Column that flow content continued on a new line must be indented past (the enclosing block collection's). */
  private flowParentColumn = -1;

  /** skipBlankLines inside a flow collection: a continuation line must be indented past the enclosing block. */
  private flowSkip(pos: number): number {
    const next = this.skipBlankLines(pos);
    if (next < this.length && this.text.lastIndexOf('\n', next - 1) >= pos) {
      const column = this.column(next);
      const c = this.text.charCodeAt(next);
      if (column <= this.flowParentColumn && !((c === RBRACKET || c === RBRACE) && column === this.flowParentColumn)) throw GIVE_UP;
    }
    return next;
  }

  private flowSequence(start: number, depth: number): [YSeq, number] {
    if (depth > this.maxDepth) throw GIVE_UP;
    const items: YNode[] = [];
    let pos = this.flowSkip(start + 1);
    if (this.text.charCodeAt(pos) === RBRACKET) return [{ kind: 'seq', start, end: pos + 1, items }, pos + 1];
    for (;;) {
      const [item, end] = this.flowNode(pos, depth + 1);
      items.push(item);
      pos = this.flowSkip(end);
      const c = this.text.charCodeAt(pos);
      if (c === COMMA) {
        pos = this.flowSkip(pos + 1);
        if (this.text.charCodeAt(pos) === RBRACKET) return [{ kind: 'seq', start, end: pos + 1, items }, pos + 1];
        continue;
      }
      if (c === RBRACKET) return [{ kind: 'seq', start, end: pos + 1, items }, pos + 1];
      throw GIVE_UP;
    }
  }

  private flowMapping(start: number, depth: number): [YMap, number] {
    if (depth > this.maxDepth) throw GIVE_UP;
    const pairs: YPair[] = [];
    const seen = new Map<string, YScalar>();
    let pos = this.flowSkip(start + 1);
    if (this.text.charCodeAt(pos) === RBRACE) return [{ kind: 'map', start, end: pos + 1, pairs }, pos + 1];
    for (;;) {
      const [key, keyEnd] = this.flowScalar(pos);
      let colon = this.skipSpaces(keyEnd);
      if (this.text.charCodeAt(colon) !== COLON) throw GIVE_UP;
      const afterColon = colon + 1;
      let valuePos = this.flowSkip(afterColon);
      let value: YNode;
      let end: number;
      const c = this.text.charCodeAt(valuePos);
      if (c === COMMA || c === RBRACE) {
        throw GIVE_UP; // `{ a: }`: an empty flow value is left to the full parser
      } else {
        if (!this.isSeparator(afterColon) && key.kind === 'scalar' && !this.quotedAt(pos)) throw GIVE_UP; // `a:b` is one plain scalar in YAML
        [value, end] = this.flowNode(valuePos, depth + 1);
      }
      this.addPair(pairs, seen, key, value);
      pos = this.flowSkip(end);
      const d = this.text.charCodeAt(pos);
      if (d === COMMA) {
        pos = this.flowSkip(pos + 1);
        if (this.text.charCodeAt(pos) === RBRACE) return [{ kind: 'map', start, end: pos + 1, pairs }, pos + 1];
        continue;
      }
      if (d === RBRACE) return [{ kind: 'map', start, end: pos + 1, pairs }, pos + 1];
      colon = d;
      throw GIVE_UP;
    }
  }

  private quotedAt(pos: number): boolean {
    const c = this.text.charCodeAt(pos);
    return c === DQUOTE || c === SQUOTE;
  }

  private flowNode(pos: number, depth: number): [YNode, number] {
    const c = this.text.charCodeAt(pos);
    if (c === LBRACKET) return this.flowSequence(pos, depth);
    if (c === LBRACE) return this.flowMapping(pos, depth);
    const [node, end] = this.flowScalar(pos);
    // `[a: b]` (a single-pair mapping inside a sequence) is not handled here.
    const after = this.skipSpaces(end);
    if (this.text.charCodeAt(after) === COLON) throw GIVE_UP;
    return [node, end];
  }

  private flowScalar(pos: number): [YScalar, number] {
    const c = this.text.charCodeAt(pos);
    if (c === DQUOTE || c === SQUOTE) return this.quoted(pos);
    let end = pos;
    for (; end < this.length; end++) {
      const ch = this.text.charCodeAt(end);
      if (ch === NEWLINE || ch === CR || ch === COMMA || ch === LBRACKET || ch === RBRACKET || ch === LBRACE || ch === RBRACE) break;
      if (ch === HASH && this.text.charCodeAt(end - 1) === SPACE) break;
      if (ch === COLON) {
        const n = this.text.charCodeAt(end + 1);
        if (end + 1 >= this.length || n === SPACE || n === NEWLINE || n === CR || n === COMMA || n === RBRACKET || n === RBRACE || n === LBRACKET || n === LBRACE) break;
      }
    }
    let trimmed = end;
    while (trimmed > pos && this.text.charCodeAt(trimmed - 1) === SPACE) trimmed--;
    if (trimmed === pos) throw GIVE_UP; // an empty entry: let the full parser decide
    // A plain scalar continued on the next line (multi-line) is not handled here.
    const ch = this.text.charCodeAt(end);
    if (ch === NEWLINE || ch === CR) {
      const next = this.skipBlankLines(end);
      const n = this.text.charCodeAt(next);
      if (next < this.length && n !== COMMA && n !== RBRACKET && n !== RBRACE) throw GIVE_UP;
    }
    return [this.plainScalar(pos, trimmed), trimmed];
  }

  // --- scalars -------------------------------------------------------------------

  private quotedEnd(pos: number): number {
    const quote = this.text.charCodeAt(pos);
    for (let i = pos + 1; i < this.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === NEWLINE || c === CR) throw GIVE_UP; // multi-line quoted scalars fold lines
      if (quote === DQUOTE && c === BACKSLASH) throw GIVE_UP; // escapes: the full parser decodes them
      if (c === quote) {
        if (quote === SQUOTE && this.text.charCodeAt(i + 1) === SQUOTE) {
          i++;
          continue;
        }
        return i + 1;
      }
    }
    throw GIVE_UP;
  }

  private quoted(pos: number): [YScalar, number] {
    const end = this.quotedEnd(pos);
    let value = this.text.slice(pos + 1, end - 1);
    if (this.text.charCodeAt(pos) === SQUOTE) value = value.replace(/''/g, "'");
    return [{ kind: 'scalar', start: pos, end, value }, end];
  }

  private plainScalar(start: number, end: number): YScalar {
    if (end <= start) throw GIVE_UP;
    const first = this.text.charCodeAt(start);
    // Indicators that start something other than a plain scalar.
    if (first === 38 /* & */ || first === 42 /* * */ || first === 33 /* ! */ || first === 124 /* | */ || first === 62 /* > */ || first === 37 /* % */ || first === 64 /* @ */ || first === 96 /* ` */ || first === HASH || first === COMMA || first === RBRACKET || first === RBRACE || first === LBRACKET || first === LBRACE || first === DQUOTE || first === SQUOTE) {
      throw GIVE_UP;
    }
    if (first === 63 /* ? */ || first === COLON) throw GIVE_UP;
    if (first === DASH && (this.isSeparator(start + 1) || end === start + 1)) throw GIVE_UP;
    const source = this.text.slice(start, end);
    return { kind: 'scalar', start, end, value: resolvePlain(source) };
  }
}

const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;

/** YAML 1.2 core-schema resolution of a plain scalar, as the `yaml` package does it. */
export function resolvePlain(source: string): string | number | boolean | null {
  const c = source.charCodeAt(0);
  // Fast exit for the common case: an id or a word.
  if ((c >= 97 && c <= 122 && c !== 110 && c !== 116 && c !== 102) || (c >= 65 && c <= 90 && c !== 78 && c !== 84 && c !== 70)) return source;
  switch (source) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return Number.NaN;
  }
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(source)) return source.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (INT.test(source)) {
    const n = Number(source);
    if (!Number.isSafeInteger(n)) throw GIVE_UP; // the full parser decides big integers
    return n;
  }
  if (OCT.test(source)) return parseInt(source.slice(2), 8);
  if (HEX.test(source)) return parseInt(source.slice(2), 16);
  if (FLOAT.test(source) || EXP.test(source)) return parseFloat(source);
  return source;
}

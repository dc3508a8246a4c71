/** One policy file as read from disk or from git, before parsing. */
export interface SourceFile {
  /** Path shown to users: POSIX separators, relative to the working directory when possible (`policies/roles.yaml`). */
  readonly path: string;
  /** The file's text (UTF-8 decoded). */
  readonly text: string;
}

/** A half-open range of offsets into one source file. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

/** A resolved position: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A span resolved to file, start and end positions, ready to print. */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

const lineStartCache = new WeakMap<SourceFile, Uint32Array>();

/** Offsets at which each line of `file` starts (computed once per file). */
export function lineStarts(file: SourceFile): Uint32Array {
  let starts = lineStartCache.get(file);
  if (starts) return starts;
  const text = file.text;
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  starts = new Uint32Array(count);
  let line = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts[line++] = i + 1;
  lineStartCache.set(file, starts);
  return starts;
}

/** The 1-based line and column of `offset` in `file`. */
export function positionAt(file: SourceFile, offset: number): Position {
  const starts = lineStarts(file);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

/** Resolves a span to a printable location. */
export function locate(span: Span): Location {
  const start = positionAt(span.file, span.start);
  const end = positionAt(span.file, Math.max(span.start, span.end));
  return { file: span.file.path, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/** The text of line `line` (1-based) of `file`, without its line break. */
export function lineText(file: SourceFile, line: number): string {
  const starts = lineStarts(file);
  const start = starts[line - 1];
  if (start === undefined) return '';
  const next = starts[line];
  let text = file.text.slice(start, next === undefined ? file.text.length : next - 1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  return text;
}

/** A short `file:line` label for a span, as printed in explanations. */
export function shortLocation(span: Span): string {
  const pos = positionAt(span.file, span.start);
  return `${span.file.path}:${pos.line}`;
}

import type { Diagnostic, NotEvaluated, Summary } from '../model/diagnostic.js';
import { lineText, type SourceFile } from '../model/source.js';
import { palette, type Palette } from './color.js';
import { escapeControl } from '../util/text.js';

/** Options of the stylish formatter. */
export interface StylishOptions {
  readonly color: boolean;
  /** Files by path, for code frames. */
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Show suppressed findings too (dimmed). */
  readonly showSuppressed?: boolean;
}

/**
 * ESLint-style output: findings grouped by file, each with `line:column`,
 * severity, message and rule id, a code frame of the YAML line, related
 * locations, and a summary line.
 */
export function formatStylish(diagnostics: readonly Diagnostic[], summary: Summary, notEvaluated: readonly NotEvaluated[], options: StylishOptions): string {
  const c = palette(options.color);
  const out: string[] = [];
  let currentFile: string | undefined;
  for (const d of diagnostics) {
    if (d.suppressed && !options.showSuppressed) continue;
    if (d.file !== currentFile) {
      if (currentFile !== undefined) out.push('');
      out.push(c.underline(d.file));
      currentFile = d.file;
    }
    const severity = d.severity === 'error' ? c.red('error  ') : d.severity === 'warning' ? c.yellow('warning') : c.blue('info   ');
    const position = c.dim(`${d.line}:${d.column}`.padEnd(7));
    const suppressed = d.suppressed ? c.dim(' (suppressed)') : '';
    out.push(`  ${position} ${severity}  ${d.message}  ${c.dim(d.rule)}${suppressed}`);
    const file = options.files.get(d.file);
    if (file && file.text !== '') out.push(...codeFrame(file, d, c));
    for (const r of d.related) out.push(`          ${c.dim(`${r.file}:${r.line}:${r.column}`)} ${r.message}`);
  }
  if (out.length > 0) out.push('');
  const problems = summary.errors + summary.warnings + summary.infos;
  const counts = `${problems} problem${problems === 1 ? '' : 's'} (${summary.errors} error${summary.errors === 1 ? '' : 's'}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}, ${summary.infos} info${summary.infos === 1 ? '' : 's'})`;
  const suppressed = summary.suppressed > 0 ? c.dim(`, ${summary.suppressed} suppressed by exceptions`) : '';
  if (summary.errors > 0) out.push(c.red(c.bold(`✖ ${counts}`)) + suppressed);
  else if (summary.warnings > 0) out.push(c.yellow(c.bold(`⚠ ${counts}`)) + suppressed);
  else out.push(c.green(`✔ ${counts}`) + suppressed);
  if (notEvaluated.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const n of notEvaluated) byReason.set(n.reason, [...(byReason.get(n.reason) ?? []), n.rule]);
    for (const [reason, rules] of byReason) out.push(c.yellow(`! ${rules.length} rule${rules.length === 1 ? '' : 's'} ${reason}: ${rules.join(', ')}`));
  }
  return out.join('\n') + '\n';
}

function codeFrame(file: SourceFile, d: Diagnostic, c: Palette): string[] {
  const text = escapeControl(lineText(file, d.line).replace(/\t/g, ' '));
  if (text.trim() === '') return [];
  const gutter = String(d.line);
  let start = d.column - 1;
  let end = d.endLine === d.line ? Math.max(d.endColumn - 1, start + 1) : text.length;
  let shown = text;
  // Keep long lines readable: a window around the column.
  if (shown.length > 120) {
    const from = Math.max(0, start - 40);
    shown = (from > 0 ? '…' : '') + shown.slice(from, from + 110) + (from + 110 < text.length ? '…' : '');
    const shift = from - (from > 0 ? 1 : 0);
    start -= shift;
    end = Math.min(end - shift, shown.length);
  }
  end = Math.min(Math.max(end, start + 1), Math.max(shown.length, start + 1));
  const pad = ' '.repeat(gutter.length);
  return [`    ${c.dim(`${gutter} |`)} ${shown}`, `    ${c.dim(`${pad} |`)} ${' '.repeat(Math.max(0, start))}${c.red('^'.repeat(Math.max(1, end - start)))}`];
}

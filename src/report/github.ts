import { compareDiagnostics, type Diagnostic, type NotEvaluated, type Summary } from '../model/diagnostic.js';
import type { ReportInput } from './types.js';

/**
 * `check --format github`: one GitHub Actions workflow command per
 * unsuppressed finding (`::error`, `::warning`, `::notice`), which GitHub shows
 * as an annotation on the YAML line, then the rules that were not evaluated and
 * a plain summary line.
 */
export function formatGithub(input: ReportInput): string {
  const out: string[] = [];
  for (const d of [...input.diagnostics].sort(compareDiagnostics)) {
    if (!d.suppressed) out.push(workflowCommand(d));
  }
  out.push(...notEvaluatedLines(input.notEvaluated));
  out.push(summaryLine(input.summary));
  return out.join('\n') + '\n';
}

/** The workflow command of one finding: `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=RULE::message`. */
export function workflowCommand(d: Diagnostic): string {
  const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const line = Math.max(1, d.line);
  const endLine = Math.max(line, d.endLine);
  const properties: [string, string | number][] = [
    ['file', d.file],
    ['line', line],
  ];
  // GitHub accepts columns only on a one-line annotation.
  if (endLine === line) properties.push(['col', Math.max(1, d.column)], ['endLine', endLine], ['endColumn', Math.max(d.column, d.endColumn, 1)]);
  else properties.push(['endLine', endLine]);
  properties.push(['title', d.rule]);
  const related = d.related.map((r) => `\n${r.file}:${r.line}:${r.column}: ${r.message}`).join('');
  const props = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${command} ${props}::${escapeData(d.message + related)}`;
}

/** Escapes the message of a workflow command: `%`, CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value of a workflow command: as the message, plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function notEvaluatedLines(notEvaluated: readonly NotEvaluated[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const n of notEvaluated) byReason.set(n.reason, [...(byReason.get(n.reason) ?? []), n.rule]);
  // Plain lines start with `rolecall:` and hold no line break, so none reads as a command.
  return [...byReason].map(([reason, rules]) => `rolecall: ${rules.length} rule${rules.length === 1 ? '' : 's'} ${reason}: ${rules.join(', ')}`.replace(/[\r\n]+/g, ' '));
}

function summaryLine(summary: Summary): string {
  const problems = summary.errors + summary.warnings + summary.infos;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed by exceptions` : '';
  return `rolecall: ${plural(problems, 'problem')} (${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.infos, 'info')})${suppressed}`;
}

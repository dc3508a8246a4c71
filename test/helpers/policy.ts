import { checkPolicy, type CheckResult } from '../../src/compile.js';
import type { Rule } from '../../src/rules/types.js';
import type { SourceFile } from '../../src/model/source.js';
import { parseUsage } from '../../src/usage/usage.js';

/** The as-of date every test uses unless it says otherwise. */
export const testAsOf = '2026-11-22';

/** Strips the common indentation of a template literal, so inline YAML can be indented with the test. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/**
 * Checks an in-memory policy: `files` maps paths (as shown in findings) to YAML
 * text; a single string is one file called `policy.yaml`. `usage` is the text
 * of a usage CSV (read as `usage.csv`).
 */
export function checkYaml(files: string | Record<string, string>, options: { asOf?: string; rules?: readonly Rule[]; usage?: string } = {}): CheckResult {
  const map = typeof files === 'string' ? { 'policy.yaml': files } : files;
  const sources: SourceFile[] = Object.keys(map)
    .sort()
    .map((path) => ({ path, text: map[path]! }));
  return checkPolicy(
    { files: sources, problems: [] },
    { asOf: options.asOf ?? testAsOf, ...(options.rules ? { rules: options.rules } : {}), ...(options.usage !== undefined ? { usage: parseUsage(options.usage, 'usage.csv') } : {}) },
  );
}

/** A compact view of a finding for assertions: `rule file:line:column subject`. */
export interface FindingView {
  rule: string;
  severity: string;
  at: string;
  subject: string;
  message: string;
  suppressed: boolean;
}

/** Findings of a result (optionally of one rule) as compact views. */
export function findings(result: CheckResult, rule?: string): FindingView[] {
  return result.diagnostics
    .filter((d) => rule === undefined || d.rule === rule)
    .map((d) => ({ rule: d.rule, severity: d.severity, at: `${d.file}:${d.line}:${d.column}`, subject: `${d.subject.kind}:${d.subject.id}`, message: d.message, suppressed: d.suppressed }));
}

/** `file:line:column` of each finding of `rule`. */
export function positions(result: CheckResult, rule: string): string[] {
  return findings(result, rule).map((f) => f.at);
}

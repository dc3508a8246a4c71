import { compareDiagnostics, compareStrings, type Diagnostic, type NotEvaluated } from '../model/diagnostic.js';
import type { ReportInput } from './types.js';

/**
 * `check --format junit`: JUnit XML for CI test dashboards. One test suite,
 * one test case per registered rule, so a rule without findings shows as a
 * passed test. Each unsuppressed error or warning is a `<failure>` of its
 * rule's test case; infos and suppressed findings go to `<system-out>`. A rule
 * that was not evaluated and found nothing is skipped, not passed.
 * `failures` counts failed test cases (a test case may hold several failures).
 */
export function formatJunit(input: ReportInput): string {
  const byRule = new Map<string, Diagnostic[]>();
  for (const rule of input.rules) byRule.set(rule.id, []);
  for (const d of [...input.diagnostics].sort(compareDiagnostics)) {
    const list = byRule.get(d.rule);
    if (list) list.push(d);
    else byRule.set(d.rule, [d]);
  }
  const notEvaluated = new Map<string, NotEvaluated>();
  for (const n of input.notEvaluated) if (!notEvaluated.has(n.rule)) notEvaluated.set(n.rule, n);

  let failures = 0;
  let skipped = 0;
  const cases: string[] = [];
  for (const rule of [...byRule.keys()].sort(compareStrings)) {
    const diagnostics = byRule.get(rule) ?? [];
    const failing = diagnostics.filter((d) => !d.suppressed && d.severity !== 'info');
    const output = diagnostics.filter((d) => d.suppressed || d.severity === 'info').map(outputLine);
    const skip = notEvaluated.get(rule);
    const body: string[] = [];
    if (failing.length > 0) {
      failures++;
      for (const d of failing) body.push(`      <failure type="${attr(d.severity)}" message="${attr(d.message)}">${text(findingText(d))}</failure>`);
      if (skip) output.push(`rule ${rule} was ${skip.reason}`);
    } else if (skip) {
      skipped++;
      body.push(`      <skipped message="${attr(`${rule} was ${skip.reason}`)}"/>`);
    }
    if (output.length > 0) body.push(`      <system-out>${text(output.join('\n'))}</system-out>`);
    const open = `    <testcase classname="rolecall" name="${attr(rule)}"`;
    cases.push(body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`);
  }
  const counts = `tests="${byRule.size}" failures="${failures}" errors="0" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rolecall" ${counts}>`,
    `  <testsuite name="rolecall" ${counts}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function findingText(d: Diagnostic): string {
  return [`${d.file}:${d.line}:${d.column} ${d.message}`, ...d.related.map((r) => `  ${r.file}:${r.line}:${r.column} ${r.message}`)].join('\n');
}

function outputLine(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  return d.suppressed ? `suppressed ${d.severity}: ${where} ${d.message} (${d.suppressedBy ?? 'accepted by an exception'})` : `info: ${where} ${d.message}`;
}

/** Removes what XML 1.0 cannot hold at all: control characters, lone surrogates, U+FFFE and U+FFFF. */
export function stripInvalidXml(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/** Escapes character data; a carriage return as a character reference, since parsers turn a raw one into a line feed. */
function text(value: string): string {
  return stripInvalidXml(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\r/g, '&#13;');
}

/** Escapes an attribute value; line breaks and tabs as character references, so parsers keep them. */
function attr(value: string): string {
  return text(value).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

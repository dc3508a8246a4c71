import { compareDiagnostics, subjectKey, type Diagnostic, type Finding, type NotEvaluated, type Severity } from '../model/diagnostic.js';
import type { ExceptionDef } from '../model/policy.js';
import { locate, positionAt, shortLocation } from '../model/source.js';
import type { Rule, RuleContext } from '../rules/types.js';
import { escapeControl } from '../util/text.js';

/**
 * Runs rules and turns their findings into diagnostics: attaches rule id,
 * severity (default, policy data, then `settings.rules`), position and
 * exception status. Exception-stage rules run last, with the match counts.
 */
export function runRules(rules: readonly Rule[], context: RuleContext): Diagnostic[] {
  const levels = context.settings.rules;
  const active = context.settings.exceptions.filter((e) => e.expires >= context.asOf);
  const matches = new Map<ExceptionDef, number>(context.settings.exceptions.map((e) => [e, 0]));
  const diagnostics: Diagnostic[] = [];
  const report = (rule: Rule, finding: Finding): void => {
    const configured = levels.get(rule.meta.id);
    if (configured === 'off') return;
    const severity: Severity = configured ?? finding.severity ?? rule.meta.severity;
    const exception = rule.meta.stage === 'exceptions' ? undefined : active.find((e) => matchesException(e, rule.meta.id, finding));
    if (exception) matches.set(exception, (matches.get(exception) ?? 0) + 1);
    diagnostics.push(toDiagnostic(rule.meta.id, severity, finding, exception));
  };
  for (const rule of rules) {
    if (rule.meta.stage === 'exceptions' || levels.get(rule.meta.id) === 'off' || missingInput(rule, context)) continue;
    for (const finding of rule.check(context)) report(rule, finding);
  }
  const withMatches: RuleContext = { ...context, exceptionMatches: matches };
  for (const rule of rules) {
    if (rule.meta.stage !== 'exceptions' || levels.get(rule.meta.id) === 'off') continue;
    for (const finding of rule.check(withMatches)) report(rule, finding);
  }
  return diagnostics.sort(compareDiagnostics);
}

/** True when exception `e` accepts a finding of `rule`: same rule and subject, and the same target if it names one. */
export function matchesException(e: ExceptionDef, rule: string, finding: Finding): boolean {
  if (e.rule !== rule || e.subject !== subjectKey(finding.subject)) return false;
  if (e.target === undefined) return true;
  if (finding.target !== undefined && e.target === subjectKey(finding.target)) return true;
  return (finding.targets ?? []).some((t) => subjectKey(t) === e.target);
}

function toDiagnostic(rule: string, severity: Severity, finding: Finding, exception: ExceptionDef | undefined): Diagnostic {
  const location = locate(finding.span);
  return {
    rule,
    severity,
    message: escapeControl(finding.message),
    ...location,
    subject: finding.subject,
    ...(finding.target ? { target: finding.target } : {}),
    related: (finding.related ?? []).map((r) => {
      const pos = positionAt(r.span.file, r.span.start);
      return { file: r.span.file.path, line: pos.line, column: pos.column, message: escapeControl(r.message) };
    }),
    suppressed: exception !== undefined,
    ...(exception ? { suppressedBy: `exception at ${shortLocation(exception.span)} (${exception.reason}; approved by ${exception.approvedBy.id} until ${exception.expires})` } : {}),
  };
}

/** True when a rule needs input the run does not have (usage data without `--usage`). */
function missingInput(rule: Rule, context: RuleContext): boolean {
  return rule.meta.needs === 'usage' && context.usage === undefined;
}

/**
 * Which rules could not run on all of the policy: every rule past the stage
 * that failed, naming the parts it skipped, and the rules whose input is
 * missing (usage data). Never a silent pass.
 */
export function notEvaluated(rules: readonly Rule[], context: RuleContext): NotEvaluated[] {
  const levels = context.settings.rules;
  const withoutInput = rules
    .filter((rule) => missingInput(rule, context) && levels.get(rule.meta.id) !== 'off')
    .map((rule) => ({ rule: rule.meta.id, reason: 'not evaluated without usage data (pass `--usage FILE`)' }));
  return [...partsNotEvaluated(rules, context), ...withoutInput];
}

function partsNotEvaluated(rules: readonly Rule[], context: RuleContext): NotEvaluated[] {
  const parts: string[] = [];
  for (const parsed of context.files) {
    if (parsed.root === undefined && parsed.file.text.trim() !== '') parts.push(`\`${parsed.file.path}\` (could not be parsed)`);
    else if (parsed.partial) parts.push(`\`${parsed.file.path}\` (YAML errors: only what could be parsed was checked)`);
  }
  for (const problem of context.loadProblems) parts.push(`\`${problem.file.path}\` (not read)`);
  for (const q of context.model.quarantined) {
    const what = q.kind === 'section' ? `section \`${q.id}\`` : q.kind === 'separationOfDuties' || q.kind === 'assertion' ? `${q.kind}[${q.id}]` : `${q.kind} \`${q.id}\``;
    parts.push(`${what} at ${shortLocation(q.span)} (schema errors)`);
  }
  if (parts.length === 0) return [];
  const shown = parts.length > 5 ? `${parts.slice(0, 5).join(', ')} and ${parts.length - 5} more` : parts.join(', ');
  const levels = context.settings.rules;
  return rules
    .filter((rule) => rule.meta.stage !== 'syntax' && rule.meta.stage !== 'schema' && levels.get(rule.meta.id) !== 'off' && !missingInput(rule, context))
    .map((rule) => ({ rule: rule.meta.id, reason: `not evaluated on ${shown}` }));
}

import type { Finding, Severity } from '../model/diagnostic.js';
import type { ParsedFile } from '../model/ast.js';
import type { ExceptionDef, PolicyModel, Settings } from '../model/policy.js';
import type { LoadProblem } from '../stages/load.js';
import type { SyntaxProblem } from '../stages/parse.js';
import type { Resolution } from '../stages/resolve.js';
import type { SchemaProblem } from '../stages/validate.js';
import type { UsageData } from '../usage/usage.js';

/** Which part of the pipeline a rule needs: rules on effective access cannot run on broken parts. */
export type RuleStage = 'syntax' | 'schema' | 'model' | 'resolution' | 'exceptions';

/** What a rule is: its id, what it checks, its default severity. The id is also its file, docs page and test. */
export interface RuleMeta {
  readonly id: string;
  /** One line: what fires the rule. */
  readonly description: string;
  readonly severity: Severity;
  readonly stage: RuleStage;
  /** Input besides the policy the rule needs (`usage`: `--usage FILE`); without it the rule does not run and is listed as not evaluated. */
  readonly needs?: 'usage';
}

/** Everything a rule may read. Rules never read configuration for severity or positions. */
export interface RuleContext {
  readonly asOf: string;
  readonly files: readonly ParsedFile[];
  readonly loadProblems: readonly LoadProblem[];
  readonly syntaxProblems: readonly SyntaxProblem[];
  readonly schemaProblems: readonly SchemaProblem[];
  readonly model: PolicyModel;
  readonly settings: Settings;
  readonly resolution: Resolution;
  /** Usage data (`--usage FILE`), for the rules that need it. */
  readonly usage?: UsageData;
  /** For exception-stage rules: how many findings each exception matched. */
  readonly exceptionMatches?: ReadonlyMap<ExceptionDef, number>;
}

/** A rule: data plus a check that returns what it found. */
export interface Rule {
  readonly meta: RuleMeta;
  check(context: RuleContext): Iterable<Finding>;
}

/** Documentation URL of a rule. */
export function ruleDocsUrl(id: string): string {
  return `https://github.com/rolecall-dev/rolecall/blob/main/docs/rules/${id}.md`;
}

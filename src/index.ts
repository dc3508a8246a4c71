/**
 * rolecall's public API: the pipeline, its stages and the model types.
 * The CLI and the GitHub Action are built on exactly these.
 */
export { checkPolicy, type CheckResult, type PipelineOptions, type PipelineStage } from './compile.js';
export { loadPolicyDirectory, decodeText, InputError, type LoadedPolicy, type LoadLimits, type LoadProblem } from './stages/load.js';
export { parseFile, defaultParseLimits, type ParseLimits, type SyntaxProblem } from './stages/parse.js';
export { validateFile, policySchema, type SchemaProblem } from './stages/validate.js';
export { bind } from './stages/bind.js';
export { resolve, Resolution } from './stages/resolve.js';
export { shortestPermissionPath, allPermissionPaths, shortestRolePath, viaText, type Hop, type AccessPath } from './stages/paths.js';
export { rules, rulesById, ruleDocsUrl, type Rule, type RuleContext, type RuleMeta } from './rules/index.js';
export { formatStylish } from './report/stylish.js';
export { formatJson, diagnosticsDocument, type DiagnosticsDocument } from './report/json.js';
export type { Diagnostic, Finding, Severity, Subject, Summary, NotEvaluated } from './model/diagnostic.js';
export type * from './model/policy.js';
export type { SourceFile, Span, Location } from './model/source.js';
export { main } from './cli.js';
export { version } from './version.js';

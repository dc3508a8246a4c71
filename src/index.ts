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
export { computeCoverage, type CoverageReport, type CoverageCount, type Holding } from './coverage/coverage.js';
export { parseUsage, type UsageData, type UsageKind } from './usage/usage.js';
export { AccessView } from './review/access.js';
export { reviewCampaign, type Campaign, type Packet, type PacketRow } from './review/campaign.js';
export { parseDecisions, type DecisionRow, type Decision } from './review/decisions.js';
export { planDecisions, type ApplyPlan, type Refusal } from './review/apply.js';
export { applyYamlEdits, type YamlEdit } from './review/yaml-edit.js';
export { main } from './cli.js';
export { version } from './version.js';

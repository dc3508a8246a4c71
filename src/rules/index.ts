import { containmentCycle } from './containment-cycle.js';
import { duplicateDefinition } from './duplicate-definition.js';
import { groupCycle } from './group-cycle.js';
import { invalidScope } from './invalid-scope.js';
import { schemaRule } from './schema.js';
import type { Rule } from './types.js';
import { unknownReference } from './unknown-reference.js';
import { yamlSyntax } from './yaml-syntax.js';

/** Every rule, in the order SPEC §3 lists them. The one place rules are registered. */
export const rules: readonly Rule[] = [yamlSyntax, schemaRule, duplicateDefinition, unknownReference, containmentCycle, groupCycle, invalidScope];

/** Rules by id. */
export const rulesById: ReadonlyMap<string, Rule> = new Map(rules.map((rule) => [rule.meta.id, rule]));

export type { Rule, RuleContext, RuleMeta, RuleStage } from './types.js';
export { ruleDocsUrl } from './types.js';

import { containmentCycle } from '../rules/containment-cycle.js';
import { duplicateDefinition } from '../rules/duplicate-definition.js';
import { groupCycle } from '../rules/group-cycle.js';
import { invalidScope } from '../rules/invalid-scope.js';
import { schemaRule } from '../rules/schema.js';
import type { Rule } from '../rules/types.js';
import { unknownReference } from '../rules/unknown-reference.js';
import { yamlSyntax } from '../rules/yaml-syntax.js';

/**
 * The rules that say whether a policy can be read and means one thing. Review
 * packets are built, and decisions applied, only on a policy without errors
 * of these: a packet from a half-read policy would leave people out. The
 * other findings (a stale review, an expired assignment) are what a review is
 * for, so they do not stop it.
 */
export const structuralRules: readonly Rule[] = [yamlSyntax, schemaRule, duplicateDefinition, unknownReference, containmentCycle, groupCycle, invalidScope];

import { assertionFailed } from './assertion-failed.js';
import { audienceContainment } from './audience-containment.js';
import { audienceMismatch } from './audience-mismatch.js';
import { containmentCycle } from './containment-cycle.js';
import { coverageBelowThreshold } from './coverage-below-threshold.js';
import { deprecatedRole } from './deprecated-role.js';
import { dormantUser } from './dormant-user.js';
import { duplicateDefinition } from './duplicate-definition.js';
import { emptyGroup } from './empty-group.js';
import { expiredAssignment } from './expired-assignment.js';
import { expiredException } from './expired-exception.js';
import { externalWithoutSponsor } from './external-without-sponsor.js';
import { grantDenyConflict } from './grant-deny-conflict.js';
import { groupCycle } from './group-cycle.js';
import { highRiskExternal } from './high-risk-external.js';
import { inactiveUserAccess } from './inactive-user-access.js';
import { invalidScope } from './invalid-scope.js';
import { missingPrerequisite } from './missing-prerequisite.js';
import { privilegeEscalation } from './privilege-escalation.js';
import { privilegedHoldersExceeded } from './privileged-holders-exceeded.js';
import { redundantAssignment } from './redundant-assignment.js';
import { roleWithoutPermissions } from './role-without-permissions.js';
import { schemaRule } from './schema.js';
import { selfExcludingRole } from './self-excluding-role.js';
import { sodConflict } from './sod-conflict.js';
import { staleReview } from './stale-review.js';
import { standingPrivilege } from './standing-privilege.js';
import { temporaryWithoutExpiry } from './temporary-without-expiry.js';
import { tooManyRoles } from './too-many-roles.js';
import type { Rule } from './types.js';
import { undeclaredPrivilegedRole } from './undeclared-privileged-role.js';
import { unknownReference } from './unknown-reference.js';
import { unscopedGrant } from './unscoped-grant.js';
import { unusedAccess } from './unused-access.js';
import { unusedException } from './unused-exception.js';
import { unusedPermission } from './unused-permission.js';
import { unusedRole } from './unused-role.js';
import { userWithoutRole } from './user-without-role.js';
import { wildcardGrant } from './wildcard-grant.js';
import { yamlSyntax } from './yaml-syntax.js';

/** Every rule, in the order SPEC §3 lists them, then those of SPEC §12. The one place rules are registered. */
export const rules: readonly Rule[] = [
  // structure
  yamlSyntax,
  schemaRule,
  duplicateDefinition,
  unknownReference,
  containmentCycle,
  groupCycle,
  invalidScope,
  // conflicts
  sodConflict,
  selfExcludingRole,
  audienceMismatch,
  audienceContainment,
  missingPrerequisite,
  grantDenyConflict,
  // excessive access
  userWithoutRole,
  inactiveUserAccess,
  expiredAssignment,
  temporaryWithoutExpiry,
  privilegedHoldersExceeded,
  privilegeEscalation,
  highRiskExternal,
  unscopedGrant,
  wildcardGrant,
  staleReview,
  // hygiene and governance
  deprecatedRole,
  roleWithoutPermissions,
  redundantAssignment,
  unusedRole,
  unusedPermission,
  emptyGroup,
  expiredException,
  unusedException,
  assertionFailed,
  undeclaredPrivilegedRole,
  standingPrivilege,
  tooManyRoles,
  externalWithoutSponsor,
  // reviews, coverage and usage (SPEC §12)
  coverageBelowThreshold,
  unusedAccess,
  dormantUser,
];

/** Rules by id. */
export const rulesById: ReadonlyMap<string, Rule> = new Map(rules.map((rule) => [rule.meta.id, rule]));

export type { Rule, RuleContext, RuleMeta, RuleStage } from './types.js';
export { ruleDocsUrl } from './types.js';

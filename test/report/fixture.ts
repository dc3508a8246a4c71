import type { CheckResult } from '../../src/compile.js';
import type { ReportInput } from '../../src/report/types.js';
import { reportInput } from '../../src/report/input.js';
import { rulesById } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/types.js';
import { checkYaml, yaml } from '../helpers/policy.js';

/**
 * A small policy with one finding of each kind a formatter must handle: an
 * error, a warning (invalid-scope turned down), an info with a related
 * location (duplicate-definition turned down), a finding suppressed by an
 * exception, and a finding whose region spans several lines.
 */
export const mixedPolicy: Record<string, string> = {
  'policies/roles.yaml': yaml`
    permissions:
      case.read: { scopes: [own, account] }
      kb.read: {}
    roles:
      agent:
        grants: [case.read@all, kb.red]
        contains: [ghost]
      viewer:
        grants: [kb.read]
    `,
  'policies/more.yaml': yaml`
    roles:
      viewer:
        grants: [kb.read]
    `,
  'policies/settings.yaml': yaml`
    settings:
      rules: { invalid-scope: warning, duplicate-definition: info }
      exceptions:
        - rule: unknown-reference
          subject: role:agent
          target: role:ghost
          reason: being added in the next release
          approvedBy: alice
          expires: 2027-01-31
    users:
      alice: { type: internal, roles: [viewer] }
    `,
};

/**
 * The rules the fixtures run: their findings stay the same as more rules are
 * registered, while every report still lists all registered rules.
 */
export const fixtureRules: readonly Rule[] = ['yaml-syntax', 'schema', 'duplicate-definition', 'unknown-reference', 'containment-cycle', 'group-cycle', 'invalid-scope'].map((id) => {
  const rule = rulesById.get(id);
  if (!rule) throw new Error(`rule ${id} is not registered`);
  return rule;
});

/** Checks an in-memory policy with the fixture rules. */
export function checkFixture(files: string | Record<string, string>): CheckResult {
  return checkYaml(files, { rules: fixtureRules });
}

/** What `check` hands a formatter, for an in-memory policy. */
export function reportInputOf(result: CheckResult, toolVersion = '0.1.0'): ReportInput {
  return { ...reportInput(result, { color: false }), toolVersion };
}

/** The report input of `mixedPolicy`. */
export function mixedInput(): ReportInput {
  return reportInputOf(checkFixture(mixedPolicy));
}

/** A policy with a file that is not YAML: rules past the schema stage are not evaluated on it. */
export function brokenInput(): ReportInput {
  return reportInputOf(
    checkFixture({
      'policies/broken.yaml': 'roles: [unclosed\n',
      'policies/roles.yaml': yaml`
        permissions:
          kb.read: {}
        roles:
          viewer:
            grants: [kb.read]
        `,
    }),
  );
}

import { describe, expect, it } from 'vitest';
import { invalidScope } from '../../src/rules/invalid-scope.js';
import { checkYaml, positions, yaml } from '../helpers/policy.js';

const policy = (grant: string) => yaml`
  permissions:
    case.read: { scopes: [own, account, all] }
    kb.read: {}
  roles:
    r: { grants: [${grant}] }
`;

describe('invalid-scope', () => {
  it.each(['case.read@own', 'case.read@all', 'case.read', 'kb.read', '"case.*"'])('passes: %s', (grant) => {
    expect(checkYaml(policy(grant), { rules: [invalidScope] }).diagnostics).toEqual([]);
  });

  it('reports a scope the permission does not declare, suggesting the nearest', () => {
    const result = checkYaml(policy('case.read@acount'), { rules: [invalidScope] });
    expect(positions(result, 'invalid-scope')).toEqual(['policy.yaml:5:17']);
    expect(result.diagnostics[0]!.message).toContain('did you mean `account`?');
    expect(result.diagnostics[0]!.subject).toEqual({ kind: 'role', id: 'r' });
  });

  it('reports a scope on a permission without scopes', () => {
    const result = checkYaml(policy('kb.read@own'), { rules: [invalidScope] });
    expect(result.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('has no scopes: write `kb.read` without `@own`')]);
  });

  it('checks separationOfDuties items and assertions too', () => {
    const result = checkYaml(
      policy('case.read') +
        yaml`
          separationOfDuties:
            - { id: s, permissions: [case.read@everything], roles: [r] }
          assertions:
            - { role: r, grants: [kb.read@own] }
        `,
      { rules: [invalidScope] },
    );
    expect(positions(result, 'invalid-scope')).toEqual(['policy.yaml:7:28', 'policy.yaml:9:25']);
  });
});

import { describe, expect, it } from 'vitest';
import { groupCycle } from '../../src/rules/group-cycle.js';
import { checkYaml } from '../helpers/policy.js';

describe('group-cycle', () => {
  const run = (text: string) => checkYaml(text, { rules: [groupCycle] }).diagnostics;

  it('passes for nested groups without a cycle', () => {
    expect(run('groups:\n  a: { subgroups: [b] }\n  b: { subgroups: [c] }\n  c: {}\n')).toEqual([]);
  });

  it('prints the cycle', () => {
    const result = run('groups:\n  a: { subgroups: [b] }\n  b: { subgroups: [a] }\n');
    expect(result).toHaveLength(1);
    expect(result[0]!.message).toContain('are subgroups of each other in a cycle: a > b > a');
    expect(result[0]!.subject).toEqual({ kind: 'group', id: 'a' });
  });
});

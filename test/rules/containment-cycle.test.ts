import { describe, expect, it } from 'vitest';
import { containmentCycle } from '../../src/rules/containment-cycle.js';
import { checkYaml, yaml } from '../helpers/policy.js';

describe('containment-cycle', () => {
  const run = (text: string) => checkYaml(text, { rules: [containmentCycle] }).diagnostics;

  it('passes for a diamond (shared containment is not a cycle)', () => {
    expect(run(yaml`
      roles:
        top: { contains: [left, right] }
        left: { contains: [base] }
        right: { contains: [base] }
        base: {}
    `)).toEqual([]);
  });

  it('prints the cycle a > b > c > a and points at each edge', () => {
    const [d, ...rest] = run(yaml`
      roles:
        c: { contains: [a] }
        b: { contains: [c] }
        a: { contains: [b] }
    `);
    expect(rest).toEqual([]);
    expect(d!.message).toContain('a > b > c > a');
    expect(d!.subject).toEqual({ kind: 'role', id: 'a' });
    expect(d!.related.map((r) => `${r.line}:${r.column}`)).toEqual(['4:19', '3:19', '2:19']);
    expect(`${d!.line}:${d!.column}`).toBe('4:19');
  });

  it('reports a role that contains itself', () => {
    const result = run('roles:\n  r: { contains: [r] }\n');
    expect(result.map((d) => d.message)).toEqual([expect.stringContaining('r > r')]);
  });

  it('reports two separate cycles once each', () => {
    const result = run(yaml`
      roles:
        a: { contains: [b] }
        b: { contains: [a] }
        x: { contains: [y] }
        y: { contains: [x] }
    `);
    expect(result.map((d) => d.message.match(/cycle: ([^;]+)/)?.[1])).toEqual(['a > b > a', 'x > y > x']);
  });
});


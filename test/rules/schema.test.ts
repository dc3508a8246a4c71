import { describe, expect, it } from 'vitest';
import { schemaRule } from '../../src/rules/schema.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';

const run = (text: string) => findings(checkYaml(text, { rules: [schemaRule] }), 'schema');

describe('schema', () => {
  it('passes a valid policy', () => {
    expect(run(yaml`
      permissions:
        case.read: { scopes: [own, all], risk: medium }
      roles:
        agent: { grants: [case.read@own] }
      users:
        alice: { type: internal, roles: [agent, { role: agent, expires: 2027-01-01 }] }
    `)).toEqual([]);
  });

  it('puts a wrong enum value on the value, with the allowed values and a suggestion', () => {
    expect(run('users:\n  bob:\n    type: externel\n')).toEqual([
      expect.objectContaining({ at: 'policy.yaml:3:11', subject: 'user:bob', message: '`users.bob.type` must be one of `internal`, `external`; found `externel`; did you mean `external`?' }),
    ]);
  });

  it('puts an unknown field on its key, suggesting the known one', () => {
    expect(run('roles:\n  agent:\n    grant: [x]\n')).toEqual([
      expect.objectContaining({ at: 'policy.yaml:3:5', message: expect.stringContaining('unknown field `grant` in role `agent`; did you mean `grants`?') }),
    ]);
  });

  it('reports a missing required field on the definition key', () => {
    expect(run('users:\n  carol:\n    name: Carol\n')).toEqual([expect.objectContaining({ at: 'policy.yaml:2:3', message: 'user `carol` is missing the required field `type`' })]);
  });

  it('rejects __proto__ as an id with a clear message, and accepts constructor', () => {
    const result = run('roles:\n  __proto__: {}\n  constructor: {}\n');
    expect(result).toHaveLength(1);
    expect(result[0]!.at).toBe('policy.yaml:2:3');
    expect(result[0]!.message).toContain('`__proto__`');
    expect(result[0]!.message).toContain('not a valid id');
  });

  it('gives one message per mistake (condensed), not one per schema branch', () => {
    const result = run(yaml`
      assertions:
        - user: alice
          has: [5]
    `);
    expect(result).toHaveLength(1);
  });

  it('rejects impossible dates', () => {
    expect(run('users:\n  a: { type: internal, reviewedAt: 2026-02-30 }\n').map((f) => f.message)).toEqual([expect.stringContaining('2026-02-30')]);
  });

  it('keeps the rest of the policy when one definition is broken, and says what was not evaluated', () => {
    const result = checkYaml('roles:\n  ok: {}\nusers:\n  bob: { type: employee, roles: [ok] }\n  amy: { type: internal, roles: [ok] }\n');
    expect(result.model.users.has('amy')).toBe(true);
    expect(result.model.users.has('bob')).toBe(false);
    expect(result.notEvaluated.length).toBeGreaterThan(0);
    expect(result.notEvaluated[0]!.reason).toContain('user `bob`');
  });
});

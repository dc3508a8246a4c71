import { describe, expect, it } from 'vitest';
import { unknownReference } from '../../src/rules/unknown-reference.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';

const base = yaml`
  permissions:
    case.read: { scopes: [own, account] }
    kb.read: {}
  roles:
    agent: { grants: [case.read@own, "kb.*"] }
    manager: { contains: [agent] }
  groups:
    agents: { roles: [agent], members: [alice] }
  users:
    alice: { type: internal }
`;

const run = (text: string) => findings(checkYaml(text, { rules: [unknownReference] }));

describe('unknown-reference', () => {
  it.each([
    ['a fully defined policy', base],
    ['a reference to a definition that broke the schema (reported by schema, not here)', base + yaml`
      roles2: {}
    `.replace('roles2: {}', '') + ''],
  ])('passes: %s', (_name, text) => {
    expect(run(text)).toEqual([]);
  });

  it.each([
    ['role contains', 'manager: { contains: [agnet] }', 'role `manager` contains role `agnet`', 'agent', 'role:manager'],
    ['group role', 'agents: { roles: [agnet], members: [alice] }', 'group `agents` gives role `agnet`', 'agent', 'group:agents'],
    ['group member', 'agents: { roles: [agent], members: [alcie] }', 'group `agents` lists as member user `alcie`', 'alice', 'group:agents'],
    ['grant', 'agent: { grants: [case.raed@own, "kb.*"] }', 'role `agent` grants permission `case.raed`', 'case.read', 'role:agent'],
  ])('reports %s with a suggestion', (_name, line, text, suggestion, subject) => {
    const key = line.slice(0, line.indexOf(':'));
    const policy = base.replace(new RegExp(`^(\\s*)${key.replace('.', '\\.')}:.*$`, 'm'), `$1${line}`);
    const result = run(policy);
    expect(result).toHaveLength(1);
    expect(result[0]!.message).toContain(text);
    expect(result[0]!.message).toContain(`did you mean \`${suggestion}\`?`);
    expect(result[0]!.subject).toBe(subject);
  });

  it('points at the misspelt id itself', () => {
    const text = yaml`
      roles:
        agent: {}
      users:
        alice:
          type: internal
          roles: [agent, agnet]
    `;
    expect(run(text).map((f) => f.at)).toEqual(['policy.yaml:6:20']);
  });

  it('reports a wildcard that matches no declared permission', () => {
    const result = run(yaml`
      permissions:
        kb.read: {}
      roles:
        agent: { grants: ["case.*"] }
    `);
    expect(result.map((f) => f.message)).toEqual([expect.stringContaining('`case.*` matches no declared permission')]);
  });

  it('checks every kind of reference: sponsor, subgroups, requires, excludes, assignableBy, replacedBy, group and role owners, SoD, assertions, exceptions', () => {
    const result = run(yaml`
      permissions:
        p.read: {}
      roles:
        r:
          grants: [p.read]
          requires: [x1]
          excludes: [x2]
          assignableBy: [x3]
          deprecated: { replacedBy: x4 }
          owner: nobody2
      groups:
        g: { owner: nobody, subgroups: [x5] }
      users:
        u: { type: external, sponsor: ghost, roles: [r] }
      separationOfDuties:
        - { id: s, roles: [x6], permissions: [p.write] }
      assertions:
        - { user: ghost2, has: [p.read] }
        - { role: r, grants: [p.nope] }
        - { permission: p.read, heldBy: [ghost3] }
      settings:
        exceptions:
          - { rule: sod-conflict, subject: "user:ghost4", reason: r, approvedBy: ghost5, expires: 2027-01-01 }
    `);
    const targets = result.map((f) => f.message.match(/`([^`]+)`, which is not defined/)?.[1]).sort();
    expect(targets).toEqual(['ghost', 'ghost2', 'ghost3', 'ghost4', 'ghost5', 'nobody', 'nobody2', 'p.nope', 'p.write', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
  });
});

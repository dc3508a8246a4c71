import { describe, expect, it } from 'vitest';
import { duplicateDefinition } from '../../src/rules/duplicate-definition.js';
import { checkYaml, yaml } from '../helpers/policy.js';

const run = (files: Record<string, string>) => checkYaml(files, { rules: [duplicateDefinition] }).diagnostics;

describe('duplicate-definition', () => {
  it('passes when the same id is used for different kinds', () => {
    expect(run({ 'a.yaml': 'roles:\n  admin: {}\ngroups:\n  admin: {}\n' })).toEqual([]);
  });

  it('names both places when a role is defined in two files', () => {
    const [d, ...rest] = run({ 'a.yaml': 'roles:\n  admin: {}\n', 'b.yaml': '# second\nroles:\n  admin: {}\n' });
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ rule: 'duplicate-definition', file: 'b.yaml', line: 3, column: 3, subject: { kind: 'role', id: 'admin' } });
    expect(d!.message).toContain('a.yaml:2');
    expect(d!.related).toEqual([{ file: 'a.yaml', line: 2, column: 3, message: 'first definition of role `admin`' }]);
  });

  it.each(['permissions', 'groups'])('reports duplicate %s', (section) => {
    const text = `${section}:\n  x: {}\n`;
    expect(run({ 'a.yaml': text, 'b.yaml': text }).map((d) => `${d.file}:${d.line}`)).toEqual(['b.yaml:2']);
  });

  it('reports duplicate users, separationOfDuties ids and settings sections', () => {
    const result = run({
      'a.yaml': yaml`
        users:
          alice: { type: internal }
        separationOfDuties:
          - { id: s1, roles: [] }
          - { id: s1, roles: [] }
        settings: { maxRolesPerUser: 3 }
      `,
      'b.yaml': yaml`
        users:
          alice: { type: internal }
        settings: { maxRolesPerUser: 4 }
      `,
    });
    expect(result.map((d) => `${d.file}:${d.line} ${d.subject.kind}:${d.subject.id}`)).toEqual(['a.yaml:5 policy:separationOfDuties:s1', 'b.yaml:2 user:alice', 'b.yaml:3 policy:settings']);
  });
});

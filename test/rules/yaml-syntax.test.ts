import { describe, expect, it } from 'vitest';
import { yamlSyntax } from '../../src/rules/yaml-syntax.js';
import { checkYaml, findings } from '../helpers/policy.js';

const run = (text: string) => findings(checkYaml(text, { rules: [yamlSyntax] }), 'yaml-syntax');

describe('yaml-syntax', () => {
  it.each([
    ['block style', 'roles:\n  a:\n    grants: [x]\n'],
    ['flow style', '{ roles: { a: { grants: [x] } } }\n'],
    ['anchors and aliases within limits', 'roles:\n  a: &base { grants: [x] }\n  b: *base\n'],
    ['an empty file', ''],
    ['a comment-only file', '# nothing yet\n'],
  ])('passes: %s', (_name, text) => {
    expect(run(text)).toEqual([]);
  });

  it('reports an unterminated flow sequence on the line that opens it', () => {
    expect(run('groups:\n  g:\n    members: [alice, bob\n')).toEqual([
      expect.objectContaining({ at: 'policy.yaml:3:24', subject: 'file:policy.yaml', message: expect.stringContaining('unterminated flow sequence') }),
    ]);
  });

  it('reports a duplicate key with the first definition as related location', () => {
    const result = checkYaml('users:\n  alice:\n    type: internal\n    type: external\n', { rules: [yamlSyntax] });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ line: 4, column: 5, related: [{ line: 3, column: 5 }] });
    expect(result.diagnostics[0]!.message).toContain('duplicate key `type`');
  });

  it('detects duplicate keys in a large mapping in linear time (every duplicate found)', () => {
    const lines = ['users:'];
    for (let i = 0; i < 20000; i++) lines.push(`  u${i}: { type: internal }`);
    lines.push('  u7: { type: internal }', '  u19999: { type: internal }');
    expect(run(lines.join('\n') + '\n').map((f) => f.at)).toEqual(['policy.yaml:20002:3', 'policy.yaml:20003:3']);
  });

  it('reports tabs, bad indentation and several documents', () => {
    expect(run('roles:\n\ta: {}\n')).not.toEqual([]);
    expect(run('roles:\n  a: {}\n b: {}\n')).not.toEqual([]);
    expect(run('roles: {}\n---\nusers: {}\n').map((f) => f.message)).toEqual([expect.stringContaining('one YAML document per file')]);
  });

  it('caps alias expansion: a billion-laughs file is one finding, quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = performance.now();
    const result = run(lines.join('\n') + '\n');
    expect(performance.now() - started).toBeLessThan(5000); // a hang would take minutes; not a timing assertion of speed
    expect(result).toHaveLength(1);
    expect(result[0]!.message).toMatch(/aliases|expands/);
  });

  it('refuses custom tags', () => {
    expect(run('roles:\n  a: !include other.yaml\n').map((f) => f.message)).toEqual([expect.stringContaining('tag')]);
  });
});

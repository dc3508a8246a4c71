import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverageBelowThreshold } from '../../src/rules/coverage-below-threshold.js';
import { checkYaml, findings, yaml } from '../helpers/policy.js';
import { accessRuleTester } from './support/rule-tester.js';
import { docsExamples } from './support/rule-tester.js';

const policy = yaml`
  permissions:
    a: {}
    b: {}
    c: {}
  roles:
    r: { grants: [a] }
    s: { privileged: true, grants: [b] }
  users:
    u: { type: internal, roles: [r] }
    v: { type: internal, roles: [s] }
  separationOfDuties:
    - { id: a-vs-b, permissions: [a, b] }
  assertions:
    - { user: u, has: [a], lacks: [c] }
`;

accessRuleTester(coverageBelowThreshold, {
  valid: [
    { name: 'no settings.coverage: the rule does nothing', yaml: policy },
    {
      name: 'every threshold met exactly (2 of 3 permissions is 66.66..., at least 66.6)',
      yaml: policy + yaml`
        settings:
          coverage: { roles: 50, permissions: 66.6, separationOfDuties: 0, privilegedHolders: 0 }
      `,
    },
  ],
  invalid: [
    {
      name: 'each kind below its threshold is one finding at the threshold, in file order',
      yaml: policy + yaml`
        settings:
          coverage:
            roles: 51
            permissions: 66.7
            separationOfDuties: 100
            privilegedHolders: 1
      `,
      errors: [
        { at: 'policy.yaml:17:12', subject: 'policy:settings.coverage.roles', message: ['the assertions exercise 1 of 2 roles (50.0%), below `settings.coverage.roles: 51`', 'cross `s`', '`rolecall check --coverage` lists every one'] },
        { at: 'policy.yaml:18:18', subject: 'policy:settings.coverage.permissions', message: ['2 of 3 permissions (66.6%), below `settings.coverage.permissions: 66.7`', '`b`'] },
        { at: 'policy.yaml:19:25', subject: 'policy:settings.coverage.separationOfDuties', message: ['0 of 1 separation-of-duties sets (0.0%)', '`a-vs-b`'] },
        { at: 'policy.yaml:20:24', subject: 'policy:settings.coverage.privilegedHolders', message: ['0 of 1 privileged-role holdings', '`v (s)`'] },
      ],
    },
  ],
});

describe('coverage-below-threshold', () => {
  it('is lowered by settings.rules like any rule', () => {
    const result = checkYaml(policy + yaml`
      settings:
        coverage: { roles: 100 }
        rules: { coverage-below-threshold: warning }
    `, { rules: [coverageBelowThreshold] });
    expect(findings(result).map((f) => f.severity)).toEqual(['warning']);
  });

  it('the example organisation sets no threshold: no finding', () => {
    const text = readFileSync('policies/controls.yaml', 'utf8');
    expect(text).not.toMatch(/^\s+coverage:/m);
  });
});

describe('docs/rules/coverage-below-threshold.md', () => {
  const page = readFileSync('docs/rules/coverage-below-threshold.md', 'utf8');
  const examples = docsExamples('coverage-below-threshold');

  it('has the title, the default severity and the sections in order', () => {
    expect(page.startsWith('# coverage-below-threshold\n\nDefault severity: **error**.\n\n')).toBe(true);
    expect(page.split('\n').filter((l) => /^##+ /.test(l))).toEqual(['## What it checks', '## Why it matters', '## Examples', '### Failing', '### Passing', '## How to fix', '## Accepting it']);
  });

  it('failing example: findings exactly on the marked lines, no other error', () => {
    const result = checkYaml(examples.failing);
    expect(findings(result, 'coverage-below-threshold').map((f) => Number(f.at.split(':')[1]))).toEqual(examples.expectedLines);
    expect(findings(result).filter((f) => f.severity === 'error' && f.rule !== 'coverage-below-threshold')).toEqual([]);
  });

  it('passing example: no finding, no error', () => {
    const result = checkYaml(examples.passing);
    expect(findings(result).filter((f) => f.rule === 'coverage-below-threshold' || f.severity === 'error')).toEqual([]);
  });

  it('accepting it: the settings shown are valid and turn the findings into warnings', () => {
    const accepting = page.slice(page.indexOf('## Accepting it'));
    const block = /```yaml\n([\s\S]*?)```/.exec(accepting)![1]!;
    const failing = examples.failing.replace(/settings:[\s\S]*$/, '') + block;
    const result = checkYaml(failing);
    expect(findings(result).filter((f) => f.rule === 'schema')).toEqual([]);
    expect(findings(result, 'coverage-below-threshold').map((f) => f.severity)).toEqual(['warning']);
  });
});

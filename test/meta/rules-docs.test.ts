import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules, rulesById } from '../../src/rules/index.js';
import { root } from '../helpers/cli.js';
import { checkYaml as checkPolicyText } from '../helpers/policy.js';

/** Every rule id of SPEC §3, in its order (copied from the contract: a change there must show up here). */
const specRuleIds = [
  'yaml-syntax', 'schema', 'duplicate-definition', 'unknown-reference', 'containment-cycle', 'group-cycle', 'invalid-scope',
  'sod-conflict', 'self-excluding-role', 'audience-mismatch', 'audience-containment', 'missing-prerequisite', 'grant-deny-conflict',
  'user-without-role', 'inactive-user-access', 'expired-assignment', 'temporary-without-expiry', 'privileged-holders-exceeded',
  'privilege-escalation', 'high-risk-external', 'unscoped-grant', 'wildcard-grant', 'stale-review', 'deprecated-role',
  'role-without-permissions', 'redundant-assignment', 'unused-role', 'unused-permission', 'empty-group', 'expired-exception',
  'unused-exception', 'assertion-failed', 'undeclared-privileged-role', 'standing-privilege', 'too-many-roles', 'external-without-sponsor',
  // SPEC §12
  'coverage-below-threshold', 'unused-access', 'dormant-user',
];

const specDefaults: Record<string, string> = {
  'grant-deny-conflict': 'warning', 'expired-assignment': 'warning', 'unscoped-grant': 'warning', 'wildcard-grant': 'warning',
  'stale-review': 'warning', 'deprecated-role': 'warning', 'role-without-permissions': 'warning', 'expired-exception': 'warning',
  'undeclared-privileged-role': 'warning', 'external-without-sponsor': 'warning', 'redundant-assignment': 'info', 'unused-role': 'info',
  'unused-permission': 'info', 'empty-group': 'info', 'unused-exception': 'info', 'standing-privilege': 'info', 'too-many-roles': 'info',
  'unused-access': 'info', 'dormant-user': 'warning',
};

/** Fenced blocks of a docs page with the given info string (`yaml failing`). */
function blocks(markdown: string, info: string): string[] {
  const out: string[] = [];
  const fence = new RegExp('^```' + info + '\\s*$', 'gm');
  let match: RegExpExecArray | null;
  while ((match = fence.exec(markdown))) {
    const start = match.index + match[0].length + 1;
    const end = markdown.indexOf('\n```', start);
    out.push(markdown.slice(start, end + 1));
  }
  return out;
}

/** Lines (1-based) marked `# expect: <rule>` in an example. */
function expectedLines(example: string, rule: string): number[] {
  return example
    .split('\n')
    .map((line, i) => (new RegExp(`#\\s*expect:.*\\b${rule}\\b`).test(line) ? i + 1 : 0))
    .filter((n) => n > 0);
}

describe('every SPEC rule has a module, a docs page and a test', () => {
  it('registers exactly the SPEC rule ids, in SPEC order', () => {
    expect(rules.map((r) => r.meta.id)).toEqual(specRuleIds);
  });

  it.each(specRuleIds)('%s: default severity, docs page, test file', (id) => {
    const rule = rulesById.get(id)!;
    expect(rule.meta.severity).toBe(specDefaults[id] ?? 'error');
    expect(existsSync(path.join(root, 'src/rules', `${id}.ts`))).toBe(true);
    expect(existsSync(path.join(root, 'test/rules', `${id}.test.ts`))).toBe(true);
    const page = readFileSync(path.join(root, 'docs/rules', `${id}.md`), 'utf8');
    expect(page.startsWith(`# ${id}\n`)).toBe(true);
    expect(page).toContain(`Default severity: **${rule.meta.severity}**.`);
    for (const section of ['## What it checks', '## Why it matters', '## Examples', '## How to fix', '## Accepting it']) expect(page).toContain(section);
    expect(readFileSync(path.join(root, 'docs/rules/README.md'), 'utf8')).toContain(`${id}.md`);
  });
});

describe('docs examples produce exactly the findings they claim', () => {
  const structural = new Set(['yaml-syntax', 'schema', 'unknown-reference', 'duplicate-definition', 'invalid-scope', 'containment-cycle', 'group-cycle']);
  const documented = specRuleIds.filter((id) => existsSync(path.join(root, 'docs/rules', `${id}.md`)));

  it.each(documented)('%s', (id) => {
    const page = readFileSync(path.join(root, 'docs/rules', `${id}.md`), 'utf8');
    const failing = blocks(page, 'yaml failing');
    const passing = blocks(page, 'yaml passing');
    // Rules that need usage data show it in a ```csv usage block.
    const [usage] = blocks(page, 'csv usage');
    const checkYaml = (text: string) => checkPolicyText(text, usage === undefined ? {} : { usage });
    expect(failing.length + passing.length).toBeGreaterThan(0);
    for (const example of failing) {
      const result = checkYaml(example);
      const lines = result.diagnostics.filter((d) => d.rule === id).map((d) => d.line);
      expect(lines, example).toEqual(expectedLines(example, id));
      // Apart from the rule shown, the example is a valid policy (unless the rule itself is structural).
      if (!structural.has(id)) expect(result.diagnostics.filter((d) => structural.has(d.rule)).map((d) => d.message), example).toEqual([]);
    }
    for (const example of passing) {
      const result = checkYaml(example);
      expect(result.diagnostics.filter((d) => d.rule === id).map((d) => d.message), example).toEqual([]);
      expect(result.diagnostics.filter((d) => structural.has(d.rule)).map((d) => d.message), example).toEqual([]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { computeDiff, defaultCommentBudget, formatDiff } from '../../src/diff/index.js';
import { checkYaml } from '../helpers/policy.js';
import { structuralRules } from './helpers.js';

/** A generated organisation of `users` users; `changed` moves everyone into a new group and widens a high-risk grant. */
function organisation(users: number, changed: boolean): string {
  const lines = [
    'permissions:',
    '  case.read: { scopes: [own, team, all] }',
    '  case.export: { scopes: [own, all], risk: high, audience: internal }',
    '  data.delete: { risk: critical, audience: internal }',
    '  kb.read: {}',
    ...Array.from({ length: 30 }, (_, i) => `  tool${i}.use: { risk: medium, audience: internal }`),
    'roles:',
    `  staff: { audience: internal, grants: [case.read@${changed ? 'all' : 'team'}, kb.read] }`,
    `  exporter: { audience: internal, grants: [case.export@${changed ? 'all' : 'own'}${changed ? ', data.delete' : ''}] }`,
    `  tooling: { audience: internal, grants: [${Array.from({ length: 30 }, (_, i) => `tool${i}.use`).join(', ')}] }`,
    'groups:',
    `  everyone: { owner: u0, roles: [staff, exporter], reviewedAt: 2026-10-01, members: [${Array.from({ length: users }, (_, u) => `u${u}`).join(', ')}] }`,
  ];
  if (changed) lines.push(`  tools: { owner: u0, roles: [tooling], reviewedAt: 2026-10-01, members: [${Array.from({ length: users }, (_, u) => `u${u}`).join(', ')}] }`);
  lines.push('users:');
  for (let u = 0; u < users; u++) lines.push(`  u${u}: { type: ${u % 10 === 9 ? 'external' : 'internal'}${changed && u % 100 === 0 ? ', status: inactive' : ''} }`);
  return lines.join('\n') + '\n';
}

/** Checks that `<details>` tags nest and close, and that every code fence is closed by a fence of the same length. */
function assertBalanced(md: string): void {
  let depth = 0;
  for (const tag of md.match(/<\/?details>/g) ?? []) {
    depth += tag === '<details>' ? 1 : -1;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const ticks = /^(`{3,})/.exec(line)?.[1];
    if (ticks === undefined) continue;
    if (fence === undefined) fence = ticks;
    else if (line === fence) fence = undefined;
  }
  expect(fence).toBeUndefined();
}

describe('the PR comment stays under budget however large the change', () => {
  const base = checkYaml(organisation(10_000, false), { rules: structuralRules });
  const head = checkYaml(organisation(10_000, true), { rules: structuralRules });
  const report = computeDiff(base, head);

  it('touches 10,000 users', () => {
    expect(report.users).toHaveLength(10_000);
    expect(report.counts.users.changed).toBe(10_000);
    // every active user gains data.delete: one escalation each, plus the blast radius
    expect(report.escalations.filter((e) => e.kind === 'blast-radius')).toEqual([
      expect.objectContaining({ permission: 'data.delete', newHolders: 9_900, maxNewHolders: 10 }),
    ]);
  });

  it(`is under ${defaultCommentBudget} characters, says what it cut and where the full JSON is`, () => {
    const md = formatDiff(report, 'md', { jsonPath: 'dist/rolecall/diff.json' });
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md.length).toBeGreaterThan(50_000); // filled, not just truncated early
    assertBalanced(md);
    expect(md.startsWith('<!-- rolecall-diff -->\n')).toBe(true);
    const footer = md.slice(md.lastIndexOf('---\n'));
    expect(footer).toMatch(/Cut to fit the 60,000-character limit of this comment: showing [\d,]+ of [\d,]+ escalations, [\d,]+ of 10,000 users/);
    expect(footer).toContain('`dist/rolecall/diff.json`');
    expect(footer).toContain('rolecall diff --base base --head head --format json');
    // the smaller sections still get room: the role diffs and the group changes are shown
    expect(md).toContain('#### Roles (2)');
    expect(md).toContain('```diff\n');
    expect(md).toContain('#### Groups (2)');
  });

  it('keeps every detail in the JSON report', () => {
    const doc = JSON.parse(formatDiff(report, 'json')) as { users: Record<string, unknown> };
    expect(Object.keys(doc.users)).toHaveLength(10_000);
  });

  it('respects a smaller budget and still closes every tag and fence', () => {
    for (const budget of [3_000, 8_000, 20_000]) {
      const md = formatDiff(report, 'md', { budget });
      expect(md.length).toBeLessThanOrEqual(budget);
      assertBalanced(md);
    }
  });
});

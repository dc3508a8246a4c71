import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, isMap, isSeq, parse, visit } from 'yaml';
import { AccessView } from '../../src/review/access.js';
import { planDecisions } from '../../src/review/apply.js';
import { reviewCampaign, type PacketRow } from '../../src/review/campaign.js';
import type { DecisionRow } from '../../src/review/decisions.js';
import { applyYamlEdits } from '../../src/review/yaml-edit.js';
import { checkYaml, testAsOf } from '../helpers/policy.js';
import { policyArbitrary } from '../resolve/arbitraries.js';
import type { NaivePolicy } from '../resolve/naive.js';

interface ReviewedPolicy {
  readonly text: string;
  readonly data: Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Random policies with owners, sponsors and review dates, written in a
 * random mix of layouts: block or flow per definition and per list, comments
 * before keys and list items, and at the end of lines.
 */
const reviewedPolicy: fc.Arbitrary<ReviewedPolicy> = policyArbitrary({ rich: true }).chain((policy: NaivePolicy) => {
  const userIds = Object.keys(policy.users);
  const n = Object.keys(policy.groups).length + Object.keys(policy.roles).length + userIds.length;
  return fc
    .record({
      owners: fc.array(fc.option(fc.constantFrom(...userIds), { nil: undefined }), { minLength: n, maxLength: n }),
      reviewed: fc.array(fc.option(fc.constantFrom('2026-01-15', '2026-10-01', testAsOf), { nil: undefined }), { minLength: n, maxLength: n }),
      layout: fc.array(fc.nat(99), { minLength: 64, maxLength: 64 }),
    })
    .map(({ owners, reviewed, layout }) => {
      let i = 0;
      const data: Record<string, Record<string, Record<string, unknown>>> = { permissions: policy.permissions as never, roles: {}, groups: {}, users: {} };
      for (const [id, role] of Object.entries(policy.roles)) {
        const owner = owners[i++];
        data['roles']![id] = { ...role, ...(owner ? { owner } : {}) };
      }
      for (const [id, group] of Object.entries(policy.groups)) {
        const owner = owners[i];
        const at = reviewed[i++];
        data['groups']![id] = { ...group, ...(owner ? { owner } : {}), ...(at ? { reviewedAt: at } : {}) };
      }
      userIds.forEach((id, k) => {
        const user = policy.users[id]!;
        const sponsor = owners[i];
        const at = reviewed[i++];
        const external = k % 3 === 2 && sponsor !== undefined && sponsor !== id;
        data['users']![id] = { ...user, ...(external ? { type: 'external', sponsor } : {}), ...(at ? { reviewedAt: at } : {}) };
      });
      const doc = new Document(data);
      let choice = 0;
      const pick = (): number => layout[choice++ % layout.length]!;
      visit(doc, {
        Map(_key, node, path) {
          if (path.length >= 4 && pick() < 30) node.flow = true;
        },
        Seq(_key, node) {
          if (pick() < 40) node.flow = true;
        },
        Pair(_key, pair) {
          const roll = pick();
          if (roll < 8 && isMap(pair.value) && !pair.value.flow) (pair.key as { commentBefore?: string }).commentBefore = ' a note';
        },
      });
      visit(doc, {
        Scalar(_key, node, path) {
          const parent = path[path.length - 1];
          if (isSeq(parent) && !parent.flow && pick() < 10) node.comment = ' why';
          if (isSeq(parent) && !parent.flow && pick() < 8) node.commentBefore = ' about the next item';
        },
      });
      return { text: `# a policy file\n${doc.toString()}`, data };
    });
});

/** Every row of every packet, returned with `decide`'s decision. */
function decisionsFor(rows: readonly PacketRow[], decide: (row: PacketRow, index: number) => 'keep' | 'revoke' | ''): DecisionRow[] {
  return rows.map((row, i) => ({ file: 'all.csv', line: i + 2, user: row.user, access: row.access, scope: row.scope, via: row.via, expires: row.expires, lastReviewed: row.lastReviewed, decision: decide(row, i) }));
}

/** The text with every `reviewedAt` entry taken out: block lines, and flow pairs. */
function withoutReviewDates(text: string): string {
  return text.replace(/^[ \t]*reviewedAt: \S+[^\n]*\n/gm, '').replace(/,? ?reviewedAt: \d{4}-\d{2}-\d{2}/g, '').replace(/\{ ?,? ?/g, '{ ').replace(/ +\}/g, ' }');
}

function applied(text: string, rows: DecisionRow[]): { text: string; refusals: number } {
  const result = checkYaml(text, { rules: [] });
  const plan = planDecisions(new AccessView(result.resolution), rows);
  const edits = plan.edits.get('policy.yaml') ?? [];
  const after = edits.length === 0 ? text : applyYamlEdits(text, edits);
  if (typeof after !== 'string') throw new Error(`${after.problem}\n${text}`);
  return { text: after, refusals: plan.refusals.length };
}

describe('review apply on random policies', () => {
  it('"keep" on every row changes only reviewedAt lines, and marks exactly the reviewed groups and users', () => {
    fc.assert(
      fc.property(reviewedPolicy, ({ text }) => {
        const result = checkYaml(text, { rules: [] });
        expect(result.diagnostics).toEqual([]);
        const rows = reviewCampaign(new AccessView(result.resolution)).packets.flatMap((p) => p.rows);
        const after = applied(text, decisionsFor(rows, () => 'keep'));
        expect(after.refusals).toBe(0);
        expect(withoutReviewDates(after.text)).toBe(withoutReviewDates(text));
        const data = parse(after.text) as Record<string, Record<string, { reviewedAt?: string } | null>>;
        const groups = new Set(rows.filter((r) => r.access.startsWith('group:')).map((r) => r.access.slice(6)));
        const users = new Set(rows.filter((r) => r.access.startsWith('role:')).map((r) => r.user));
        for (const id of groups) expect(data['groups']![id]!.reviewedAt).toBe(testAsOf);
        for (const id of users) expect(data['users']![id]!.reviewedAt).toBe(testAsOf);
        // Nothing else is marked.
        const before = parse(text) as typeof data;
        for (const section of ['groups', 'users'] as const) {
          for (const [id, def] of Object.entries(data[section] ?? {})) {
            if (!(section === 'groups' ? groups : users).has(id)) expect(def?.reviewedAt).toBe(before[section]![id]?.reviewedAt);
          }
        }
      }),
      { numRuns: 150, seed: 20261122 },
    );
  });

  it('"revoke" of one membership gives the policy with that member removed, and nothing else', () => {
    fc.assert(
      fc.property(reviewedPolicy, fc.nat(), ({ text, data }, pick) => {
        const result = checkYaml(text, { rules: [] });
        const rows = reviewCampaign(new AccessView(result.resolution)).packets.flatMap((p) => p.rows);
        const memberships = rows.filter((r) => r.access.startsWith('group:'));
        fc.pre(memberships.length > 0);
        const target = memberships[pick % memberships.length]!;
        const after = applied(text, decisionsFor(rows, (row) => (row === target ? 'revoke' : '')));
        expect(after.refusals).toBe(0);
        const expected = structuredClone(data);
        const group = expected['groups']![target.access.slice(6)]!;
        group['members'] = (group['members'] as string[]).filter((m) => m !== target.user);
        expect(parse(after.text)).toEqual(expected);
        // And it still checks as a policy without structural errors.
        expect(checkYaml(after.text, { rules: [] }).diagnostics).toEqual([]);
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it('"revoke" of a direct assignment gives the policy with that assignment removed', () => {
    fc.assert(
      fc.property(reviewedPolicy, fc.nat(), ({ text, data }, pick) => {
        const result = checkYaml(text, { rules: [] });
        const rows = reviewCampaign(new AccessView(result.resolution)).packets.flatMap((p) => p.rows);
        const direct = rows.filter((r) => r.access.startsWith('role:') && r.revocable);
        fc.pre(direct.length > 0);
        const target = direct[pick % direct.length]!;
        const after = applied(text, decisionsFor(rows, (row) => (row.user === target.user && row.access === target.access ? 'revoke' : '')));
        expect(after.refusals).toBe(0);
        const expected = structuredClone(data);
        const user = expected['users']![target.user]!;
        const role = target.access.slice(5);
        user['roles'] = (user['roles'] as unknown[]).filter((a) => (typeof a === 'string' ? a : (a as { role: string }).role) !== role);
        expect(parse(after.text)).toEqual(expected);
      }),
      { numRuns: 100, seed: 20261124 },
    );
  });
});

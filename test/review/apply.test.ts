import { describe, expect, it } from 'vitest';
import { AccessView } from '../../src/review/access.js';
import { planDecisions } from '../../src/review/apply.js';
import { reviewCampaign } from '../../src/review/campaign.js';
import { parseDecisions, type DecisionRow } from '../../src/review/decisions.js';
import { packetCsv } from '../../src/review/packet-csv.js';
import { InputError } from '../../src/stages/load.js';
import { checkYaml } from '../helpers/policy.js';
import { reviewPolicy } from './fixture.js';

const view = (text = reviewPolicy, asOf?: string) => new AccessView(checkYaml(text, { rules: [], ...(asOf ? { asOf } : {}) }).resolution);

/** A reviewer's packet as returned: `decide` gives each row's decision. */
function returned(reviewer: string, decide: (user: string, access: string) => string, text = reviewPolicy): DecisionRow[] {
  const packet = reviewCampaign(view(text)).packets.find((p) => p.reviewer === reviewer)!;
  const csv = packetCsv(packet, false);
  const lines = csv.split('\r\n');
  const filled = [lines[0], ...lines.slice(1, -1).map((line) => { const [user, access] = line.split(','); return line + decide(user!, access!); })].join('\r\n') + '\r\n';
  return parseDecisions(filled, `${reviewer}.csv`);
}

describe('parseDecisions', () => {
  it('reads decisions in any case, with spaces, and empty ones', () => {
    const rows = parseDecisions('user,access,scope,via,expires,lastReviewed,decision\nbob,role:admin,x,role:admin,,, Keep \ncarl,group:agents,x,group:agents,,,\nivy,group:agents,x,group:agents,,,REVOKE\n', 'd.csv');
    expect(rows.map((r) => [r.line, r.decision])).toEqual([[2, 'keep'], [3, ''], [4, 'revoke']]);
  });

  it('reads what spreadsheets write: a byte-order mark, CRLF, quoted cells, a neutralised cell, the lastUsed column', () => {
    const rows = parseDecisions('\ufeffuser,access,scope,via,expires,lastReviewed,decision,lastUsed\r\nbob,role:admin,"role:admin role:agent",role:admin,2027-01-31,2026-09-01,revoke,2026-11-02\r\n', 'd.csv');
    expect(rows).toEqual([{ file: 'd.csv', line: 2, user: 'bob', access: 'role:admin', scope: 'role:admin role:agent', via: 'role:admin', expires: '2027-01-31', lastReviewed: '2026-09-01', decision: 'revoke' }]);
    expect(parseDecisions("user,access,scope,via,expires,lastReviewed,decision\nbob,'-x,,,,,\n", 'd.csv')[0]!.access).toBe('-x');
  });

  it.each([
    ['user,access,scope,via,expires,lastReviewed,decision,comment\n', 'd.csv:1: the header is `user,access,scope,via,expires,lastReviewed,decision,comment`, not a review packet\'s'],
    ['user,access,via,scope,expires,lastReviewed,decision\n', 'd.csv:1: the header is'],
    ['user,access,scope,via,expires,lastReviewed,decision\nbob,role:admin,x,role:admin,,,maybe\n', 'd.csv:2: the decision `maybe` in row 2 is not `keep` or `revoke`'],
    ['user,access,scope,via,expires,lastReviewed,decision\nbob,role:admin,x,role:admin,,\n', 'd.csv:2: row 2 has 6 cells, the header has 7'],
  ])('refuses a malformed file: %j', (text, message) => {
    expect(() => parseDecisions(text, 'd.csv')).toThrow(InputError);
    expect(() => parseDecisions(text, 'd.csv')).toThrow(message);
  });
});

describe('planDecisions', () => {
  it('keep everything: reviewedAt on every group and user reviewed, no other edit', () => {
    const plan = planDecisions(view(), returned('olga', () => 'keep'));
    expect(plan.refusals).toEqual([]);
    expect(plan.kept).toBe(4);
    expect(plan.reviewed).toEqual(['group `everyone` (policy.yaml:11)', 'user `bob` (policy.yaml:17)', 'user `xena` (policy.yaml:20)', 'user `yuri` (policy.yaml:21)']);
    expect([...plan.edits.values()].flat().map((e) => (e.kind === 'set-reviewed' ? `${e.section}.${e.id}` : e.kind))).toEqual(['groups.everyone', 'users.bob', 'users.xena', 'users.yuri']);
  });

  it('revoke a membership and a direct assignment: the edits, and what they remove', () => {
    const plan = planDecisions(view(), [...returned('sam', (user, access) => (user === 'carl' && access === 'group:agents' ? 'revoke' : '')), ...returned('olga', (user) => (user === 'bob' ? 'revoke' : ''))]);
    expect(plan.refusals).toEqual([]);
    expect(plan.revoked).toEqual(['removed `carl` from group `agents` (policy.yaml:12)', 'removed the assignment of role `admin` from user `bob` (policy.yaml:17)']);
    expect([...plan.edits.values()].flat()).toEqual([
      { kind: 'remove-member', group: 'agents', user: 'carl' },
      { kind: 'remove-assignment', user: 'bob', role: 'admin' },
    ]);
    expect(plan.reviewed).toEqual([]);
  });

  it('does not mark a group reviewed while some of its rows are undecided', () => {
    const plan = planDecisions(view(), returned('sam', (user, access) => (access === 'group:agents' && user !== 'ivy' ? 'keep' : '')));
    expect(plan.reviewed).toEqual([]);
    expect(plan.notReviewed).toEqual(['group `agents`: 1 of its rows has no decision (sam.csv:4)']);
    expect(plan.undecided.map((r) => `${r.user} ${r.access}`)).toEqual(['ivy group:agents', 'xena role:portal']);
  });

  it('refuses a revoke of a role held through containment or a group, naming where it is granted', () => {
    const text = reviewPolicy.replace('xena: { type: external, sponsor: sam, reviewedAt: 2026-10-15, roles: [portal] }', 'xena: { type: external, sponsor: sam, reviewedAt: 2026-10-15, roles: [portal, agent] }');
    const contained = planDecisions(view(text), returned('sam', (user, access) => (user === 'xena' && access === 'role:viewer' ? 'revoke' : ''), text));
    expect(contained.refusals).toEqual([{ file: 'sam.csv', line: 7, message: 'role `viewer` is contained in role `agent` (policy.yaml:6), which `xena` holds through `role:agent`: it cannot be revoked here; revoke `role:agent` (or what grants it) instead' }]);
    expect(contained.edits.size).toBe(0);
    const owned = reviewPolicy.replace('agent: { contains: [viewer]', 'agent: { owner: olga, contains: [viewer]');
    const viaGroup = planDecisions(view(owned), returned('olga', (user, access) => (user === 'carl' && access === 'role:agent' ? 'revoke' : 'keep'), owned));
    expect(viaGroup.refusals.map((r) => r.message)).toEqual(['`carl` holds role `agent` through group `agents` (the membership at policy.yaml:12), not by a direct assignment: it cannot be revoked here; revoke the membership in `agents` instead (in the packet of its owner `sam`)']);
    expect(viaGroup.edits.size).toBe(0); // nothing, not even the keeps
  });

  it('refuses rows that no longer match the policy: gone, moved, re-scoped, expired', () => {
    const rows = returned('olga', () => 'keep');
    const gone = reviewPolicy.replace('members: [olga]', 'members: []');
    expect(planDecisions(view(gone), rows).refusals.map((r) => `${r.line} ${r.message}`)).toEqual(['2 `olga` is no longer a member of group `everyone`: the row no longer matches the policy; export the packets again']);
    const moved = reviewPolicy.replace("bob: { type: internal, reviewedAt: 2026-09-01, roles: [{ role: admin, expires: 2027-01-31 }, auditor] }", "bob: { type: internal, reviewedAt: 2026-09-01, roles: [{ role: admin, expires: 2027-03-31 }, auditor] }");
    expect(planDecisions(view(moved), rows).refusals.map((r) => r.message)).toEqual(['the row no longer matches the policy: its `expires` was `2027-01-31` in the packet and is `2027-03-31` now (on 2026-11-22); export the packets again and decide on what is there now']);
    const rescoped = reviewPolicy.replace('admin: { owner: olga, privileged: true, contains: [agent]', 'admin: { owner: olga, privileged: true, contains: [viewer]');
    expect(planDecisions(view(rescoped), rows).refusals.map((r) => r.message)).toEqual([expect.stringContaining('its `scope` was `role:admin role:agent role:viewer` in the packet and is `role:admin role:viewer` now')]);
    expect(planDecisions(view(reviewPolicy, '2027-02-01'), rows).refusals.map((r) => r.message)).toEqual(['`bob` no longer holds role `admin` on 2027-02-01: the row no longer matches the policy; export the packets again']);
  });

  it('refuses unknown users and ids, malformed access cells, and contradicting decisions across files', () => {
    const header = 'user,access,scope,via,expires,lastReviewed,decision\n';
    const rows = [
      ...parseDecisions(header + 'nobody,group:agents,,group:agents,,,keep\nbob,group:nope,,group:nope,,,keep\nbob,user:bob,,,,,keep\n', 'a.csv'),
      ...parseDecisions(header + 'bob,group:agents,role:agent role:viewer,group:agents,,,keep\n', 'b.csv'),
      ...parseDecisions(header + 'bob,group:agents,role:agent role:viewer,group:agents,,,revoke\n', 'c.csv'),
    ];
    expect(planDecisions(view(), rows).refusals.map((r) => `${r.file}:${r.line} ${r.message}`)).toEqual([
      'a.csv:2 user `nobody` is not defined in the policy (any more): remove the row, or export the packets again',
      'a.csv:3 group `nope` is not defined in the policy (any more): export the packets again',
      'a.csv:4 the access `user:bob` is neither `group:<id>` nor `role:<id>`: keep the packet\'s cells as they are',
      'c.csv:2 `revoke` for `bob` `group:agents` contradicts `keep` in b.csv:2: decide the row once',
    ]);
  });

  it('a row decided in one file and left empty in another counts as decided', () => {
    const kept = returned('sam', () => 'keep');
    const open = returned('sam', () => '');
    expect(planDecisions(view(), [...open, ...kept]).undecided).toEqual([]);
  });
});

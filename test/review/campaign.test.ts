import { describe, expect, it } from 'vitest';
import { AccessView } from '../../src/review/access.js';
import { currentRow, reviewCampaign, type Packet } from '../../src/review/campaign.js';
import { packetCsv } from '../../src/review/packet-csv.js';
import { packetHtml } from '../../src/review/packet-html.js';
import { campaignIndex } from '../../src/review/index-md.js';
import { parseUsage } from '../../src/usage/usage.js';
import { checkYaml } from '../helpers/policy.js';
import { reviewPolicy } from './fixture.js';


function campaignOf(text: string, usage?: string) {
  const result = checkYaml(text, { rules: [] });
  expect(result.diagnostics).toEqual([]);
  const view = new AccessView(result.resolution);
  return { view, result, campaign: reviewCampaign(view, usage === undefined ? undefined : parseUsage(usage, 'usage.csv')) };
}

const rowsOf = (packet: Packet | undefined) => packet!.rows.map((r) => [r.user, r.access, r.scope, r.via, r.expires, r.lastReviewed, r.revocable]);

describe('reviewCampaign', () => {
  it('gives every group owner, role owner and sponsor one packet, sorted by reviewer', () => {
    const { campaign } = campaignOf(reviewPolicy);
    expect(campaign.packets.map((p) => p.reviewer)).toEqual(['olga', 'sam']);
    expect(campaign.asOf).toBe('2026-11-22');
  });

  it('group owner: one row per direct member (inactive ones too), scope the roles the membership gives (groups above included)', () => {
    const { campaign } = campaignOf(reviewPolicy);
    const sam = campaign.packets.find((p) => p.reviewer === 'sam');
    expect(rowsOf(sam).slice(0, 3)).toEqual([
      ['bob', 'group:agents', 'role:agent role:viewer', 'group:agents', '', '', true],
      ['carl', 'group:agents', 'role:agent role:viewer', 'group:agents', '', '', true],
      ['ivy', 'group:agents', 'role:agent role:viewer', 'group:agents', '', '', true],
    ]);
    expect(sam!.groups).toEqual(['agents']);
  });

  it('role owner: one row per holder, with the shortest path, the expiry of the assignment it starts with, revocable only when direct', () => {
    const { campaign } = campaignOf(reviewPolicy);
    const olga = campaign.packets.find((p) => p.reviewer === 'olga')!;
    expect(rowsOf(olga)).toEqual([
      ['olga', 'group:everyone', 'role:viewer', 'group:everyone', '', '2026-10-01', true],
      ['bob', 'role:admin', 'role:admin role:agent role:viewer', 'role:admin', '2027-01-31', '2026-09-01', true],
      ['xena', 'role:portal', 'role:portal', 'role:portal', '', '2026-10-15', true],
      ['yuri', 'role:portal', 'role:portal', 'role:portal', '', '', true],
    ]);
    expect(olga.roles).toEqual(['admin', 'portal']);
    expect(olga.due).toBe('');
  });

  it('sponsor: every role the external user holds; a role reached through containment or a group is not revocable, and says where it comes from', () => {
    const policy = reviewPolicy.replace('xena: { type: external, sponsor: sam, reviewedAt: 2026-10-15, roles: [portal] }', 'xena: { type: external, sponsor: sam, reviewedAt: 2026-10-15, roles: [portal, agent] }');
    const { campaign } = campaignOf(policy.replace('portal: { owner: olga, audience: external', 'portal: { owner: olga, audience: any'));
    const sam = campaign.packets.find((p) => p.reviewer === 'sam')!;
    const xena = sam.rows.filter((r) => r.user === 'xena');
    expect(xena.map((r) => [r.access, r.via, r.revocable, r.heldThrough])).toEqual([
      ['role:agent', 'role:agent', true, undefined],
      ['role:portal', 'role:portal', true, undefined],
      ['role:viewer', 'role:agent > role:viewer', false, 'contained in role `agent`, which `xena` holds through `role:agent`: revoke that instead'],
    ]);
    expect(sam.sponsored).toEqual(['xena']);
    const owned = campaignOf(reviewPolicy.replace('agent: { contains: [viewer]', 'agent: { owner: olga, contains: [viewer]')).campaign;
    const carl = owned.packets.find((p) => p.reviewer === 'olga')!.rows.find((r) => r.user === 'carl')!;
    expect([carl.access, carl.via, carl.revocable, carl.heldThrough]).toEqual(['role:agent', 'group:agents > role:agent', false, 'through group `agents` (owner `sam`): revoke the membership instead']);
  });

  it('lists what no reviewer covers: groups without owner, privileged roles without owner, externals without sponsor', () => {
    const { campaign } = campaignOf(reviewPolicy);
    expect(campaign.unownedGroups).toEqual(['loose']);
    expect(campaign.unownedPrivilegedRoles).toEqual(['auditor']);
    expect(campaign.unsponsored).toEqual(['yuri']);
  });

  it('due: the oldest last review plus reviewMaxAgeDays; never reviewed is due now', () => {
    const reviewed = reviewPolicy.replace('carl: { type: internal }', 'carl: { type: internal, reviewedAt: 2026-10-01 }').replace('ivy: { type: internal, status: inactive }', 'ivy: { type: internal, status: inactive, reviewedAt: 2026-10-01 }');
    const { campaign } = campaignOf(reviewed.replace('agents: { owner: sam, roles: [agent], members: [bob, carl, ivy] }', 'agents: { owner: sam, roles: [agent], members: [bob, carl, ivy], reviewedAt: 2026-08-30 }'));
    expect(campaign.packets.find((p) => p.reviewer === 'sam')!.due).toBe('2026-11-28');
  });

  it('with usage data: the last use of each row (the membership\'s roles, the role and what it contains)', () => {
    const { campaign } = campaignOf(reviewPolicy, 'user,role,lastUsed\nbob,viewer,2026-11-02\nbob,admin,2026-10-01\nxena,portal,\n');
    const olga = campaign.packets.find((p) => p.reviewer === 'olga')!;
    expect(olga.rows.map((r) => [r.user, r.access, r.lastUsed])).toEqual([
      ['olga', 'group:everyone', ''],
      ['bob', 'role:admin', '2026-11-02'],
      ['xena', 'role:portal', ''],
      ['yuri', 'role:portal', ''],
    ]);
    expect(packetCsv(olga, true).split('\r\n')[0]).toBe('user,access,scope,via,expires,lastReviewed,decision,lastUsed');
  });
});

describe('currentRow', () => {
  it('is the row a packet shows, for apply to compare against; undefined when the access is gone', () => {
    const { view } = campaignOf(reviewPolicy);
    expect(currentRow(view, 'bob', 'role:admin')).toMatchObject({ via: 'role:admin', expires: '2027-01-31', revocable: true });
    expect(currentRow(view, 'bob', 'group:agents')).toMatchObject({ via: 'group:agents', scope: 'role:agent role:viewer' });
    expect(currentRow(view, 'carl', 'role:admin')).toBeUndefined();
    expect(currentRow(view, 'olga', 'group:agents')).toBeUndefined(); // a member only through... nothing: olga is in `everyone`
    expect(currentRow(view, 'bob', 'group:nope')).toBeUndefined();
    expect(currentRow(view, 'bob', 'user:bob')).toBeUndefined();
  });
});

describe('packet files', () => {
  it('CSV: the SPEC header, one row per access, decision empty, CRLF', () => {
    const { campaign } = campaignOf(reviewPolicy);
    const csv = packetCsv(campaign.packets.find((p) => p.reviewer === 'olga')!, false);
    expect(csv).toBe(
      'user,access,scope,via,expires,lastReviewed,decision\r\n' +
        'olga,group:everyone,role:viewer,group:everyone,,2026-10-01,\r\n' +
        'bob,role:admin,role:admin role:agent role:viewer,role:admin,2027-01-31,2026-09-01,\r\n' +
        'xena,role:portal,role:portal,role:portal,,2026-10-15,\r\n' +
        'yuri,role:portal,role:portal,role:portal,,,\r\n',
    );
  });

  it('HTML: self-contained (no script, no network), every policy value escaped', () => {
    const hostile = reviewPolicy.replace("bob: { type: internal,", "bob: { type: internal, name: \"<script>alert('x')</script> & <img src=x onerror=y>\",").replace('olga: { type: internal,', 'olga: { type: internal, name: "Olga </title><b>",');
    const { campaign, result } = campaignOf(hostile);
    for (const packet of campaign.packets) {
      const html = packetHtml(packet, campaign, result.model);
      expect(html).not.toMatch(/<script|<img|<iframe|<link|<a\s|https?:\/\/|url\(/i);
      if (packet.rows.some((r) => r.user === 'bob')) expect(html).toContain('&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; &#60;img src=x onerror=y&#62;');
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    }
    const index = campaignIndex(campaign, result.model, 'policies');
    expect(index).toContain('Olga \\</title\\>\\<b\\>');
    expect(index).not.toContain('<b>');
  });
});

import { describe, expect, it } from 'vitest';
import { formatDiff, type UserChange } from '../../src/diff/index.js';
import { diffFixture } from './helpers.js';

// Issue 5, "done when": moving a user into a manager group, widening an
// external customer's case scope from own to hierarchy, replacing an admin
// assignment by an agent one and adding a new admin user.
describe('the pull-request scenario (test/fixtures/diff/pr-scenario)', () => {
  const report = diffFixture('pr-scenario');
  const user = (id: string): UserChange => {
    const change = report.users.find((u) => u.user === id);
    if (!change) throw new Error(`no change for ${id}`);
    return change;
  };

  it('lists the gains and losses of each user, each gain with its path', () => {
    expect(report.users.map((u) => `${u.user}:${u.status}`)).toEqual(['alice:changed', 'carla:changed', 'erin:changed', 'frank:added']);

    const alice = user('alice');
    expect(alice.added.map((g) => g.permission)).toEqual(['approval.approve', 'case.assign']);
    expect(alice.removed).toEqual([]);
    expect(alice.rolesAdded.map((r) => r.role)).toEqual(['manager']);
    expect(alice.added[1]!.path).toBe(
      'user alice > group csm-managers (test/fixtures/diff/pr-scenario/head/groups.yaml:10) > role manager (test/fixtures/diff/pr-scenario/head/groups.yaml:9) > grant case.assign (test/fixtures/diff/pr-scenario/head/roles.yaml:20)',
    );

    const carla = user('carla');
    expect(carla.changed).toEqual([
      expect.objectContaining({ permission: 'case.read', from: 'own', to: 'hierarchy', widened: true, path: expect.stringContaining('grant case.read@hierarchy (test/fixtures/diff/pr-scenario/head/roles.yaml:11)') }),
    ]);
    expect(carla.added).toEqual([]);

    const erin = user('erin');
    expect(erin.added).toEqual([]);
    expect(erin.removed.map((l) => l.permission)).toEqual(['approval.approve', 'case.assign', 'csm.settings.manage', 'csm.user.manage']);
    expect(erin.rolesRemoved).toEqual(['admin', 'manager']);

    const frank = user('frank');
    expect(frank.added.map((g) => `${g.permission}@${String(g.scope)}`)).toEqual([
      'approval.approve@true',
      'case.assign@true',
      'case.read@all',
      'case.write@all',
      'csm.settings.manage@true',
      'csm.user.manage@true',
      'kb.read@true',
    ]);
    for (const gain of [...frank.added, ...frank.rolesAdded]) expect(gain.path).toMatch(/^user frank > role admin \(test\/fixtures\/diff\/pr-scenario\/head\/users\.yaml:25\)/);
  });

  it('reports escalations for the external customer and the new admin only', () => {
    expect(report.escalations.map((e) => `${e.user} ${e.kind} ${e.role ?? e.permission}`)).toEqual([
      'carla widened-scope case.read',
      'frank privileged-role admin',
      'frank high-risk-permission csm.settings.manage',
      'frank high-risk-permission csm.user.manage',
    ]);
    // alice's medium-risk gain and erin's loss are changes, not escalations
    expect(report.escalations.some((e) => e.user === 'alice' || e.user === 'erin')).toBe(false);
  });

  it('shows group membership changes', () => {
    expect(report.groups).toEqual([
      expect.objectContaining({ group: 'csm-agents', status: 'changed', membersAdded: [], membersRemoved: ['alice'] }),
      expect.objectContaining({ group: 'csm-managers', status: 'changed', membersAdded: ['alice'], membersRemoved: [] }),
    ]);
  });

  it('puts the marker, the counts and the escalations first in the PR comment', () => {
    const md = formatDiff(report, 'md');
    expect(md.startsWith('<!-- rolecall-diff -->\n')).toBe(true);
    const table = md.indexOf('| | count |');
    const escalations = md.indexOf('#### ⚠️ Escalations (4)');
    const users = md.indexOf('#### Users (4)');
    expect(table).toBeGreaterThan(0);
    expect(escalations).toBeGreaterThan(table);
    expect(users).toBeGreaterThan(escalations);
    expect(md).toContain('| ⚠️ **Escalations** | **4** |');
  });
});

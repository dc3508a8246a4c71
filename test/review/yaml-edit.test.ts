import { describe, expect, it } from 'vitest';
import { applyYamlEdits, type YamlEdit } from '../../src/review/yaml-edit.js';

const edit = (text: string, ...edits: YamlEdit[]): string => {
  const result = applyYamlEdits(text, edits);
  if (typeof result !== 'string') throw new Error(result.problem);
  return result;
};

const groups = `
  # Groups (a comment at the top)
  groups:
    agents:
      owner: alice   # the owner
      roles: [agent]
      members:
        # the first member
        - bob   # bob's note
        # about carol
        - carol
        - dave
      reviewedAt: 2026-09-30 # last quarter

    # --- flow style -----
    managers: { roles: [manager], members: [erin, frank, gina] }
    solo:
      members:   # only one
        - henk
`.slice(1);

describe('applyYamlEdits: group members', () => {
  it('removes a middle member line and nothing else, comments above it kept', () => {
    expect(edit(groups, { kind: 'remove-member', group: 'agents', user: 'carol' })).toBe(groups.replace('        - carol\n', ''));
  });

  it('removes the first member with its trailing comment; the comment above the list stays', () => {
    expect(edit(groups, { kind: 'remove-member', group: 'agents', user: 'bob' })).toBe(groups.replace("        - bob   # bob's note\n", ''));
  });

  it('removes the last member of a block list', () => {
    expect(edit(groups, { kind: 'remove-member', group: 'agents', user: 'dave' })).toBe(groups.replace('        - dave\n', ''));
  });

  it('removes every member of a block list: `members: []`, comments on their lines', () => {
    const out = edit(groups, { kind: 'remove-member', group: 'agents', user: 'bob' }, { kind: 'remove-member', group: 'agents', user: 'carol' }, { kind: 'remove-member', group: 'agents', user: 'dave' });
    expect(out).toBe(groups.replace("      members:\n        # the first member\n        - bob   # bob's note\n        # about carol\n        - carol\n        - dave\n", '      members: []\n        # the first member\n        # about carol\n'));
    expect(edit(groups, { kind: 'remove-member', group: 'solo', user: 'henk' })).toBe(groups.replace('      members:   # only one\n        - henk\n', '      members: []   # only one\n'));
  });

  it('removes from a flow list: first, middle, last, only', () => {
    const line = (members: string) => groups.replace('members: [erin, frank, gina]', `members: [${members}]`);
    expect(edit(groups, { kind: 'remove-member', group: 'managers', user: 'erin' })).toBe(line('frank, gina'));
    expect(edit(groups, { kind: 'remove-member', group: 'managers', user: 'frank' })).toBe(line('erin, gina'));
    expect(edit(groups, { kind: 'remove-member', group: 'managers', user: 'gina' })).toBe(line('erin, frank'));
    const one = line('erin');
    expect(edit(one, { kind: 'remove-member', group: 'managers', user: 'erin' })).toBe(line(''));
  });

  it('sets an existing reviewedAt in place, keeping its comment', () => {
    expect(edit(groups, { kind: 'set-reviewed', section: 'groups', id: 'agents', date: '2026-11-22' })).toBe(groups.replace('reviewedAt: 2026-09-30 # last quarter', 'reviewedAt: 2026-11-22 # last quarter'));
  });

  it('adds reviewedAt as the last key of a block group, before the comments that follow it', () => {
    expect(edit(groups, { kind: 'set-reviewed', section: 'groups', id: 'solo', date: '2026-11-22' })).toBe(groups + '      reviewedAt: 2026-11-22\n');
    const commented = groups.replace('    # --- flow style', '      # trailing note\n\n    # --- flow style');
    const withoutReview = commented.replace('      reviewedAt: 2026-09-30 # last quarter\n', '');
    expect(edit(withoutReview, { kind: 'set-reviewed', section: 'groups', id: 'agents', date: '2026-11-22' })).toBe(
      withoutReview.replace('        - dave\n', '        - dave\n      reviewedAt: 2026-11-22\n'),
    );
  });

  it('adds reviewedAt to a flow group', () => {
    expect(edit(groups, { kind: 'set-reviewed', section: 'groups', id: 'managers', date: '2026-11-22' })).toBe(
      groups.replace('{ roles: [manager], members: [erin, frank, gina] }', '{ roles: [manager], members: [erin, frank, gina], reviewedAt: 2026-11-22 }'),
    );
  });
});

const users = `
  users:
    alice:
      name: Alice
      type: internal
      roles:
        - agent
        # temporary
        - { role: admin, expires: 2027-01-31, reason: audit }
        - role: trust_guest
          expires: 2027-03-31
    bob: { type: external, sponsor: alice, roles: [agent, viewer] }
    carol:
      type: internal
`.slice(1);

describe('applyYamlEdits: user assignments and reviews', () => {
  it('removes a plain, a flow-map and a block-map assignment', () => {
    expect(edit(users, { kind: 'remove-assignment', user: 'alice', role: 'agent' })).toBe(users.replace('        - agent\n', ''));
    expect(edit(users, { kind: 'remove-assignment', user: 'alice', role: 'admin' })).toBe(users.replace('        - { role: admin, expires: 2027-01-31, reason: audit }\n', ''));
    expect(edit(users, { kind: 'remove-assignment', user: 'alice', role: 'trust_guest' })).toBe(users.replace('        - role: trust_guest\n          expires: 2027-03-31\n', ''));
    expect(edit(users, { kind: 'remove-assignment', user: 'bob', role: 'viewer' })).toBe(users.replace('roles: [agent, viewer]', 'roles: [agent]'));
  });

  it('adds reviewedAt before `roles` in a block user, last in a user without roles, last in a flow user', () => {
    expect(edit(users, { kind: 'set-reviewed', section: 'users', id: 'alice', date: '2026-11-22' })).toBe(users.replace('      type: internal\n      roles:', '      type: internal\n      reviewedAt: 2026-11-22\n      roles:'));
    expect(edit(users, { kind: 'set-reviewed', section: 'users', id: 'carol', date: '2026-11-22' })).toBe(users + '      reviewedAt: 2026-11-22\n');
    expect(edit(users, { kind: 'set-reviewed', section: 'users', id: 'bob', date: '2026-11-22' })).toBe(users.replace('roles: [agent, viewer] }', 'roles: [agent, viewer], reviewedAt: 2026-11-22 }'));
  });

  it('keeps CRLF line ends, and adds a line break at the end of a file without one', () => {
    const crlf = users.replace(/\n/g, '\r\n');
    expect(edit(crlf, { kind: 'set-reviewed', section: 'users', id: 'carol', date: '2026-11-22' })).toBe(crlf + '      reviewedAt: 2026-11-22\r\n');
    const open = users.trimEnd();
    expect(edit(open, { kind: 'set-reviewed', section: 'users', id: 'carol', date: '2026-11-22' })).toBe(open + '\n      reviewedAt: 2026-11-22\n');
  });

  it('combines edits in one file', () => {
    const out = edit(
      users,
      { kind: 'remove-assignment', user: 'alice', role: 'agent' },
      { kind: 'remove-assignment', user: 'alice', role: 'trust_guest' },
      { kind: 'set-reviewed', section: 'users', id: 'alice', date: '2026-11-22' },
    );
    expect(out).toBe(users.replace('        - agent\n', '').replace('        - role: trust_guest\n          expires: 2027-03-31\n', '').replace('      type: internal\n      roles:', '      type: internal\n      reviewedAt: 2026-11-22\n      roles:'));
  });

  it('says what it cannot do instead of writing a wrong file', () => {
    expect(applyYamlEdits(users, [{ kind: 'remove-assignment', user: 'carol', role: 'agent' }])).toEqual({ problem: '`users.carol.roles` is not a list in this file' });
    expect(applyYamlEdits(users, [{ kind: 'remove-member', group: 'g', user: 'x' }])).toEqual({ problem: '`groups.g` is not a mapping in this file' });
    expect(applyYamlEdits('a: [\n', [])).toEqual({ problem: 'the file is not one valid YAML document' });
  });
});

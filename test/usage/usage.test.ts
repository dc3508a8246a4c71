import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/stages/load.js';
import { parseUsage } from '../../src/usage/usage.js';

describe('parseUsage', () => {
  it('keeps the latest use per user and item; a time after the date counts as its date; an empty date records no use', () => {
    const usage = parseUsage(
      'user,permission,lastUsed\r\nalice,case.read,2026-10-01\nalice,case.read,2026-11-02T23:59:59+05:00\nalice,case.read,2026-09-01\n bob , kb.read ,\nbob,kb.read,2026-01-01 10:00\n',
      'usage.csv',
    );
    expect(usage.kind).toBe('permission');
    expect(usage.rows).toBe(5);
    expect([...usage.byUser.get('alice')!]).toEqual([['case.read', '2026-11-02']]);
    expect([...usage.byUser.get('bob')!]).toEqual([['kb.read', '2026-01-01']]);
    expect([...usage.firstLine]).toEqual([['alice', 2], ['bob', 5]]);
  });

  it('reads the role kind and accepts a header with spaces around names', () => {
    expect(parseUsage('user, role ,lastUsed\nalice,agent,\n', 'u.csv').kind).toBe('role');
  });

  it('keeps ids that are prototype names as plain keys', () => {
    const usage = parseUsage('user,role,lastUsed\n__proto__,constructor,2026-01-01\n', 'u.csv');
    expect(usage.byUser.get('__proto__')?.get('constructor')).toBe('2026-01-01');
  });

  it.each([
    ['user,role,lastUsed\nalice,agent,2026-1-5\n', 'u.csv:2: `2026-1-5` in column lastUsed of row 2 is not a date'],
    ['user,role,lastUsed\nalice,agent,2026-11-05T25:00\n', 'u.csv:2: `2026-11-05T25:00`'],
    ['user,role,lastUsed\nalice,,2026-11-05\n', 'u.csv:2: row 2 has no role'],
    ['user,role\nalice,agent\n', 'u.csv:1: the header is `user,role`'],
    ['user,role,lastUsed,scope\n', 'u.csv:1: the header is `user,role,lastUsed,scope`'],
  ])('refuses %j', (text, message) => {
    expect(() => parseUsage(text, 'u.csv')).toThrow(InputError);
    expect(() => parseUsage(text, 'u.csv')).toThrow(message);
  });
});

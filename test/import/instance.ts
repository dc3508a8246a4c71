import fc from 'fast-check';
// @ts-expect-error: plain .mjs tooling without types
import { exportTables as exportTablesJs, userRoleRows as userRoleRowsJs, writeExport as writeExportJs } from '../../bench/servicenow.mjs';

/** A ServiceNow instance as bench/servicenow.mjs models it. */
export interface Instance {
  roles: { sys_id: string; name: string; description: string; elevated_privilege: boolean; assignable_by: string }[];
  contains: [string, string][];
  users: { sys_id: string; user_name: string; name: string; email: string; active: boolean; external?: boolean }[];
  groups: { sys_id: string; name: string; description: string; parent: string; manager: string; active: boolean }[];
  groupRoles: [string, string][];
  members: [string, string][];
  direct: [string, string][];
  requested: [string, string][];
  acls: { sys_id: string; name: string; operation: string; active: boolean }[];
  aclRoles: [string, string][];
}

/** One sys_user_has_role row. */
export interface UserRoleRow {
  user: string;
  role: string;
  inherited: boolean;
  state: string;
}

/** An export table: fields, and rows of cells. */
export type Tables = Record<string, { fields: string[]; rows: (string | { value: string; display_value: string })[][] }>;

/** sys_user_has_role as the instance resolves it. */
export const userRoleRows = userRoleRowsJs as (instance: Instance) => UserRoleRow[];
/** The export tables of an instance. */
export const exportTables = exportTablesJs as (instance: Instance) => Tables;
/** Writes an export directory. */
export const writeExport = writeExportJs as (instance: Instance, dir: string, options?: { format?: 'csv' | 'json'; tables?: Tables }) => Promise<void>;

const userNames = ['alice', 'Alice', 'bob smith', 'Bob_Smith', '007', 'josé', 'carol.j', 'dave-o', 'Eve', 'frank'];
const roleNames = ['itil', 'ITIL', 'catalog admin', 'catalog_admin', 'x_app.user', '2fa', 'approver', 'knowledge'];
const groupNames = ['Service Desk', 'service_desk', 'Network', 'CAB', 'Ops EMEA', 'Ops'];

/**
 * Small random instances: users (some inactive, some external), roles with
 * acyclic containment, groups nested through `parent` (some inactive),
 * memberships, group roles and direct assignments; names that need
 * normalising and that collide after it.
 */
export const instanceArbitrary: fc.Arbitrary<Instance> = fc
  .record({
    users: fc.array(fc.record({ name: fc.constantFrom(...userNames), inactive: fc.integer({ min: 0, max: 9 }), external: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 12 }),
    roles: fc.array(fc.record({ name: fc.constantFrom(...roleNames), elevated: fc.boolean() }), { minLength: 1, maxLength: 8 }),
    contains: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
    groups: fc.array(fc.record({ name: fc.constantFrom(...groupNames), parent: fc.option(fc.nat(), { nil: undefined }), inactive: fc.integer({ min: 0, max: 7 }) }), { maxLength: 6 }),
    groupRoles: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 }),
    members: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 }),
    direct: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 16 }),
  })
  .map((raw) => {
    let n = 0;
    const sysId = (): string => `${(++n).toString(16).padStart(32, '0')}`;
    const roles: Instance['roles'] = [
      { sys_id: sysId(), name: 'snc_internal', description: 'Internal', elevated_privilege: false, assignable_by: '' },
      { sys_id: sysId(), name: 'snc_external', description: 'External', elevated_privilege: false, assignable_by: '' },
      ...raw.roles.map((r, i) => ({ sys_id: sysId(), name: `${r.name}${i % 3 === 0 ? '' : ` ${i}`}`, description: `Role ${i}`, elevated_privilege: r.elevated, assignable_by: '' })),
    ];
    const users = raw.users.map((u, i) => ({ sys_id: sysId(), user_name: `${u.name}${i % 2 === 0 ? '' : i}`, name: `User ${i}`, email: `u${i}@example.com`, active: u.inactive !== 0, external: u.external === 0 }));
    const groups: Instance['groups'] = [];
    raw.groups.forEach((g, i) => {
      const parent = g.parent !== undefined && i > 0 ? groups[g.parent % i]!.sys_id : '';
      groups.push({ sys_id: sysId(), name: `${g.name}${i % 2 === 0 ? '' : ` ${i}`}`, description: '', parent, manager: users[i % users.length]!.sys_id, active: g.inactive !== 0 });
    });
    const R = roles.length;
    const contains = new Map<string, [string, string]>();
    for (const [a, b] of raw.contains) {
      const from = 2 + (a % (R - 2));
      const to = 2 + (b % (R - 2));
      if (from < to) contains.set(`${from},${to}`, [roles[from]!.sys_id, roles[to]!.sys_id]);
    }
    const pairs = <T>(list: [number, number][], left: { sys_id: string }[], right: { sys_id: string }[]): [string, string][] => {
      if (left.length === 0 || right.length === 0) return [];
      const out = new Map<string, [string, string]>();
      for (const [a, b] of list) out.set(`${a % left.length},${b % right.length}`, [left[a % left.length]!.sys_id, right[b % right.length]!.sys_id]);
      return [...out.values()];
    };
    const internal = users.filter((u) => !u.external);
    const direct: [string, string][] = users.map((u) => [u.sys_id, u.external ? roles[1]!.sys_id : roles[0]!.sys_id]);
    for (const pair of pairs(raw.direct, internal, roles.slice(2))) direct.push(pair);
    return {
      roles,
      contains: [...contains.values()],
      users,
      groups,
      groupRoles: pairs(raw.groupRoles, groups, roles.slice(2)),
      members: pairs(raw.members, internal, groups),
      direct,
      requested: [],
      acls: [],
      aclRoles: [],
    };
  });

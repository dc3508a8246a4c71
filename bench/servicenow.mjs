// A ServiceNow instance as rolecall reads it, and its table exports.
//
//   generateInstance(size, seed)            a seeded instance at the benchmark's S, M or L shape
//   userRoleRows(instance)                  sys_user_has_role as the instance resolves it: direct rows
//                                           (inherited false) and one inherited row per role a user gets
//                                           through containment or a group (and its parent groups)
//   writeExport(instance, dir, { format })  one file per table: CSV with sys_id references
//                                           (sysparm_display_value=false) or JSON as the Table API returns
//                                           it with sysparm_display_value=all ({ value, display_value })
//   generateServiceNow(size, dir, options)  both, cached by a stamp like bench/generate.mjs
//
// The shape: users (2% inactive, 5% external with snc_external), roles in
// containment levels (a role contains 1 to 3 roles of the next level, up to 4
// deep), groups nested up to 6 deep through `parent` (1% inactive), 1 or 2
// groups per active user, ACLs (read/write/create/delete on generated tables)
// each granted to 1 or 2 roles, and a few requested (not active) role rows.
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sizes } from './generate.mjs';

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLE_DEPTH = 4;
const GROUP_DEPTH = 6;

/** A seeded instance at size S, M or L (`sizes` of bench/generate.mjs), or an explicit shape. */
export function generateInstance(size, seed = 42) {
  const shape = typeof size === 'string' ? sizes[size] : size;
  const random = prng(seed);
  const int = (n) => Math.floor(random() * n);
  const pick = (list) => list[int(list.length)];
  let counter = 0;
  const sysId = () => {
    counter++;
    let hex = '';
    for (let i = 0; i < 4; i++) hex += Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
    return hex.slice(0, 24) + counter.toString(16).padStart(8, '0');
  };
  const roles = [
    { sys_id: sysId(), name: 'snc_internal', description: 'Internal user', elevated_privilege: false, assignable_by: '', level: -1 },
    { sys_id: sysId(), name: 'snc_external', description: 'External user', elevated_privilege: false, assignable_by: '', level: -1 },
  ];
  const admin = { sys_id: sysId(), name: 'admin', description: 'System administrator', elevated_privilege: false, assignable_by: '', level: -1 };
  const securityAdmin = { sys_id: sysId(), name: 'security_admin', description: 'Elevated: security administration', elevated_privilege: true, assignable_by: admin.sys_id, level: -1 };
  roles.push(admin, securityAdmin);
  for (let i = roles.length; i < shape.roles; i++) {
    roles.push({ sys_id: sysId(), name: `x_app${i % 40}.role_${i}`, description: `Generated role ${i}`, elevated_privilege: false, assignable_by: '', level: i % ROLE_DEPTH });
  }
  const byLevel = Array.from({ length: ROLE_DEPTH }, (_, l) => roles.filter((r) => r.level === l));
  const contains = [];
  for (const role of roles) {
    const next = byLevel[role.level + 1];
    if (role.level < 0 || !next || random() > 0.7) continue;
    const n = 1 + int(3);
    const seen = new Set();
    for (let k = 0; k < n; k++) {
      const child = pick(next);
      if (seen.has(child)) continue;
      seen.add(child);
      contains.push([role.sys_id, child.sys_id]);
    }
  }
  contains.push([admin.sys_id, pick(byLevel[0]).sys_id]);
  const users = [];
  for (let i = 0; i < shape.users; i++) {
    const external = i % 20 === 19;
    const active = !(i % 50 === 7);
    users.push({ sys_id: sysId(), user_name: external ? `partner.user${i}` : `user${i}.example`, name: `User ${i}`, email: `user${i}@example.com`, active, external });
  }
  const groups = [];
  for (let i = 0; i < shape.groups; i++) {
    const level = i % GROUP_DEPTH;
    const parents = level === 0 ? [] : groups.filter((g) => g.level === level - 1);
    const parent = parents.length > 0 && random() < 0.5 ? parents[int(Math.min(parents.length, 50))].sys_id : '';
    groups.push({ sys_id: sysId(), name: `Group ${i}`, description: `Generated group ${i}`, parent, manager: pick(users.slice(0, 100)).sys_id, active: i % 100 !== 99, level });
  }
  const groupRoles = [];
  const assignable = roles.filter((r) => r.level >= 1);
  for (const group of groups) {
    const n = 1 + int(2);
    const seen = new Set();
    for (let k = 0; k < n; k++) {
      const role = pick(assignable);
      if (!seen.has(role)) groupRoles.push([group.sys_id, role.sys_id]);
      seen.add(role);
    }
  }
  const members = [];
  const direct = [];
  const requested = [];
  for (const user of users) {
    direct.push([user.sys_id, user.external ? roles[1].sys_id : roles[0].sys_id]);
    if (user.external) continue;
    const n = 1 + int(2);
    const seen = new Set();
    for (let k = 0; k < n; k++) {
      const group = pick(groups);
      if (!seen.has(group)) members.push([user.sys_id, group.sys_id]);
      seen.add(group);
    }
    if (random() < 0.3) direct.push([user.sys_id, pick(assignable).sys_id]);
    if (random() < 0.01) requested.push([user.sys_id, pick(assignable).sys_id]);
  }
  direct.push([users[0].sys_id, admin.sys_id], [users[1].sys_id, securityAdmin.sys_id]);
  const acls = [];
  const aclRoles = [];
  const operations = ['read', 'write', 'create', 'delete'];
  for (let i = 0; i < shape.permissions; i++) {
    const acl = { sys_id: sysId(), name: i % 10 === 9 ? `x_table${Math.floor(i / 4)}.field${i % 7}` : `x_table${Math.floor(i / 4)}`, operation: operations[i % 4], active: i % 50 !== 49 };
    acls.push(acl);
    const n = 1 + int(2);
    for (let k = 0; k < n; k++) aclRoles.push([acl.sys_id, pick(roles.slice(4)).sys_id]);
  }
  return { roles, contains, users, groups, groupRoles, members, direct, requested, acls, aclRoles };
}

/**
 * sys_user_has_role as the instance resolves it: a direct row (inherited
 * false) per assignment, and an inherited row per role a user holds through
 * containment of a direct role or through a group (members of a child group
 * get the roles of its parents; an inactive group gives nothing, and its
 * parents are not reached through it). Requested rows (state requested) too.
 */
export function userRoleRows(instance) {
  const containsOf = new Map();
  for (const [role, child] of instance.contains) {
    if (!containsOf.has(role)) containsOf.set(role, []);
    containsOf.get(role).push(child);
  }
  const closureCache = new Map();
  const closure = (role) => {
    let set = closureCache.get(role);
    if (set) return set;
    set = new Set([role]);
    closureCache.set(role, set);
    for (const child of containsOf.get(role) ?? []) for (const r of closure(child)) set.add(r);
    return set;
  };
  const groupById = new Map(instance.groups.map((g) => [g.sys_id, g]));
  const rolesOfGroup = new Map();
  for (const [group, role] of instance.groupRoles) {
    if (!rolesOfGroup.has(group)) rolesOfGroup.set(group, []);
    rolesOfGroup.get(group).push(role);
  }
  const groupsOf = new Map();
  for (const [user, group] of instance.members) {
    if (!groupsOf.has(user)) groupsOf.set(user, []);
    groupsOf.get(user).push(group);
  }
  const directOf = new Map();
  for (const [user, role] of instance.direct) {
    if (!directOf.has(user)) directOf.set(user, []);
    directOf.get(user).push(role);
  }
  const rows = [];
  for (const user of instance.users) {
    const direct = directOf.get(user.sys_id) ?? [];
    for (const role of direct) rows.push({ user: user.sys_id, role, inherited: false, state: 'active' });
    const inherited = new Set();
    for (const role of direct) for (const r of closure(role)) if (r !== role) inherited.add(r);
    for (const start of groupsOf.get(user.sys_id) ?? []) {
      let group = groupById.get(start);
      const seen = new Set();
      while (group && group.active && !seen.has(group)) {
        seen.add(group);
        for (const role of rolesOfGroup.get(group.sys_id) ?? []) for (const r of closure(role)) inherited.add(r);
        group = group.parent ? groupById.get(group.parent) : undefined;
      }
    }
    for (const role of [...inherited].sort()) rows.push({ user: user.sys_id, role, inherited: true, state: 'active' });
  }
  for (const [user, role] of instance.requested ?? []) rows.push({ user, role, inherited: false, state: 'requested' });
  return rows;
}

/** The export tables of an instance: name -> { fields, rows (arrays of cells: a string, or { value, display_value } for references) }. */
export function exportTables(instance) {
  const userName = new Map(instance.users.map((u) => [u.sys_id, u.name]));
  const roleName = new Map(instance.roles.map((r) => [r.sys_id, r.name]));
  const groupName = new Map(instance.groups.map((g) => [g.sys_id, g.name]));
  const aclName = new Map(instance.acls.map((a) => [a.sys_id, a.name]));
  const ref = (names, id) => ({ value: id, display_value: id === '' ? '' : (names.get(id) ?? '') });
  const bool = (b) => (b ? 'true' : 'false');
  return {
    sys_user: { fields: ['sys_id', 'user_name', 'name', 'email', 'active'], rows: instance.users.map((u) => [u.sys_id, u.user_name, u.name, u.email, bool(u.active)]) },
    sys_user_role: {
      fields: ['sys_id', 'name', 'description', 'elevated_privilege', 'assignable_by'],
      rows: instance.roles.map((r) => [r.sys_id, r.name, r.description, bool(r.elevated_privilege), ref(roleName, r.assignable_by)]),
    },
    sys_user_role_contains: { fields: ['role', 'contains'], rows: instance.contains.map(([a, b]) => [ref(roleName, a), ref(roleName, b)]) },
    sys_user_group: {
      fields: ['sys_id', 'name', 'description', 'parent', 'manager', 'active'],
      rows: instance.groups.map((g) => [g.sys_id, g.name, g.description, ref(groupName, g.parent), ref(userName, g.manager), bool(g.active)]),
    },
    sys_user_grmember: { fields: ['user', 'group'], rows: instance.members.map(([u, g]) => [ref(userName, u), ref(groupName, g)]) },
    sys_group_has_role: { fields: ['group', 'role'], rows: instance.groupRoles.map(([g, r]) => [ref(groupName, g), ref(roleName, r)]) },
    sys_user_has_role: { fields: ['user', 'role', 'inherited', 'state'], rows: userRoleRows(instance).map((row) => [ref(userName, row.user), ref(roleName, row.role), bool(row.inherited), row.state]) },
    sys_security_acl: { fields: ['sys_id', 'name', 'operation', 'active'], rows: instance.acls.map((a) => [a.sys_id, a.name, a.operation, bool(a.active)]) },
    sys_security_acl_role: { fields: ['sys_security_acl', 'sys_user_role'], rows: instance.aclRoles.map(([a, r]) => [ref(aclName, a), ref(roleName, r)]) },
  };
}

function csvField(text) {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes the instance's exports into `dir`: `csv` (sys_id references) or `json` (Table API with display values). */
export async function writeExport(instance, dir, { format = 'csv', tables = exportTables(instance) } = {}) {
  mkdirSync(dir, { recursive: true });
  for (const [name, table] of Object.entries(tables)) {
    const file = path.join(dir, `${name}.${format}`);
    const stream = createWriteStream(file);
    const write = (text) => (stream.write(text) ? undefined : new Promise((resolve) => stream.once('drain', resolve)));
    if (format === 'csv') {
      await write(table.fields.join(',') + '\r\n');
      let buffer = '';
      for (const row of table.rows) {
        buffer += row.map((cell) => csvField(typeof cell === 'string' ? cell : cell.value)).join(',') + '\r\n';
        if (buffer.length > 1 << 20) {
          await write(buffer);
          buffer = '';
        }
      }
      await write(buffer);
    } else {
      await write('{"result":[');
      let buffer = '';
      table.rows.forEach((row, i) => {
        const record = {};
        table.fields.forEach((field, k) => (record[field] = row[k]));
        buffer += (i === 0 ? '' : ',') + JSON.stringify(record);
      });
      await write(buffer + ']}');
    }
    await new Promise((resolve, reject) => stream.end((error) => (error ? reject(error) : resolve())));
  }
}

/** Generates the instance of `size` and its export into `dir` (skipped when already there with the same parameters). */
export async function generateServiceNow(size, dir, { format = 'csv', seed = 42 } = {}) {
  const stamp = JSON.stringify({ size, seed, format, version: 1 });
  const stampFile = path.join(dir, '.generated');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  rmSync(dir, { recursive: true, force: true });
  await writeExport(generateInstance(size, seed), dir, { format });
  writeFileSync(stampFile, stamp);
}

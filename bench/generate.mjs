// Seeded generator of synthetic organisations in rolecall's format (S, M, L).
// Deterministic: the same size and seed give the same files. The organisations
// are built to compile without error-level findings, so every artifact is
// written and measured.
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Organisation sizes (issue 7). */
export const sizes = {
  S: { permissions: 200, roles: 100, groups: 200, users: 2_000 },
  M: { permissions: 2_000, roles: 1_000, groups: 5_000, users: 50_000 },
  L: { permissions: 5_000, roles: 3_000, groups: 20_000, users: 200_000 },
};

const USERS_PER_FILE = 5_000;
const ROLE_DEPTH = 8;
const GROUP_DEPTH = 6;

/** The policy files of an organisation directory (`*.yaml`, `*.yml`), in sorted walk order. */
export function policyFiles(root) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.yaml') || name.endsWith('.yml')) files.push(p);
    }
  };
  walk(root);
  return files;
}

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

/** Generates organisation `size` into `dir` (skipped when already generated with the same parameters). */
export function generate(size, dir, seed = 42) {
  const shape = sizes[size];
  const stamp = JSON.stringify({ size, seed, shape, version: 8 });
  const stampFile = path.join(dir, '.generated');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'users'), { recursive: true });
  const random = prng(seed);
  const int = (n) => Math.floor(random() * n);
  const pick = (list) => list[int(list.length)];

  // Permissions: resource.action, 30% scoped, a few high/critical (granted only by admin roles).
  const resources = Math.max(10, Math.floor(shape.permissions / 20));
  const permissions = [];
  const out = ['permissions:'];
  for (let i = 0; i < shape.permissions; i++) {
    const id = `p${i % resources}.a${i}`;
    const scoped = random() < 0.3;
    const r = random();
    const risk = i % 97 === 0 ? 'critical' : i % 31 === 0 ? 'high' : r < 0.25 ? 'medium' : 'low';
    permissions.push({ id, scoped, risk });
    out.push(`  ${id}:`, `    description: Generated permission ${i}`, ...(scoped ? ['    scopes: [own, account, all]'] : []), `    risk: ${risk}`);
  }
  writeFileSync(path.join(dir, 'permissions.yaml'), out.join('\n') + '\n');
  const ordinary = permissions.filter((p) => p.risk === 'low' || p.risk === 'medium');
  const risky = permissions.filter((p) => p.risk === 'high' || p.risk === 'critical');
  const grantText = (p) => (p.scoped ? `${p.id}@${pick(['own', 'account', 'all'])}` : p.id);

  // Roles in levels 0..7: a role contains roles of the next level only (depth <= 8).
  // Admin roles (a few) grant the risky permissions, are privileged, contained by nobody.
  const adminCount = Math.max(2, Math.floor(shape.roles / 100));
  const roles = [];
  for (let i = 0; i < shape.roles; i++) roles.push({ id: `r${i}`, level: i < adminCount ? -1 : i % ROLE_DEPTH, admin: i < adminCount });
  const byLevel = Array.from({ length: ROLE_DEPTH }, (_, l) => roles.filter((r) => r.level === l));
  // First pass: grants and containment; second pass: write, with denies only as carve-outs
  // (a role denying one permission that a role it contains grants: the common, intended use).
  for (const role of roles) {
    role.grants = new Set();
    if (role.admin) {
      for (let k = 0; k < Math.max(3, Math.floor(risky.length / adminCount)); k++) role.grants.add(pick(risky));
      continue;
    }
    const n = 8 + int(24);
    for (let k = 0; k < n; k++) role.grants.add(pick(ordinary));
    const next = byLevel[role.level + 1];
    role.contains = [];
    if (next && next.length > 0 && random() < 0.85) {
      const c = 1 + int(3);
      for (let k = 0; k < c; k++) role.contains.push(pick(next));
      role.contains = [...new Set(role.contains)];
    }
  }
  const roleOut = ['roles:'];
  for (const role of roles) {
    roleOut.push(`  ${role.id}:`, `    title: Generated role ${role.id}`);
    if (role.admin) {
      roleOut.push('    privileged: true', '    audience: internal', `    grants: [${[...role.grants].map(grantText).join(', ')}]`);
      continue;
    }
    roleOut.push(`    grants: [${[...role.grants].map(grantText).join(', ')}]`);
    if (role.contains.length > 0) {
      roleOut.push(`    contains: [${role.contains.map((c) => c.id).join(', ')}]`);
      const inner = [...role.contains[0].grants];
      if (random() < 0.01 && inner.length > 0) {
        const denied = pick(inner);
        if (!role.grants.has(denied)) roleOut.push(`    denies: [${denied.id}]`);
      }
    }
  }
  writeFileSync(path.join(dir, 'roles.yaml'), roleOut.join('\n') + '\n');

  // Users: 95% internal; 2% inactive (no access at all); admins get admin roles directly.
  const users = [];
  for (let i = 0; i < shape.users; i++) {
    const external = i % 20 === 19;
    const inactive = !external && i % 50 === 7;
    users.push({ id: `u${i}`, external, inactive, groups: 0 });
  }
  // Groups in levels 0..5: subgroups are at the next level (nesting <= 6).
  const groups = [];
  for (let i = 0; i < shape.groups; i++) groups.push({ id: `g${i}`, level: i % GROUP_DEPTH, members: [] });
  const groupLevels = Array.from({ length: GROUP_DEPTH }, (_, l) => groups.filter((g) => g.level === l));
  const nonAdmin = roles.filter((r) => !r.admin);
  const shallow = nonAdmin.filter((r) => r.level >= 4);
  const internalUsers = users.filter((u) => !u.external && !u.inactive);
  for (const user of users) {
    if (user.external || user.inactive) continue;
    const count = 1 + int(2);
    for (let k = 0; k < count; k++) pick(groups).members.push(user.id);
  }
  const groupOut = ['groups:'];
  for (const group of groups) {
    groupOut.push(`  ${group.id}:`, `    description: Generated group ${group.id}`, `    owner: ${pick(internalUsers).id}`, '    reviewedAt: 2026-11-01');
    const roleCount = 1 + int(2);
    const groupRoles = new Set();
    for (let k = 0; k < roleCount; k++) groupRoles.add(pick(shallow).id);
    groupOut.push(`    roles: [${[...groupRoles].join(', ')}]`);
    const next = groupLevels[group.level + 1];
    if (next && next.length > 0 && random() < 0.5) groupOut.push(`    subgroups: [${pick(next).id}]`);
    // Members one per line, as policy repositories keep long lists (a membership change is a one-line diff).
    if (group.members.length > 0) groupOut.push('    members:', ...[...new Set(group.members)].map((m) => `      - ${m}`));
  }
  writeFileSync(path.join(dir, 'groups.yaml'), groupOut.join('\n') + '\n');

  // External audience: an external role containing only `any` roles, for the external users.
  const externalRoleLines = ['roles:', '  external_portal_user:', '    audience: external', `    grants: [${ordinary.filter((p) => !p.scoped).slice(0, 10).map((p) => p.id).join(', ')}]`];
  writeFileSync(path.join(dir, 'roles-external.yaml'), externalRoleLines.join('\n') + '\n');

  const admins = internalUsers.slice(0, adminCount * 3);
  const adminOf = new Map(admins.map((u, k) => [u.id, roles[k % adminCount].id]));
  for (let f = 0; f * USERS_PER_FILE < users.length; f++) {
    const lines = ['users:'];
    for (const user of users.slice(f * USERS_PER_FILE, (f + 1) * USERS_PER_FILE)) {
      lines.push(`  ${user.id}:`, `    type: ${user.external ? 'external' : 'internal'}`);
      if (user.inactive) {
        lines.push('    status: inactive');
        continue;
      }
      lines.push('    reviewedAt: 2026-10-15');
      if (user.external) {
        lines.push(`    sponsor: ${internalUsers[int(internalUsers.length)].id}`, '    roles: [external_portal_user]');
        continue;
      }
      const direct = [];
      if (adminOf.has(user.id)) direct.push(`{ role: ${adminOf.get(user.id)}, expires: 2027-03-31 }`);
      if (random() < 0.3) direct.push(pick(nonAdmin).id);
      if (random() < 0.05) direct.push(`{ role: ${pick(nonAdmin).id}, expires: ${random() < 0.5 ? '2027-06-30' : '2027-01-31'} }`);
      if (direct.length > 0) lines.push(`    roles: [${direct.join(', ')}]`);
    }
    writeFileSync(path.join(dir, 'users', `users-${String(f).padStart(3, '0')}.yaml`), lines.join('\n') + '\n');
  }
  writeFileSync(
    path.join(dir, 'settings.yaml'),
    ['settings:', '  reviewMaxAgeDays: 90', `  privilegedMaxHolders: 5`, '  maxRolesPerUser: 60', '  rules: { redundant-assignment: off, too-many-roles: off }'].join('\n') + '\n',
  );
  writeFileSync(stampFile, stamp);
}

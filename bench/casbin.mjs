// The peer baseline: node-casbin computing the same effective matrix (RBAC subset:
// role containment, groups and subgroups, direct assignments; scopes, denies and
// expiry are not expressible in plain casbin RBAC and are left out, which only
// makes casbin's job easier).
//   node bench/casbin.mjs DIR plain [SAMPLE]   getImplicitPermissionsForUser per user
//   node bench/casbin.mjs DIR index            getImplicitRolesForUser per user + a hand-made role -> permissions index
import { performance } from 'node:perf_hooks';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { casbinRbacModel } from './casbin-model.mjs';

const [dir, mode, sampleArg] = process.argv.slice(2);
const lib = new URL('../lib/src/', import.meta.url);
const { checkPolicy } = await import(new URL('compile.js', lib));
const { loadPolicyDirectory } = await import(new URL('stages/load.js', lib));
const result = checkPolicy(loadPolicyDirectory(dir, { cwd: process.cwd() }), { asOf: '2026-11-22', rules: [] });
const model = result.model;
const res = result.resolution;

const lines = [];
for (const role of model.roles.values()) {
  for (const grant of role.grants) for (const [p] of res.expand(grant)) lines.push(`p, role:${role.id}, ${res.permissionIds[p]}, use`);
  for (const c of role.contains) lines.push(`g, role:${role.id}, role:${c.id}`);
}
for (const group of model.groups.values()) {
  for (const r of group.roles) lines.push(`g, group:${group.id}, role:${r.id}`);
  for (const m of group.members) if (model.users.get(m.id)?.status !== 'inactive') lines.push(`g, user:${m.id}, group:${group.id}`);
  for (const s of group.subgroups) lines.push(`g, group:${s.id}, group:${group.id}`);
}
for (const user of model.users.values()) {
  if (user.status === 'inactive') continue;
  for (const a of user.roles) if (a.expires === undefined || a.expires >= '2026-11-22') lines.push(`g, user:${user.id}, role:${a.role.id}`);
}
const users = [...model.users.values()].filter((u) => u.status !== 'inactive').map((u) => u.id);
const sample = mode === 'plain' && sampleArg ? Math.min(users.length, Number(sampleArg)) : users.length;
const started = performance.now();
const enforcer = await newEnforcer(newModelFromString(casbinRbacModel), new StringAdapter(lines.join('\n')));
// Role-manager depth: users -> 6 group levels -> 8 role levels.
enforcer.getRoleManager().maxHierarchyLevel = 32;
await enforcer.buildRoleLinks();
const loadMs = performance.now() - started;
let pairs = 0;
const t = performance.now();
if (mode === 'index') {
  const index = new Map();
  for (const [sub, obj] of await enforcer.getPolicy()) {
    let set = index.get(sub);
    if (!set) index.set(sub, (set = []));
    set.push(obj);
  }
  for (let i = 0; i < sample; i++) {
    const roles = await enforcer.getImplicitRolesForUser(`user:${users[i]}`);
    const held = new Set();
    for (const role of roles) for (const obj of index.get(role) ?? []) held.add(obj);
    pairs += held.size;
  }
} else {
  for (let i = 0; i < sample; i++) {
    const permissions = await enforcer.getImplicitPermissionsForUser(`user:${users[i]}`);
    pairs += new Set(permissions.map((p) => p[1])).size;
  }
}
const queryMs = performance.now() - t;
const extrapolatedMs = loadMs + (queryMs * users.length) / sample;
process.stdout.write(JSON.stringify({ mode, users: users.length, sample, pairs, loadMs, queryMs, ms: extrapolatedMs, extrapolated: sample < users.length, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');

// The peer baseline: node-casbin computing rolecall's effective matrix (SPEC §2),
// the pairs of matrix.csv: for every user (inactive ones included), every
// permission they effectively hold, with its effective scope. Semantics, as in
// src/stages/resolve.ts:
//   - role containment, groups and subgroups, direct assignments: casbin `g`
//     links (user -> group -> parent group -> role -> contained role);
//   - a grant is a line `p, role:R, PERMISSION, SCOPE, allow`, SCOPE being the
//     scope it gives (`use` for an unscoped permission); wildcards are expanded
//     over the declared permissions, and a scoped permission granted without a
//     scope gets its widest scope (rolecall's Resolution.expand);
//   - a deny is a line `p, role:R, PERMISSION, *, deny`: like a grant it is
//     inherited through containment, and held through any of the user's
//     effective roles it removes the permission at every scope (rolecall keys
//     denies by permission, whatever scope the deny names);
//   - with several grants the widest scope wins (scopes are declared narrowest
//     to widest; the baseline reads that order from the permission declarations);
//   - assignments that expired before the as-of date (2026-11-22; one expiring
//     on that day still counts), and all assignments and group memberships of
//     inactive users, are left out of the casbin policy text (the policy in
//     effect on that date): inactive users are queried and get nothing.
// The policy text is built from rolecall's bound model outside the timer; the
// enforcer load, the queries and the per-user combination are timed.
//   node bench/casbin.mjs DIR index            getImplicitRolesForUser per user + a hand-made
//                                              role -> (permission, scope level) and denies index
//   node bench/casbin.mjs DIR plain [SAMPLE]   getImplicitPermissionsForUser per user (the lines,
//                                              with scope and effect), combined per user; with
//                                              SAMPLE, the first SAMPLE users, extrapolated
// Prints one JSON line: mode, users, sample, ms (load + query, the query time
// extrapolated to all users when sampled), loadMs, queryMs, extrapolated, pairs
// (the (user, permission) pairs computed), maxRssMB (peak before the check),
// `digest`: sha256 over the computed matrix as `user\tpermission\tscope\n` lines
// (scope empty for an unscoped permission) in bytewise order; in index mode that
// is `tail -n +2 matrix.csv | cut -d, -f1-3 | tr , '\t' | LC_ALL=C sort | sha256sum`
// of `rolecall compile --as-of 2026-11-22`; and `matches`: whether every covered
// user (all users in index mode, the sampled ones in plain mode) has exactly
// the pairs rolecall's own resolution gives (Resolution.userLevels), so that
// rolecall's digest over them is the same (rolecallPairs: its pair count; on a
// mismatch also rolecallDigest, differingUsers and a firstDifference). The check
// runs after the timer (checkMs).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { casbinScopedModel } from './casbin-model.mjs';

const [dir, mode, sampleArg] = process.argv.slice(2);
if (!dir || (mode !== 'index' && mode !== 'plain')) {
  process.stderr.write('usage: node bench/casbin.mjs DIR index | DIR plain [SAMPLE]\n');
  process.exit(2);
}
const asOf = '2026-11-22';
const lib = new URL('../lib/src/', import.meta.url);
const { checkPolicy } = await import(new URL('compile.js', lib));
const { loadPolicyDirectory } = await import(new URL('stages/load.js', lib));
const result = checkPolicy(loadPolicyDirectory(dir, { cwd: process.cwd() }), { asOf, rules: [] });
const model = result.model;
const res = result.resolution;

// The policy text. A scope is written by name; `use` stands for an unscoped permission.
const UNSCOPED = 'use';
const scopeName = (p, level) => {
  const value = res.levelValue(p, level);
  return value === true ? UNSCOPED : value;
};
const lines = [];
for (const role of model.roles.values()) {
  for (const grant of role.grants) for (const [p, level] of res.expand(grant)) lines.push(`p, role:${role.id}, ${res.permissionIds[p]}, ${scopeName(p, level)}, allow`);
  for (const deny of role.denies) for (const [p] of res.expand(deny)) lines.push(`p, role:${role.id}, ${res.permissionIds[p]}, *, deny`);
  for (const c of role.contains) lines.push(`g, role:${role.id}, role:${c.id}`);
}
for (const group of model.groups.values()) {
  for (const r of group.roles) lines.push(`g, group:${group.id}, role:${r.id}`);
  for (const m of group.members) if (model.users.get(m.id)?.status !== 'inactive') lines.push(`g, user:${m.id}, group:${group.id}`);
  for (const s of group.subgroups) lines.push(`g, group:${s.id}, group:${group.id}`);
}
for (const user of model.users.values()) {
  if (user.status === 'inactive') continue;
  for (const a of user.roles) if (a.expires === undefined || a.expires >= asOf) lines.push(`g, user:${user.id}, role:${a.role.id}`);
}
// The permission declarations, as the baseline's own data: a number per id (sorted
// order) and the scopes, narrowest to widest (a scope's level is its position + 1).
const permIds = [...model.permissions.keys()].sort();
const declared = new Map(permIds.map((id, n) => [id, { n, scopes: model.permissions.get(id).scopes ?? [] }]));
// Every user is queried, inactive ones included (casbin has no links for them, so they get nothing).
const users = [...model.users.keys()];
const sample = mode === 'plain' && sampleArg ? Math.min(users.length, Number(sampleArg)) : users.length;

// Per-user combination: widest level per permission, then denies remove permissions.
// Results go to typed arrays (user i's pairs at offsets[i] .. offsets[i + 1]).
const P = permIds.length;
const grant = new Uint8Array(P);
const deny = new Uint8Array(P);
const touched = new Int32Array(P);
const deniedAt = new Int32Array(P);
let touchedCount = 0;
let deniedCount = 0;
const offsets = new Int32Array(sample + 1);
const PermArray = P <= 0xffff ? Uint16Array : Int32Array;
let outPerm = new PermArray(1 << 16);
let outLevel = new Uint8Array(1 << 16);
let pairs = 0;
const levelOf = (d, act) => (act === UNSCOPED ? 1 : d.scopes.indexOf(act) + 1);
function allow(p, level) {
  if (grant[p] === 0) touched[touchedCount++] = p;
  if (level > grant[p]) grant[p] = level;
}
function denyPermission(p) {
  if (deny[p] === 0) {
    deny[p] = 1;
    deniedAt[deniedCount++] = p;
  }
}
function flush(i) {
  if (pairs + touchedCount > outPerm.length) {
    const size = Math.max(Math.ceil(outPerm.length * 1.5), pairs + touchedCount);
    const perm = new PermArray(size);
    const level = new Uint8Array(size);
    perm.set(outPerm.subarray(0, pairs));
    level.set(outLevel.subarray(0, pairs));
    outPerm = perm;
    outLevel = level;
  }
  for (let k = 0; k < touchedCount; k++) {
    const p = touched[k];
    if (deny[p] === 0) {
      outPerm[pairs] = p;
      outLevel[pairs++] = grant[p];
    }
    grant[p] = 0;
  }
  for (let k = 0; k < deniedCount; k++) deny[deniedAt[k]] = 0;
  touchedCount = 0;
  deniedCount = 0;
  offsets[i + 1] = pairs;
}

const started = performance.now();
const enforcer = await newEnforcer(newModelFromString(casbinScopedModel), new StringAdapter(lines.join('\n')));
// Role-manager depth: users -> 6 group levels -> 8 role levels.
enforcer.getRoleManager().maxHierarchyLevel = 32;
await enforcer.buildRoleLinks();
const loadMs = performance.now() - started;
const t = performance.now();
if (mode === 'index') {
  // role -> its grants (permission number, level) and denies (permission numbers).
  const index = new Map();
  for (const [sub, obj, act, eft] of await enforcer.getPolicy()) {
    let entry = index.get(sub);
    if (!entry) index.set(sub, (entry = { perms: [], levels: [], denies: [] }));
    const d = declared.get(obj);
    if (eft === 'deny') entry.denies.push(d.n);
    else {
      entry.perms.push(d.n);
      entry.levels.push(levelOf(d, act));
    }
  }
  for (let i = 0; i < sample; i++) {
    const roles = await enforcer.getImplicitRolesForUser(`user:${users[i]}`);
    for (const role of roles) {
      const entry = index.get(role);
      if (entry === undefined) continue; // a group, or a role without lines
      const { perms, levels, denies } = entry;
      for (let k = 0; k < perms.length; k++) allow(perms[k], levels[k]);
      for (let k = 0; k < denies.length; k++) denyPermission(denies[k]);
    }
    flush(i);
  }
} else {
  for (let i = 0; i < sample; i++) {
    const permissions = await enforcer.getImplicitPermissionsForUser(`user:${users[i]}`);
    for (const [, obj, act, eft] of permissions) {
      const d = declared.get(obj);
      if (eft === 'deny') denyPermission(d.n);
      else allow(d.n, levelOf(d, act));
    }
    flush(i);
  }
}
const queryMs = performance.now() - t;
const extrapolatedMs = loadMs + (queryMs * users.length) / sample;
const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024); // before the digests

// After the timer: each covered user's pairs, sorted, are compared with rolecall's
// (Resolution.userLevels: ascending permission indices with levels, level i + 1
// being scope i, 1 for an unscoped permission) and hashed. Users are sorted and
// pairs sorted by permission number (the sorted order of the ids), so the lines
// are hashed in bytewise order. Equal pairs give equal lines, so when every user
// matches rolecall's digest is this digest; otherwise it is computed too.
const checkStarted = performance.now();
const pieces = permIds.map((id) => {
  const scopes = declared.get(id).scopes;
  return scopes.length === 0 ? [undefined, `\t${id}\t\n`] : [undefined, ...scopes.map((s) => `\t${id}\t${s}\n`)];
});
/** A user's pairs as sorted codes, permission number * 256 + level. */
function codesOf(perms, levels, toNumber) {
  const codes = new Int32Array(perms.length);
  for (let k = 0; k < perms.length; k++) codes[k] = (toNumber ? toNumber[perms[k]] : perms[k]) * 256 + levels[k];
  return codes.sort();
}
/** `user\tpermission\tscope\n` for each code. */
function linesOf(id, codes) {
  let chunk = '';
  for (let k = 0; k < codes.length; k++) chunk += id + pieces[codes[k] >> 8][codes[k] & 255];
  return chunk;
}
const sameCodes = (a, b) => a.length === b.length && a.every((code, k) => code === b[k]);
const rolecallToNumber = Int32Array.from(res.permissionIds, (id) => declared.get(id).n);
const position = new Map(users.slice(0, sample).map((id, i) => [id, i]));
const covered = [...position.keys()].sort();
const casbinOf = (id) => {
  const i = position.get(id);
  return codesOf(outPerm.subarray(offsets[i], offsets[i + 1]), outLevel.subarray(offsets[i], offsets[i + 1]));
};
const rolecallOf = (id) => {
  const { perms, levels } = res.userLevels(res.userIndex.get(id));
  return codesOf(perms, levels, rolecallToNumber);
};
const hash = createHash('sha256');
let rolecallPairs = 0;
let differingUsers = 0;
let firstDifference;
for (const id of covered) {
  const mine = casbinOf(id);
  const theirs = rolecallOf(id);
  rolecallPairs += theirs.length;
  if (!sameCodes(mine, theirs)) {
    differingUsers++;
    if (!firstDifference) {
      const line = (code) => linesOf(id, [code]).trimEnd();
      firstDifference = {
        user: id,
        onlyCasbin: [...mine].filter((c) => !theirs.includes(c)).slice(0, 5).map(line),
        onlyRolecall: [...theirs].filter((c) => !mine.includes(c)).slice(0, 5).map(line),
      };
    }
  }
  if (mine.length) hash.update(linesOf(id, mine));
}
const digest = `sha256:${hash.digest('hex')}`;
const matches = differingUsers === 0;
let rolecallDigest = digest;
if (!matches) {
  const theirs = createHash('sha256');
  for (const id of covered) {
    const codes = rolecallOf(id);
    if (codes.length) theirs.update(linesOf(id, codes));
  }
  rolecallDigest = `sha256:${theirs.digest('hex')}`;
}
const checkMs = performance.now() - checkStarted;
process.stdout.write(
  JSON.stringify({
    mode,
    users: users.length,
    sample,
    pairs,
    loadMs,
    queryMs,
    ms: extrapolatedMs,
    extrapolated: sample < users.length,
    digest,
    matches,
    rolecallPairs,
    ...(matches ? {} : { rolecallDigest, differingUsers, firstDifference }),
    checkMs,
    maxRssMB,
  }) + '\n',
);

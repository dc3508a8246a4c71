import type { Finding, RelatedSpan, Subject } from '../model/diagnostic.js';
import type { Assertion, PermissionRef, Ref } from '../model/policy.js';
import { shortLocation } from '../model/source.js';
import { allPermissionPaths, chainToGrant, shortestPermissionPath, sourcePrefixes, type Hop } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';
import { denyChain, describeDeny, describePath, expiredGrantingAssignments, listIds, permissionAt, userDenyPath } from './support/hygiene.js';
import type { Rule } from './types.js';

/** How many missing or extra holders a heldBy failure spells out. */
const maxListed = 10;

/**
 * An `assertions` entry that does not hold: one finding per failing item, at
 * the assertion's subject, saying what was expected, what was found and the
 * path that gives it. Items naming unknown ids or scopes are left to
 * unknown-reference and invalid-scope.
 */
export const assertionFailed: Rule = {
  meta: { id: 'assertion-failed', description: 'an `assertions` entry does not hold', severity: 'error', stage: 'resolution' },
  check({ model, resolution: res }) {
    const findings: Finding[] = [];
    const heldByChecks: HeldByCheck[] = [];
    for (const assertion of model.assertions) {
      if (assertion.kind === 'user') findings.push(...checkUser(res, assertion));
      else if (assertion.kind === 'role') findings.push(...checkRole(res, assertion));
      else {
        const check = prepareHeldBy(res, assertion);
        if (check) heldByChecks.push(check);
      }
    }
    if (heldByChecks.length > 0) {
      // One pass over all users for every heldBy assertion.
      for (let u = 0; u < res.userIds.length; u++) {
        for (const check of heldByChecks) if (levelOf(res, u, check.p) >= check.required) check.holders.push(u);
      }
      for (const check of heldByChecks) {
        const finding = heldByFinding(res, check);
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
};

type UserAssertion = Extract<Assertion, { kind: 'user' }>;
type RoleAssertion = Extract<Assertion, { kind: 'role' }>;
type PermissionAssertion = Extract<Assertion, { kind: 'permission' }>;

interface HeldByCheck {
  readonly assertion: PermissionAssertion;
  readonly p: number;
  readonly required: number;
  readonly expected: ReadonlyMap<number, Ref>;
  readonly holders: number[];
}

/** The permission index and minimum level a reference asks for; undefined for unknown permissions and scopes (reported elsewhere). */
function requirement(res: Resolution, ref: PermissionRef): { p: number; required: number } | undefined {
  const p = res.permissionIndex.get(ref.permission);
  if (p === undefined) return undefined;
  if (ref.scope === undefined) return { p, required: 1 };
  if (res.scopes[p]!.length === 0) return undefined;
  const required = res.scopeLevel(p, ref.scope);
  return required === undefined ? undefined : { p, required };
}

/** The level at which user u holds p, from their source roles (no per-user arrays). */
function levelOf(res: Resolution, u: number, p: number): number {
  let level = 0;
  for (const s of res.userSources[u]!) {
    if (res.roleDeny[s]![p]) return 0;
    const granted = res.roleGrant[s]![p]!;
    if (granted > level) level = granted;
  }
  return level;
}

/** The level at which role r grants p after its denies. */
function roleLevel(res: Resolution, r: number, p: number): number {
  return res.roleDeny[r]![p] ? 0 : res.roleGrant[r]![p]!;
}

function expectation(ref: PermissionRef, description: string | undefined): RelatedSpan {
  return { span: ref.span, message: description ? `expected here: ${description}` : 'expected here' };
}

function checkUser(res: Resolution, assertion: UserAssertion): Finding[] {
  const u = res.userIndex.get(assertion.subject.id);
  if (u === undefined) return [];
  const userId = assertion.subject.id;
  const subject: Subject = { kind: 'user', id: userId };
  const findings: Finding[] = [];
  let prefixes: Map<number, Hop[]> | undefined;
  const sources = (): Map<number, Hop[]> => (prefixes ??= sourcePrefixes(res, u));
  for (const ref of assertion.has) {
    const need = requirement(res, ref);
    if (!need) continue;
    const level = levelOf(res, u, need.p);
    if (level >= need.required) continue;
    let found: string;
    let fix = `give \`${userId}\` a role that grants \`${ref.text}\``;
    if (level > 0) {
      const path = describePath(shortestPermissionPath(res, u, need.p, sources()) ?? []);
      found = `found \`${permissionAt(res, need.p, level)}\` via ${path}${expiredHint(res, u, need.p, need.required)}`;
    } else {
      const why = whyUserLacks(res, u, need.p, sources(), need.required);
      found = `found ${why.text}`;
      if (why.fix) fix = why.fix;
    }
    findings.push({
      message: `expected \`${userId}\` to hold \`${ref.text}\`, ${found}: ${fix}, or correct the assertion`,
      span: assertion.span,
      subject,
      target: { kind: 'permission', id: ref.permission },
      related: [expectation(ref, assertion.description)],
    });
  }
  for (const ref of assertion.lacks) {
    const need = requirement(res, ref);
    if (!need) continue;
    const level = levelOf(res, u, need.p);
    if (level < need.required) continue;
    const path = shortestPermissionPath(res, u, need.p, sources()) ?? [];
    findings.push({
      message: `expected \`${userId}\` to lack \`${ref.text}\`${ref.scope === undefined ? '' : ' (or wider)'}, found \`${permissionAt(res, need.p, level)}\` via ${describePath(path)}: remove the access that gives it (or deny it), or correct the assertion`,
      span: assertion.span,
      subject,
      target: { kind: 'permission', id: ref.permission },
      related: [expectation(ref, assertion.description), ...pathRelated(path)],
    });
  }
  return findings;
}

/** `; the assignment of \`r\` (users.yaml:5) that would give it expired on 2026-10-31`, for each such assignment. */
function expiredHint(res: Resolution, u: number, p: number, level: number): string {
  const user = res.model.users.get(res.userIds[u]!)!;
  return expiredGrantingAssignments(res, user, p, level)
    .map((a) => `; the assignment of \`${a.role.id}\` (${shortLocation(a.span)}) that would give it expired on ${a.expires!}`)
    .join('');
}

/** Why user u does not hold p at all: inactive, no role, denied (with both paths), or no path (with expired assignments that would give it). */
function whyUserLacks(res: Resolution, u: number, p: number, prefixes: Map<number, Hop[]>, level: number): { text: string; fix?: string } {
  const user = res.model.users.get(res.userIds[u]!)!;
  if (user.status === 'inactive') return { text: `nothing: \`${user.id}\` is inactive (${shortLocation(user.span)})`, fix: `reactivate \`${user.id}\`` };
  const expired = expiredHint(res, u, p, level);
  if (res.userSources[u]!.length === 0) return { text: `nothing: \`${user.id}\` holds no role${expired}` };
  const denied = userDenyPath(res, prefixes, p);
  if (denied) {
    const granted = allPermissionPaths(res, u, p, 20).paths[0];
    return { text: `it granted via ${describePath(granted ?? [])} but denied ${denied}`, fix: 'remove the deny from their roles (a deny overrides every grant)' };
  }
  return { text: `no path: none of their roles grants it${expired}` };
}

/** Short reason for a heldBy list: why an expected user does not hold p at the level asked. */
function shortWhy(res: Resolution, u: number, p: number): string {
  const user = res.model.users.get(res.userIds[u]!)!;
  if (user.status === 'inactive') return 'inactive';
  const level = levelOf(res, u, p);
  if (level > 0) return `holds only \`${permissionAt(res, p, level)}\``;
  const denied = userDenyPath(res, sourcePrefixes(res, u), p);
  if (denied) return `denied ${denied}`;
  return 'no role of theirs grants it';
}

function checkRole(res: Resolution, assertion: RoleAssertion): Finding[] {
  const r = res.roleIndex.get(assertion.subject.id);
  if (r === undefined) return [];
  const roleId = assertion.subject.id;
  const subject: Subject = { kind: 'role', id: roleId };
  const findings: Finding[] = [];
  for (const ref of assertion.grants) {
    const need = requirement(res, ref);
    if (!need) continue;
    const level = roleLevel(res, r, need.p);
    if (level >= need.required) continue;
    let found: string;
    let fix = `grant it in \`${roleId}\` (or a role it contains)`;
    if (level > 0) {
      found = `found \`${permissionAt(res, need.p, level)}\` via ${describePath(chainToGrant(res, r, need.p))}`;
    } else {
      const denied = denyChain(res, r, need.p);
      if (denied && res.roleGrant[r]![need.p]! > 0) {
        found = `found it granted via ${describePath(chainToGrant(res, r, need.p))} but denied ${describeDeny([], denied.chain, denied.deny)}`;
        fix = 'remove the deny (a deny overrides every grant)';
      } else {
        const closure = res.roleClosure[r]!.toArray().filter((c) => c !== r);
        found = `found no grant of it in \`${roleId}\`${closure.length > 0 ? ` or the roles it contains (${listIds(closure.map((c) => res.roleIds[c]!))})` : ''}`;
      }
    }
    findings.push({
      message: `expected role \`${roleId}\` to grant \`${ref.text}\`, ${found}: ${fix}, or correct the assertion`,
      span: assertion.span,
      subject,
      target: { kind: 'permission', id: ref.permission },
      related: [expectation(ref, assertion.description)],
    });
  }
  for (const ref of assertion.lacks) {
    const need = requirement(res, ref);
    if (!need) continue;
    const level = roleLevel(res, r, need.p);
    if (level < need.required) continue;
    const path = chainToGrant(res, r, need.p);
    findings.push({
      message: `expected role \`${roleId}\` to lack \`${ref.text}\`${ref.scope === undefined ? '' : ' (or wider)'}, found \`${permissionAt(res, need.p, level)}\` via ${describePath(path)}: remove that grant, deny it in \`${roleId}\`, or correct the assertion`,
      span: assertion.span,
      subject,
      target: { kind: 'permission', id: ref.permission },
      related: [expectation(ref, assertion.description), ...pathRelated(path)],
    });
  }
  return findings;
}

function prepareHeldBy(res: Resolution, assertion: PermissionAssertion): HeldByCheck | undefined {
  const need = requirement(res, assertion.subject);
  if (!need) return undefined;
  const expected = new Map<number, Ref>();
  for (const ref of assertion.heldBy) {
    const u = res.userIndex.get(ref.id);
    if (u === undefined) return undefined; // unknown-reference reports it; "exactly these" cannot be judged
    expected.set(u, ref);
  }
  return { assertion, ...need, expected, holders: [] };
}

function heldByFinding(res: Resolution, check: HeldByCheck): Finding | undefined {
  const { assertion, p, expected, holders } = check;
  const holding = new Set(holders);
  const missing = [...expected.keys()].filter((u) => !holding.has(u)).sort((a, b) => a - b);
  const extra = holders.filter((u) => !expected.has(u));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const text = assertion.subject.text;
  const expectedIds = [...expected.keys()].sort((a, b) => a - b).map((u) => res.userIds[u]!);
  const parts: string[] = [];
  if (missing.length > 0) {
    const listed = missing.slice(0, maxListed).map((u) => `\`${res.userIds[u]!}\` (${shortWhy(res, u, p)})`);
    parts.push(`missing: ${listed.join(', ')}${more(missing.length)}`);
  }
  if (extra.length > 0) {
    const listed = extra.slice(0, maxListed).map((u) => `\`${res.userIds[u]!}\` via ${describePath(shortestPermissionPath(res, u, p) ?? [])}`);
    parts.push(`extra: ${listed.join('; ')}${more(extra.length)}`);
  }
  const wanted = expectedIds.length === 0 ? `expected nobody to hold \`${text}\`` : `expected \`${text}\` to be held by exactly ${listIds(expectedIds, maxListed)}`;
  const related: RelatedSpan[] = missing.slice(0, maxListed).map((u) => ({ span: expected.get(u)!.span, message: `\`${res.userIds[u]!}\` does not hold \`${text}\`` }));
  return {
    message: `${wanted}, found ${parts.join('; ')}: change the access, or correct \`heldBy\``,
    span: assertion.span,
    subject: { kind: 'permission', id: assertion.subject.permission },
    targets: [...missing, ...extra].sort((a, b) => a - b).map((u) => ({ kind: 'user', id: res.userIds[u]! })),
    related,
  };
}

function more(count: number): string {
  return count > maxListed ? ` and ${count - maxListed} more` : '';
}

function pathRelated(path: readonly Hop[]): RelatedSpan[] {
  return path.filter((hop) => hop.kind !== 'user' && hop.span !== undefined).map((hop) => ({ span: hop.span!, message: `${hop.kind} \`${hop.id}\`` }));
}

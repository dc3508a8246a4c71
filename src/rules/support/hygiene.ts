import type { Subject, SubjectKind } from '../../model/diagnostic.js';
import type { Assignment, ExceptionDef, GrantRef, UserDef } from '../../model/policy.js';
import { shortLocation } from '../../model/source.js';
import type { Hop } from '../../stages/paths.js';
import type { Resolution } from '../../stages/resolve.js';
import type { RuleContext } from '../types.js';

import { describePath } from './paths.js';

export { describePath };

/** `case.read@own` for a scoped permission at a level, `kb.read` for an unscoped one. */
export function permissionAt(res: Resolution, p: number, level: number): string {
  const value = res.levelValue(p, level);
  return value === true ? res.permissionIds[p]! : `${res.permissionIds[p]!}@${value}`;
}

/** `` `a`, `b`, `c` and 4 more ``: ids in backticks, at most `max` of them. */
export function listIds(ids: readonly string[], max = 5): string {
  const shown = ids.slice(0, max).map((id) => `\`${id}\``);
  const rest = ids.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]!}`;
}

const subjectKinds: ReadonlySet<string> = new Set<SubjectKind>(['user', 'role', 'group', 'permission']);

/** Parses an exception's `kind:id` (`user:alice`); undefined when it is not one of user, role, group, permission. */
export function parseSubjectKey(text: string): Subject | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if (!subjectKinds.has(kind) || id === '') return undefined;
  return { kind: kind as SubjectKind, id };
}

/** True when an assignment still gives its role on the as-of date. */
export function isLive(assignment: Assignment, asOf: string): boolean {
  return assignment.expires === undefined || assignment.expires >= asOf;
}

/**
 * True when part of the policy that could hold a use of something was left out
 * (a file that did not parse or was not read, or a definition or section of
 * one of `sections` quarantined for schema errors). "Nothing uses it" findings
 * are then not trustworthy; the summary already says the rule was not
 * evaluated on those parts.
 */
export function policyIncomplete(context: RuleContext, sections: readonly ('roles' | 'groups' | 'users')[]): boolean {
  if (context.loadProblems.length > 0) return true;
  if (context.files.some((f) => f.partial || (f.root === undefined && f.file.text.trim() !== ''))) return true;
  const kinds = new Set<string>(sections.map((s) => s.slice(0, -1)));
  return context.model.quarantined.some((q) => (q.kind === 'section' ? (sections as readonly string[]).includes(q.id) : kinds.has(q.kind)));
}

/** The shortest chain of `contains` from role r to a role that itself denies p, and that deny entry. */
export function denyChain(res: Resolution, r: number, p: number): { chain: Hop[]; deny: GrantRef } | undefined {
  if (!res.roleDeny[r]![p]) return undefined;
  const previous = new Map<number, number>([[r, -1]]);
  let frontier = [r];
  while (frontier.length > 0) {
    for (const current of frontier) {
      const deny = res.directDenies[current]!.get(p)?.[0];
      if (!deny) continue;
      const chain: Hop[] = [];
      for (let c = current; c !== r; c = previous.get(c)!) {
        const parent = previous.get(c)!;
        const ref = res.model.roles.get(res.roleIds[parent]!)!.contains.find((x) => x.id === res.roleIds[c]);
        chain.push({ kind: 'role', id: res.roleIds[c]!, ...(ref ? { span: ref.span } : {}) });
      }
      return { chain: chain.reverse(), deny };
    }
    const next: number[] = [];
    for (const current of frontier) {
      for (const c of res.containsEdges[current]!) {
        if (previous.has(c)) continue;
        previous.set(c, current);
        next.push(c);
      }
    }
    frontier = next;
  }
  return undefined;
}

/**
 * `via role \`x\` (users.yaml:4) > deny \`kb.publish\` (roles.yaml:8)`: a path ending in the deny entry,
 * or `by its own deny ...` when the role at the start denies it itself.
 */
export function describeDeny(prefix: readonly Hop[], chain: readonly Hop[], deny: GrantRef): string {
  const hops = describePath([...prefix, ...chain]);
  const entry = `deny \`${deny.text}\` (${shortLocation(deny.span)})`;
  return hops === '' ? `by its own ${entry}` : `via ${hops} > ${entry}`;
}

/** The shortest path by which a user's roles deny permission p, described; undefined when nothing denies it. */
export function userDenyPath(res: Resolution, prefixes: ReadonlyMap<number, readonly Hop[]>, p: number): string | undefined {
  let best: { text: string; length: number } | undefined;
  for (const [s, prefix] of [...prefixes].sort((a, b) => a[0] - b[0])) {
    const found = denyChain(res, s, p);
    if (!found) continue;
    const length = prefix.length + found.chain.length;
    if (!best || length < best.length) best = { text: describeDeny(prefix, found.chain, found.deny), length };
  }
  return best?.text;
}

/** Expired direct assignments of a user whose role would have granted p at least at `level` (for "why not" explanations). */
export function expiredGrantingAssignments(res: Resolution, user: UserDef, p: number, level = 1): Assignment[] {
  return user.roles.filter((a) => {
    if (isLive(a, res.asOf)) return false;
    const r = res.roleIndex.get(a.role.id);
    return r !== undefined && !res.roleDeny[r]![p] && res.roleGrant[r]![p]! >= level;
  });
}

/** `` the exception for `sod-conflict` on `user:alice` (with `role:x`) ``: what an exception names, for messages. */
export function describeException(exception: ExceptionDef): string {
  const target = exception.target === undefined ? '' : ` with \`${exception.target}\``;
  return `the exception for \`${exception.rule}\` on \`${exception.subject}\`${target}`;
}

/** The subject (and target) of a finding about an exception: the objects the exception itself names. */
export function exceptionSubject(exception: ExceptionDef): { subject: Subject; target?: Subject } {
  const subject = parseSubjectKey(exception.subject) ?? { kind: 'policy', id: 'settings.exceptions' };
  const target = exception.target === undefined ? undefined : parseSubjectKey(exception.target);
  return target ? { subject, target } : { subject };
}

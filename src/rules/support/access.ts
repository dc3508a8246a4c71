import type { RelatedSpan } from '../../model/diagnostic.js';
import type { Assignment, Risk, RoleDef, UserDef } from '../../model/policy.js';
import { shortLocation } from '../../model/source.js';
import { chainToGrant, shortestSource, sourcePrefixes, type AccessPath, type Hop } from '../../stages/paths.js';
import type { Resolution } from '../../stages/resolve.js';
import type { Bitset } from '../../util/graph.js';

/** How many ids a message names before it says "and N more". */
export const maxListed = 5;

/** `` `a`, `b`, `c` and 2 more ``: the first `max` ids in backticks, then how many were left out. */
export function listIds(ids: readonly string[], max = maxListed): string {
  return listText(
    ids.slice(0, max).map((id) => `\`${id}\``),
    ids.length,
  );
}

/** Already formatted items joined as `a, b and c`, or `a, b, c and 4 more` when `total` is larger than the items shown. */
export function listText(shown: readonly string[], total = shown.length): string {
  const rest = total - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** `1 role` / `3 roles`. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/** True for the risks that must not reach external users and make a role privileged. */
export function isHighRisk(risk: Risk): boolean {
  return risk === 'high' || risk === 'critical';
}

/** Indices of the high- and critical-risk permissions, ascending. */
export function highRiskPermissions(res: Resolution): number[] {
  const out: number[] = [];
  res.permissionIds.forEach((id, p) => {
    if (isHighRisk(res.model.permissions.get(id)!.risk)) out.push(p);
  });
  return out;
}

/** How many members a bitset has. */
export function bitCount(set: Bitset): number {
  let count = 0;
  for (const word of set.words) {
    let w = word - ((word >>> 1) & 0x55555555);
    w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
    count += (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return count;
}

/** True when two bitsets of the same size share a member. */
export function intersects(a: Bitset, b: Bitset): boolean {
  const x = a.words;
  const y = b.words;
  for (let i = 0; i < x.length; i++) if ((x[i]! & y[i]!) !== 0) return true;
  return false;
}

/**
 * For each role, the roles of its closure (itself included) that satisfy
 * `marked`, ascending; `undefined` for roles whose closure holds none. One pass
 * over roles × marked roles: per-user or per-assignment lookups are then O(1).
 */
export function markedInClosure(res: Resolution, marked: (role: RoleDef) => boolean): (readonly number[] | undefined)[] {
  const targets: number[] = [];
  res.roleIds.forEach((id, r) => {
    if (marked(res.model.roles.get(id)!)) targets.push(r);
  });
  return res.roleClosure.map((closure) => {
    const found = targets.filter((t) => closure.has(t));
    return found.length > 0 ? found : undefined;
  });
}

/** True when a direct assignment is past its `expires` (the last day it applies) on the as-of date. */
export function isExpired(assignment: Assignment, asOf: string): boolean {
  return assignment.expires !== undefined && assignment.expires < asOf;
}

/** True for users that get access: active ones. */
export function isActive(user: UserDef): boolean {
  return user.status === 'active';
}

/** Every user in sorted id order, with its index in the resolution. */
export function* usersInOrder(res: Resolution): Generator<[number, UserDef]> {
  for (let u = 0; u < res.userIds.length; u++) yield [u, res.model.users.get(res.userIds[u]!)!];
}

/** Every role in sorted id order, with its index in the resolution. */
export function* rolesInOrder(res: Resolution): Generator<[number, RoleDef]> {
  for (let r = 0; r < res.roleIds.length; r++) yield [r, res.model.roles.get(res.roleIds[r]!)!];
}

/** A permission at a level, as written in a grant: `case.read@account`, or `kb.read` when unscoped. */
export function grantText(res: Resolution, p: number, level: number): string {
  const value = res.levelValue(p, level);
  const id = res.permissionIds[p]!;
  return value === true ? id : `${id}@${value}`;
}

/** One hop in words, without its location: `group \`g\``, `role \`r\``, `grant \`p@s\``. */
function hopLabel(hop: Hop): string {
  return `${hop.kind} \`${hop.id}\``;
}

/**
 * A path in one line, each hop with the file:line that creates it:
 * `` user `carla` > group `globex-contacts` (groups.yaml:4) > role `r` (groups.yaml:3) > grant `p@all` (roles.yaml:9) ``.
 */
export function describePath(path: AccessPath): string {
  return path.map((hop) => (hop.span ? `${hopLabel(hop)} (${shortLocation(hop.span)})` : hopLabel(hop))).join(' > ');
}

/** Related locations for a path: one per hop that is written somewhere, saying what the hop does. */
export function pathRelated(path: AccessPath): RelatedSpan[] {
  const related: RelatedSpan[] = [];
  for (let i = 1; i < path.length; i++) {
    const hop = path[i]!;
    if (!hop.span) continue;
    const previous = path[i - 1]!;
    related.push({ span: hop.span, message: hopMessage(previous, hop) });
  }
  return related;
}

function hopMessage(previous: Hop, hop: Hop): string {
  const from = `\`${previous.id}\``;
  const to = `\`${hop.id}\``;
  switch (hop.kind) {
    case 'group':
      return previous.kind === 'user' ? `user ${from} is a member of group ${to}` : `group ${to} has subgroup ${from}`;
    case 'role':
      if (previous.kind === 'user') return `user ${from} is assigned role ${to}`;
      if (previous.kind === 'group') return `group ${from} gives role ${to}`;
      return `role ${from} contains role ${to}`;
    case 'grant':
      return `role ${from} grants ${to}`;
    default:
      return `${hop.kind} ${to}`;
  }
}

/** Where role r's effective grants of the given permissions are written (one related location per permission found). */
export function grantLocations(res: Resolution, r: number, permissions: readonly number[]): RelatedSpan[] {
  const related: RelatedSpan[] = [];
  for (const p of permissions) {
    const chain = chainToGrant(res, r, p);
    const grant = chain[chain.length - 1];
    if (grant?.kind !== 'grant' || !grant.span) continue;
    const owner = chain.length >= 2 ? chain[chain.length - 2]!.id : res.roleIds[r]!;
    related.push({ span: grant.span, message: `role \`${owner}\` grants \`${grant.id}\`` });
  }
  return related;
}

/** A path in words (`describePath`, without the user hop) and as related locations (`pathRelated`). */
export interface ExplainedPath {
  readonly text: string;
  readonly related: readonly RelatedSpan[];
}

/**
 * Explains, for many (user, permission) pairs, the shortest path by which the
 * user holds the permission: the same path as `shortestPermissionPath`, but the
 * role-to-grant part is described once per (role, permission) and the
 * user-to-role part once per (user, role), so that thousands of findings on
 * one policy do not each re-walk and re-print the same chains.
 */
export class PathExplainer {
  private readonly chains = new Map<number, ExplainedPath>();
  private user = -1;
  private prefixes = new Map<number, Hop[]>();
  private prefixParts = new Map<number, ExplainedPath>();

  constructor(private readonly res: Resolution) {}

  /** The shortest path by which user u holds permission p at its effective level, or undefined when u does not hold it. */
  explain(u: number, p: number): ExplainedPath | undefined {
    const res = this.res;
    const level = res.level(u, p);
    if (level === 0) return undefined;
    if (u !== this.user) {
      this.user = u;
      this.prefixes = sourcePrefixes(res, u);
      this.prefixParts.clear();
    }
    const best = shortestSource(res, this.prefixes, p, level);
    if (!best) return undefined;
    const prefix = this.prefixPart(u, best.r);
    const chain = this.chainPart(best.r, p);
    return { text: chain.text === '' ? prefix.text : `${prefix.text} > ${chain.text}`, related: [...prefix.related, ...chain.related] };
  }

  private prefixPart(u: number, r: number): ExplainedPath {
    let part = this.prefixParts.get(r);
    if (!part) {
      const hops = this.prefixes.get(r)!;
      part = { text: describePath(hops), related: pathRelated([{ kind: 'user', id: this.res.userIds[u]! }, ...hops]) };
      this.prefixParts.set(r, part);
    }
    return part;
  }

  private chainPart(r: number, p: number): ExplainedPath {
    const key = r * this.res.permissionIds.length + p;
    let part = this.chains.get(key);
    if (!part) {
      const hops = chainToGrant(this.res, r, p);
      part = { text: describePath(hops), related: pathRelated([{ kind: 'role', id: this.res.roleIds[r]! }, ...hops]) };
      this.chains.set(key, part);
    }
    return part;
  }
}


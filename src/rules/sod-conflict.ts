import { compareStrings, type Finding, type RelatedSpan, type Subject } from '../model/diagnostic.js';
import type { SodItem, SodSet } from '../model/policy.js';
import { sourcePrefixes } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';
import {
  describeExclusion,
  describeHow,
  excludedRole,
  exclusionIndex,
  exclusionRelated,
  hasAccess,
  joinAnd,
  permissionHeldVia,
  perSourceSet,
  roleHeldVia,
  roleSubject,
  userLevel,
  type Exclusion,
  type HeldVia,
  type SourcePrefixes,
} from './support/conflicts.js';
import type { Rule } from './types.js';

/**
 * A user effectively holds more than `max` items of a separationOfDuties set,
 * or two roles where one `excludes` the other.
 */
export const sodConflict: Rule = {
  meta: {
    id: 'sod-conflict',
    description: 'a user effectively holds more than `max` items of a separationOfDuties set, or two roles where one excludes the other',
    severity: 'error',
    stage: 'resolution',
  },
  *check({ resolution: res }) {
    const sets = compileSets(res);
    const exclusions = exclusionIndex(res);
    const conflictsOf = perSourceSet(res, (u) => userConflicts(res, u, sets, exclusions.upward));
    for (let u = 0; u < res.userIds.length; u++) {
      if (!hasAccess(res, u)) continue;
      const conflicts = conflictsOf(u);
      if (conflicts.sets.length === 0 && conflicts.exclusions.length === 0) continue;
      const prefixes = sourcePrefixes(res, u);
      for (const { set, held } of conflicts.sets) yield setFinding(res, u, set, held, prefixes);
      for (const exclusion of conflicts.exclusions) yield exclusionFinding(res, u, exclusion, prefixes);
    }
  },
};

/** A separationOfDuties item resolved to indices; items naming unknown ids or scopes are left out (other rules report them). */
interface CompiledItem {
  readonly item: SodItem;
  readonly subject: Subject;
  /** `role \`x\``, `permission \`p@scope\``. */
  readonly label: string;
  readonly role?: number;
  readonly permission?: number;
  /** For a permission: the lowest level that counts as holding it. */
  readonly level: number;
}

interface CompiledSet {
  readonly set: SodSet;
  readonly items: readonly CompiledItem[];
}

interface UserConflicts {
  readonly sets: readonly { readonly set: CompiledSet; readonly held: readonly CompiledItem[] }[];
  readonly exclusions: readonly Exclusion[];
}

function compileSets(res: Resolution): CompiledSet[] {
  const out: CompiledSet[] = [];
  for (const set of res.model.separationOfDuties) {
    const items: CompiledItem[] = [];
    for (const item of set.items) {
      if (item.kind === 'role') {
        const role = res.roleIndex.get(item.id);
        if (role !== undefined) items.push({ item, subject: { kind: 'role', id: item.id }, label: `role \`${item.id}\``, role, level: 1 });
      } else {
        const permission = res.permissionIndex.get(item.id);
        if (permission === undefined) continue;
        const level = item.scope === undefined ? 1 : res.scopes[permission]!.indexOf(item.scope) + 1;
        if (level === 0) continue; // invalid-scope reports it
        const text = item.scope === undefined ? item.id : `${item.id}@${item.scope}`;
        items.push({ item, subject: { kind: 'permission', id: item.id }, label: `permission \`${text}\``, permission, level });
      }
    }
    if (items.length > set.max) out.push({ set, items });
  }
  return out.sort((a, b) => compareStrings(a.set.id, b.set.id));
}

function userConflicts(res: Resolution, u: number, sets: readonly CompiledSet[], upward: readonly (readonly Exclusion[])[]): UserConflicts {
  const roles = res.userRoles[u]!;
  const setConflicts: { set: CompiledSet; held: CompiledItem[] }[] = [];
  for (const set of sets) {
    const held = set.items.filter((item) => (item.role !== undefined ? roles.has(item.role) : userLevel(res, u, item.permission!) >= item.level));
    if (held.length > set.set.max) setConflicts.push({ set, held });
  }
  const exclusions: Exclusion[] = [];
  for (const r of roles.toArray()) {
    for (const exclusion of upward[r]!) if (exclusion.b !== r && roles.has(exclusion.b)) exclusions.push(exclusion);
  }
  return { sets: setConflicts, exclusions };
}

function setFinding(res: Resolution, u: number, compiled: CompiledSet, held: readonly CompiledItem[], prefixes: SourcePrefixes): Finding {
  const { set } = compiled;
  const user = res.model.users.get(res.userIds[u]!)!;
  const vias = held.map((item) => itemVia(res, u, item, prefixes));
  const items = held.map((item, i) => `${item.label} (${describeHow(vias[i]!.path)})`);
  const about = set.description ? ` (${set.description.replace(/\.$/, '')})` : '';
  const related: RelatedSpan[] = [
    ...vias.map((via) => via.related),
    { span: set.span, message: `separationOfDuties set \`${set.id}\` allows at most ${set.max} of ${compiled.items.map((i) => i.label).join(', ')}` },
  ];
  return {
    message:
      `user \`${user.id}\` holds ${held.length} item${held.length === 1 ? '' : 's'} of separationOfDuties set \`${set.id}\`${about}, which allows at most ${set.max}: ${joinAnd(items)}; ` +
      `remove assignments until the user holds at most ${set.max} of them, or record an exception in \`settings.exceptions\``,
    span: user.span,
    subject: { kind: 'user', id: user.id },
    target: { kind: 'policy', id: `separationOfDuties:${set.id}` },
    targets: held.map((item) => item.subject),
    related,
    severity: set.severity,
  };
}

function exclusionFinding(res: Resolution, u: number, exclusion: Exclusion, prefixes: SourcePrefixes): Finding {
  const user = res.model.users.get(res.userIds[u]!)!;
  const a = roleHeldVia(res, u, exclusion.a, prefixes)!;
  const b = roleHeldVia(res, u, exclusion.b, prefixes)!;
  const aId = res.roleIds[exclusion.a]!;
  const bId = res.roleIds[exclusion.b]!;
  return {
    message:
      `user \`${user.id}\` holds role \`${aId}\` (${describeHow(a.path)}) and role \`${bId}\` (${describeHow(b.path)}), but ${describeExclusion(res, exclusion)}: ` +
      `remove one of the assignments, or record an exception in \`settings.exceptions\` if the user must hold both`,
    span: user.span,
    subject: { kind: 'user', id: user.id },
    target: roleSubject(res, excludedRole(exclusion)),
    targets: [roleSubject(res, exclusion.a), roleSubject(res, exclusion.b)],
    related: [a.related, b.related, ...exclusionRelated(res, exclusion)],
  };
}

function itemVia(res: Resolution, u: number, item: CompiledItem, prefixes: SourcePrefixes): HeldVia {
  const via = item.role !== undefined ? roleHeldVia(res, u, item.role, prefixes) : permissionHeldVia(res, u, item.permission!, prefixes);
  const user = res.model.users.get(res.userIds[u]!)!;
  return via ?? { path: [], related: { span: user.span, message: `${item.label} held` } };
}


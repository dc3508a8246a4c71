import type { Finding, RelatedSpan } from '../model/diagnostic.js';
import type { Resolution } from '../stages/resolve.js';
import { containedVia, describeExclusion, excludedRole, exclusionIndex, exclusionRelated, roleSubject, type Exclusion } from './support/conflicts.js';
import type { Rule } from './types.js';

/**
 * A role whose own closure holds two mutually exclusive roles (or itself and a
 * role it excludes): every holder of it is in conflict.
 */
export const selfExcludingRole: Rule = {
  meta: { id: 'self-excluding-role', description: "a role's own closure holds two mutually exclusive roles", severity: 'error', stage: 'resolution' },
  *check({ resolution: res }) {
    const { upward } = exclusionIndex(res);
    for (let r = 0; r < res.roleIds.length; r++) {
      const closure = res.roleClosure[r]!;
      for (const member of closure.toArray()) {
        for (const exclusion of upward[member]!) {
          if (exclusion.a === exclusion.b ? exclusion.a === r : closure.has(exclusion.b)) yield finding(res, r, exclusion);
        }
      }
    }
  },
};

function finding(res: Resolution, r: number, exclusion: Exclusion): Finding {
  const role = res.model.roles.get(res.roleIds[r]!)!;
  const a = res.roleIds[exclusion.a]!;
  const b = res.roleIds[exclusion.b]!;
  const related: RelatedSpan[] = [...exclusionRelated(res, exclusion)];
  for (const x of exclusion.a === exclusion.b ? [] : [exclusion.a, exclusion.b]) {
    const chain = containedVia(res, r, x);
    if (chain) related.push(chain);
  }
  let message: string;
  if (exclusion.a === exclusion.b) {
    message = `role \`${role.id}\` excludes itself, so nobody can hold it without a conflict: remove \`${role.id}\` from its own \`excludes\``;
  } else {
    const held = r === exclusion.a || r === exclusion.b ? `role \`${role.id}\` contains role \`${r === exclusion.a ? b : a}\`` : `role \`${role.id}\` contains both role \`${a}\` and role \`${b}\``;
    const inherited = inheritedFrom(res, r, exclusion);
    message =
      `${held}, but ${describeExclusion(res, exclusion)}, so every holder of \`${role.id}\` is in conflict` +
      (inherited === undefined ? '' : ` (it inherits the conflict from contained role \`${res.roleIds[inherited]!}\`)`) +
      `: remove one of them from the containment, or the \`excludes\` entry if they may be held together`;
  }
  return {
    message,
    span: role.span,
    subject: { kind: 'role', id: role.id },
    target: roleSubject(res, excludedRole(exclusion)),
    targets: [roleSubject(res, exclusion.a), roleSubject(res, exclusion.b)],
    related,
  };
}

/** A directly contained role whose own closure already holds both roles of the exclusion (the root cause), if any. */
function inheritedFrom(res: Resolution, r: number, exclusion: Exclusion): number | undefined {
  for (const c of res.containsEdges[r]!) {
    if (c === r) continue;
    const closure = res.roleClosure[c]!;
    if (closure.has(r)) continue; // same containment cycle: the same closure
    if (closure.has(exclusion.a) && closure.has(exclusion.b)) return c;
  }
  return undefined;
}

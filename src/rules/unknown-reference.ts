import type { Finding, Subject } from '../model/diagnostic.js';
import type { DefinitionKind, GrantRef, PermissionRef, PolicyModel, Ref } from '../model/policy.js';
import type { Span } from '../model/source.js';
import { didYouMean } from '../util/suggest.js';
import type { Rule } from './types.js';

const sectionOf: Record<DefinitionKind, string> = { permission: 'permissions', role: 'roles', group: 'groups', user: 'users' };

/** A referenced id is not defined; suggests the nearest defined id of the right kind. */
export const unknownReference: Rule = {
  meta: { id: 'unknown-reference', description: 'a referenced id is not defined', severity: 'error', stage: 'model' },
  *check({ model, resolution }) {
    const known = knownIds(model);
    const findings: Finding[] = [];
    const check = (kind: DefinitionKind, ref: { id: string; span: Span }, owner: Subject, field: string): void => {
      if (known[kind].has(ref.id)) return;
      findings.push({
        message: `${field} ${kind} \`${ref.id}\`, which is not defined${didYouMean(ref.id, known[kind]) || `: define it under \`${sectionOf[kind]}\` or fix the id`}`,
        span: ref.span,
        subject: owner,
        target: { kind, id: ref.id },
      });
    };
    const checkGrant = (grant: GrantRef, owner: Subject, field: string): void => {
      if (!grant.wildcard) {
        check('permission', { id: grant.permission, span: grant.span }, owner, field);
      } else if (resolution.expand(grant).length === 0) {
        findings.push({
          message: `${field} \`${grant.text}\` matches no declared permission: wildcards match declared permissions only, so declare them or fix the prefix`,
          span: grant.span,
          subject: owner,
          target: { kind: 'permission', id: grant.text },
        });
      }
    };
    const checkPermissionRef = (ref: PermissionRef, owner: Subject, field: string): void => check('permission', { id: ref.permission, span: ref.span }, owner, field);
    const refs = (kind: DefinitionKind, list: readonly Ref[], owner: Subject, field: string): void => {
      for (const ref of list) check(kind, ref, owner, field);
    };

    for (const role of model.roles.values()) {
      const owner: Subject = { kind: 'role', id: role.id };
      const name = `role \`${role.id}\``;
      if (role.owner) check('user', role.owner, owner, `${name} is owned by`);
      for (const grant of role.grants) checkGrant(grant, owner, `${name} grants`);
      for (const deny of role.denies) checkGrant(deny, owner, `${name} denies`);
      refs('role', role.contains, owner, `${name} contains`);
      refs('role', role.excludes, owner, `${name} excludes`);
      refs('role', role.requires, owner, `${name} requires`);
      refs('role', role.assignableBy, owner, `${name} assignableBy`);
      if (role.deprecated?.replacedBy) check('role', role.deprecated.replacedBy, owner, `${name} is replaced by`);
    }
    for (const group of model.groups.values()) {
      const owner: Subject = { kind: 'group', id: group.id };
      const name = `group \`${group.id}\``;
      if (group.owner) check('user', group.owner, owner, `${name} is owned by`);
      refs('role', group.roles, owner, `${name} gives`);
      refs('user', group.members, owner, `${name} lists as member`);
      refs('group', group.subgroups, owner, `${name} has as subgroup`);
    }
    for (const user of model.users.values()) {
      const owner: Subject = { kind: 'user', id: user.id };
      if (user.sponsor) check('user', user.sponsor, owner, `user \`${user.id}\` is sponsored by`);
      for (const assignment of user.roles) check('role', assignment.role, owner, `user \`${user.id}\` is assigned`);
    }
    for (const set of model.separationOfDuties) {
      const owner: Subject = { kind: 'policy', id: `separationOfDuties:${set.id}` };
      for (const item of set.items) check(item.kind, item, owner, `separationOfDuties \`${set.id}\` lists`);
    }
    for (const assertion of model.assertions) {
      const owner: Subject = { kind: 'policy', id: 'assertions' };
      if (assertion.kind === 'user') {
        check('user', assertion.subject, owner, 'an assertion is about');
        for (const ref of [...assertion.has, ...assertion.lacks]) checkPermissionRef(ref, owner, `the assertion on user \`${assertion.subject.id}\` names`);
      } else if (assertion.kind === 'role') {
        check('role', assertion.subject, owner, 'an assertion is about');
        for (const ref of [...assertion.grants, ...assertion.lacks]) checkPermissionRef(ref, owner, `the assertion on role \`${assertion.subject.id}\` names`);
      } else {
        checkPermissionRef(assertion.subject, owner, 'an assertion is about');
        refs('user', assertion.heldBy, owner, `the assertion on permission \`${assertion.subject.permission}\` names`);
      }
    }
    for (const exception of model.settings.exceptions) {
      const owner: Subject = { kind: 'policy', id: 'settings.exceptions' };
      check('user', exception.approvedBy, owner, 'an exception is approved by');
      for (const text of [exception.subject, exception.target]) {
        if (text === undefined) continue;
        const colon = text.indexOf(':');
        const kind = text.slice(0, colon) as DefinitionKind;
        if (!Object.hasOwn(sectionOf, kind)) continue;
        check(kind, { id: text.slice(colon + 1), span: exception.span }, owner, 'an exception is about');
      }
    }
    yield* findings;
  },
};

/** Ids defined per kind, including definitions quarantined for schema errors (they exist, just broken). */
export function knownIds(model: PolicyModel): Record<DefinitionKind, Set<string>> {
  const known: Record<DefinitionKind, Set<string>> = {
    permission: new Set(model.permissions.keys()),
    role: new Set(model.roles.keys()),
    group: new Set(model.groups.keys()),
    user: new Set(model.users.keys()),
  };
  for (const q of model.quarantined) {
    if (q.kind === 'permission' || q.kind === 'role' || q.kind === 'group' || q.kind === 'user') known[q.kind].add(q.id);
  }
  return known;
}

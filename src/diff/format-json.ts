import { canonicalJson } from '../util/json.js';
import type { DiffReport, Escalation } from './types.js';

/** A record keyed by user-supplied ids (null prototype: an id may be `constructor`). */
function record<T, V>(items: readonly T[], key: (item: T) => string, value: (item: T) => V): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const item of items) out[key(item)] = value(item);
  return out;
}

/**
 * The `rolecall.diff/v1` document as plain data: users, roles, groups and
 * permissions keyed by id, escalations and findings as sorted lists.
 */
export function diffDocument(report: DiffReport): Record<string, unknown> {
  return {
    format: report.format,
    asOf: report.asOf,
    base: report.base,
    head: report.head,
    incomplete: report.incomplete,
    summary: report.counts,
    escalations: report.escalations.map(escalationEntry),
    users: record(
      report.users,
      (u) => u.user,
      (u) => ({
        status: u.status,
        type: u.type,
        added: record(u.added, (g) => g.permission, (g) => ({ scope: g.scope, risk: g.risk, path: g.path })),
        removed: record(u.removed, (l) => l.permission, (l) => ({ scope: l.scope, risk: l.risk })),
        changed: record(u.changed, (c) => c.permission, (c) => ({ from: c.from, to: c.to, widened: c.widened, risk: c.risk, path: c.path })),
        rolesAdded: record(u.rolesAdded, (r) => r.role, (r) => ({ privileged: r.privileged, path: r.path })),
        rolesRemoved: u.rolesRemoved,
      }),
    ),
    roles: record(
      report.roles,
      (r) => r.role,
      (r) => ({
        status: r.status,
        ...(r.renamedFrom !== undefined ? { renamedFrom: r.renamedFrom } : {}),
        ...(r.renamedTo !== undefined ? { renamedTo: r.renamedTo } : {}),
        privileged: r.privileged,
        grantsAdded: record(r.grantsAdded, (g) => g.permission, (g) => g.scope),
        grantsRemoved: record(r.grantsRemoved, (g) => g.permission, (g) => g.scope),
        grantsChanged: record(r.grantsChanged, (g) => g.permission, (g) => ({ from: g.from, to: g.to })),
        fields: r.fields,
        patch: r.patch,
        holders: r.holders,
      }),
    ),
    groups: record(
      report.groups,
      (g) => g.group,
      (g) => ({
        status: g.status,
        membersAdded: g.membersAdded,
        membersRemoved: g.membersRemoved,
        rolesAdded: g.rolesAdded,
        rolesRemoved: g.rolesRemoved,
        subgroupsAdded: g.subgroupsAdded,
        subgroupsRemoved: g.subgroupsRemoved,
      }),
    ),
    permissions: record(
      report.permissions,
      (p) => p.permission,
      (p) => ({ status: p.status, changes: record(p.changes, (c) => c.field, (c) => ({ from: c.from, to: c.to })) }),
    ),
    findings: report.findings,
  };
}

function escalationEntry(e: Escalation): Record<string, unknown> {
  return { ...e };
}

/** `--format json`: the `rolecall.diff/v1` document, keys sorted, 2-space indented. */
export function formatDiffJson(report: DiffReport): string {
  return canonicalJson(diffDocument(report));
}

import type { DiffReport, Escalation, EscalationKind, ScopeValue } from './types.js';

/** `case.read@account`, or `kb.read` for an unscoped permission. */
export function grantLabel(permission: string, scope: ScopeValue): string {
  return scope === true ? permission : `${permission}@${scope}`;
}

/** A scope for `from -> to` lines: the scope name, or `(unscoped)`. */
export function scopeLabel(scope: ScopeValue): string {
  return scope === true ? '(unscoped)' : scope;
}

/** Words for each escalation kind. */
export const kindLabels: Readonly<Record<EscalationKind, string>> = {
  'privileged-role': 'privileged role',
  'high-risk-permission': 'high-risk permission',
  'widened-scope': 'widened scope',
  'external-access': 'external access',
  'blast-radius': 'blast radius',
};

/** What an escalation is about, without markup: `case.read own -> hierarchy`, `role admin`. */
export function escalationWhat(e: Escalation, arrow = '->'): string {
  switch (e.kind) {
    case 'privileged-role':
      return `role ${e.role ?? ''}`;
    case 'widened-scope':
      return `${e.permission ?? ''} ${scopeLabel(e.from ?? true)} ${arrow} ${scopeLabel(e.to ?? true)} (${e.risk ?? 'low'} risk)`;
    case 'blast-radius':
      return `${e.permission ?? ''} (${e.risk ?? 'high'} risk) reaches ${(e.newHolders ?? 0).toLocaleString('en-US')} new holders, more than settings.maxNewHolders (${(e.maxNewHolders ?? 0).toLocaleString('en-US')})`;
    default:
      return `${grantLabel(e.permission ?? '', e.scope ?? true)} (${e.risk ?? 'low'} risk)`;
  }
}

/** Keys of what a user gains that is an escalation (`user\0permission:p`, `user\0role:r`), to mark them in listings. */
export function escalationMarks(report: DiffReport): Set<string> {
  const marks = new Set<string>();
  for (const e of report.escalations) {
    if (e.user === undefined) continue;
    if (e.role !== undefined) marks.add(`${e.user}\u0000role:${e.role}`);
    if (e.permission !== undefined) marks.add(`${e.user}\u0000permission:${e.permission}`);
  }
  return marks;
}

/** `1 user` / `3 users`. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}

/** True when the report holds no change at all. */
export function isEmpty(report: DiffReport): boolean {
  return (
    report.users.length + report.roles.length + report.groups.length + report.permissions.length + report.escalations.length + report.findings.introduced.length + report.findings.resolved.length ===
    0
  );
}

/** The command that prints the full JSON report of the same comparison. */
export function jsonCommand(report: DiffReport): string {
  const base = report.base.kind === 'git' ? report.base.label : (report.base.path ?? report.base.label);
  const head = report.head.path ?? report.head.label;
  return `rolecall diff --base ${base} --head ${head} --format json --as-of ${report.asOf}`;
}

/** A path without its first hop when that hop is the user already named (`user alice > group g ...` -> `group g ...`). */
export function pathAfterUser(path: string, user: string | undefined): string {
  const prefix = `user ${user ?? ''} > `;
  return user !== undefined && path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** Added role -> the removed role it renames (same definition, new id). */
export function renamedFrom(report: DiffReport): Map<string, string> {
  const out = new Map<string, string>();
  for (const role of report.roles) if (role.renamedFrom !== undefined) out.set(role.role, role.renamedFrom);
  return out;
}

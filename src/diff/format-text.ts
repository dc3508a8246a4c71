import { palette, type Palette } from '../report/color.js';
import { escalationMarks, renamedFrom, escalationWhat, grantLabel, isEmpty, kindLabels, pathAfterUser, plural, scopeLabel } from './format-common.js';
import type { DiffReport, DiffSide } from './types.js';

/** `--format text`: the whole diff for a terminal, coloured when `color` is true. */
export function formatDiffText(report: DiffReport, options: { color?: boolean } = {}): string {
  const c = palette(options.color === true);
  const lines: string[] = [];
  const out = (line = ''): void => {
    lines.push(line);
  };
  out(`${c.bold('rolecall diff')} ${side(report.base)} ${c.dim('->')} ${side(report.head)}, as of ${report.asOf}`);
  for (const note of report.incomplete) out(c.yellow(`warning: ${note}`));
  out();
  const n = report.counts;
  if (isEmpty(report)) {
    out('no changes in effective access, roles, groups, permissions or findings');
    return lines.join('\n') + '\n';
  }
  out(
    [
      n.escalations > 0 ? c.red(c.bold(plural(n.escalations, 'escalation'))) : '0 escalations',
      `${plural(n.users.added + n.users.removed + n.users.changed, 'user')} with changed access (${n.users.added} new, ${n.users.removed} removed)`,
      `permissions ${c.green(`+${n.permissions.gained}`)} ${c.red(`-${n.permissions.lost}`)} ${c.yellow(`~${n.permissions.rescoped}`)}`,
      `roles +${n.roles.added} -${n.roles.removed} ~${n.roles.changed}`,
      `groups +${n.groups.added} -${n.groups.removed} ~${n.groups.changed}`,
      `findings ${n.findings.introduced} introduced, ${n.findings.resolved} resolved`,
    ].join(', '),
  );

  if (report.escalations.length > 0) {
    out();
    out(c.bold('Escalations'));
    for (const e of report.escalations) {
      const who = e.user === undefined ? '' : `${e.user} (${e.userType ?? 'internal'}) `;
      out(`  ${c.red('!')} ${who}${c.red(kindLabels[e.kind])}: ${escalationWhat(e)}`);
      if (e.path) out(`      ${c.dim(`via ${pathAfterUser(e.path, e.user)}`)}`);
    }
  }

  if (report.users.length > 0) {
    out();
    out(c.bold('Users'));
    const marks = escalationMarks(report);
    const renames = renamedFrom(report);
    for (const u of report.users) {
      out(`  ${u.user} ${c.dim(`(${u.type}, ${u.status})`)}`);
      const mark = (kind: string, id: string): string => (marks.has(`${u.user}\u0000${kind}:${id}`) ? ` ${c.red('!')}` : '');
      const via = (path: string): void => {
        if (path) out(`        ${c.dim(`via ${pathAfterUser(path, u.user)}`)}`);
      };
      for (const g of u.added) {
        out(`    ${c.green('+')} ${grantLabel(g.permission, g.scope)} ${c.dim(`(${g.risk})`)}${mark('permission', g.permission)}`);
        via(g.path);
      }
      for (const l of u.removed) out(`    ${c.red('-')} ${grantLabel(l.permission, l.scope)}`);
      for (const r of u.changed) {
        out(`    ${c.yellow('~')} ${r.permission} ${scopeLabel(r.from)} -> ${scopeLabel(r.to)}${r.widened ? '' : c.dim(' (narrowed)')}${mark('permission', r.permission)}`);
        via(r.path);
      }
      for (const r of u.rolesAdded) {
        const rename = renames.has(r.role) ? c.dim(` (renamed from ${renames.get(r.role)!})`) : '';
        out(`    ${c.green('+')} role ${r.role}${r.privileged ? c.dim(' (privileged)') : ''}${rename}${mark('role', r.role)}`);
        via(r.path);
      }
      for (const r of u.rolesRemoved) out(`    ${c.red('-')} role ${r}`);
    }
  }

  if (report.roles.length > 0) {
    out();
    out(c.bold('Roles'));
    for (const r of report.roles) {
      const rename = r.renamedFrom !== undefined ? `, renamed from ${r.renamedFrom}` : r.renamedTo !== undefined ? `, renamed to ${r.renamedTo}` : '';
      const fields = r.status !== 'changed' ? '' : r.fields.length > 0 ? `: ${r.fields.join(', ')}` : ': through contained roles';
      out(`  ${statusSign(c, r.status)} ${r.role} ${c.dim(`(${r.status}${fields}${rename}; holders ${r.holders.before} -> ${r.holders.after})`)}`);
      for (const g of r.grantsAdded) out(`      ${c.green('+')} ${grantLabel(g.permission, g.scope)}`);
      for (const g of r.grantsRemoved) out(`      ${c.red('-')} ${grantLabel(g.permission, g.scope)}`);
      for (const g of r.grantsChanged) out(`      ${c.yellow('~')} ${g.permission} ${scopeLabel(g.from)} -> ${scopeLabel(g.to)}`);
    }
  }

  if (report.groups.length > 0) {
    out();
    out(c.bold('Groups'));
    for (const g of report.groups) {
      out(`  ${statusSign(c, g.status)} ${g.group} ${c.dim(`(${g.status})`)}`);
      const list = (label: string, sign: string, ids: readonly string[]): void => {
        if (ids.length > 0) out(`      ${sign} ${label}: ${ids.join(', ')}`);
      };
      list('members', c.green('+'), g.membersAdded);
      list('members', c.red('-'), g.membersRemoved);
      list('roles', c.green('+'), g.rolesAdded);
      list('roles', c.red('-'), g.rolesRemoved);
      list('subgroups', c.green('+'), g.subgroupsAdded);
      list('subgroups', c.red('-'), g.subgroupsRemoved);
    }
  }

  if (report.permissions.length > 0) {
    out();
    out(c.bold('Permissions'));
    for (const p of report.permissions) {
      const changes = p.changes.map((ch) => `${ch.field} ${ch.from || '(none)'} -> ${ch.to || '(none)'}`).join('; ');
      out(`  ${statusSign(c, p.status)} ${p.permission} ${c.dim(`(${p.status}${changes ? `: ${changes}` : ''})`)}`);
    }
  }

  const { introduced, resolved } = report.findings;
  if (introduced.length + resolved.length > 0) {
    out();
    out(c.bold('Findings'));
    for (const f of introduced) out(`  ${c.red('+')} ${severity(c, f.severity)} ${f.rule} ${f.subject}: ${f.message} ${c.dim(`(${f.file}:${f.line})`)}`);
    for (const f of resolved) out(`  ${c.green('-')} ${severity(c, f.severity)} ${f.rule} ${f.subject}: ${f.message} ${c.dim(`(${f.file}:${f.line}${f.acceptedByException ? ', now accepted by an exception' : ''})`)}`);
  }
  return lines.join('\n') + '\n';
}

function side(s: DiffSide): string {
  return s.kind === 'git' && s.commit ? `${s.label} (${s.commit.slice(0, 12)})` : s.label;
}

function statusSign(c: Palette, status: 'added' | 'removed' | 'changed'): string {
  return status === 'added' ? c.green('+') : status === 'removed' ? c.red('-') : c.yellow('~');
}

function severity(c: Palette, s: 'error' | 'warning' | 'info'): string {
  return s === 'error' ? c.red(s) : s === 'warning' ? c.yellow(s) : c.blue(s);
}

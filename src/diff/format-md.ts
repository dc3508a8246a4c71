import { escalationMarks, renamedFrom, escalationWhat, grantLabel, isEmpty, jsonCommand, kindLabels, pathAfterUser, plural, scopeLabel } from './format-common.js';
import { cell, code, details, fillBudget, html, inline, type BudgetSection as Section } from '../report/markdown-budget.js';
import type { DiffReport, DiffSide, Escalation, FindingChange, GroupChange, PermissionChange, RoleChange, UserChange } from './types.js';

/** The hidden marker that starts every PR comment, so a workflow can update its comment instead of adding one. */
export const commentMarker = '<!-- rolecall-diff -->';

/** GitHub refuses comments over 65,536 characters; the comment stays under this, with room to spare. */
export const defaultCommentBudget = 60_000;

/** Options of the PR-comment format. */
export interface MarkdownOptions {
  /** Most characters of the comment (default 60,000). */
  readonly budget?: number;
  /** Where the full JSON report is (an artifact path); the comment names it when something was cut. */
  readonly jsonPath?: string;
}

/** Most lines listed inside one user's, group's or role's section; the rest are counted. */
const maxItemLines = 25;
/** Most ids listed in one line (members of a group). */
const maxListedIds = 50;
/** Most lines of one role's unified diff. */
const maxPatchLines = 80;

/**
 * `--format md`: the body of a pull-request comment. The hidden marker, a
 * headline table of counts, the escalations, then users, roles, groups,
 * permissions and findings, each item in its own `<details>`. The budget is
 * filled greedily section by section: every item is complete in itself (its
 * tags and code fences closed), an item that does not fit ends its section,
 * and the comment ends by saying what was cut and where the full JSON is.
 *
 * Items are rendered one at a time and dropped once the budget is spent, so
 * a change touching 50,000 users never builds more than the comment.
 */
export function formatDiffMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const budget = options.budget ?? defaultCommentBudget;
  return fillBudget(header(report), buildSections(report), (shown) => footer(report, shown, budget, options.jsonPath), budget);
}

function header(report: DiffReport): string {
  const n = report.counts;
  const lines = [commentMarker, '### rolecall: access changes', '', `Base ${sideText(report.base)} → head ${sideText(report.head)}, as of ${report.asOf}.`, ''];
  for (const note of report.incomplete) lines.push('> [!WARNING]', `> ${inline(capitalize(note))}`, '');
  if (isEmpty(report)) {
    lines.push('No changes in effective access, roles, groups, permissions or findings.', '');
    return lines.join('\n') + '\n';
  }
  lines.push(
    '| | count |',
    '|---|---:|',
    `| ${n.escalations > 0 ? '⚠️ **Escalations**' : 'Escalations'} | ${n.escalations > 0 ? `**${num(n.escalations)}**` : '0'} |`,
    `| Users with changed access | ${num(n.users.added + n.users.removed + n.users.changed)} (${num(n.users.added)} new, ${num(n.users.removed)} removed) |`,
    `| Permissions gained / lost / re-scoped | ${num(n.permissions.gained)} / ${num(n.permissions.lost)} / ${num(n.permissions.rescoped)} |`,
    `| Roles added / removed / changed | ${num(n.roles.added)} / ${num(n.roles.removed)} / ${num(n.roles.changed)} |`,
    `| Groups added / removed / changed | ${num(n.groups.added)} / ${num(n.groups.removed)} / ${num(n.groups.changed)} |`,
    `| Findings introduced / resolved | ${num(n.findings.introduced)} / ${num(n.findings.resolved)} |`,
    '',
  );
  return lines.join('\n') + '\n';
}

function footer(report: DiffReport, shown: readonly { name: string; shown: number; total: number }[], budget: number, jsonPath: string | undefined): string {
  const cut = shown.filter((s) => s.shown < s.total).map((s) => `${s.shown.toLocaleString('en-US')} of ${plural(s.total, s.name)}`);
  const where = `run \`${jsonCommand(report)}\`${jsonPath !== undefined ? ` or see the artifact \`${inline(jsonPath)}\`` : ''}`;
  const text =
    cut.length > 0
      ? `✂️ Cut to fit the ${budget.toLocaleString('en-US')}-character limit of this comment: showing ${cut.join(', ')}. For the full report, ${where}.`
      : `Full report as JSON: ${where}.`;
  return `---\n<sub>${text}</sub>\n`;
}

function buildSections(report: DiffReport): Section[] {
  const marks = escalationMarks(report);
  const renames = renamedFrom(report);
  const { introduced, resolved } = report.findings;
  const more = (shown: number, total: number, noun: string): string => (shown < total ? `_…and ${plural(total - shown, `more ${noun}`, `more ${noun}s`)} (see the full report)._\n\n` : '');
  return [
    {
      name: 'escalation',
      total: report.escalations.length,
      open: `#### ⚠️ Escalations (${num(report.escalations.length)})\n\n| user | escalation | what | via (head) |\n|---|---|---|---|\n`,
      close: (shown) => '\n' + more(shown, report.escalations.length, 'escalation'),
      items: () => map(report.escalations, escalationRow),
      floor: 0,
      cap: 0.4,
    },
    {
      name: 'user',
      total: report.users.length,
      open: `#### Users (${num(report.users.length)})\n\n`,
      close: (shown) => more(shown, report.users.length, 'user'),
      items: () => map(report.users, (u) => userItem(u, marks, renames)),
      floor: 0.25,
      cap: 1,
    },
    {
      name: 'role',
      total: report.roles.length,
      open: `#### Roles (${num(report.roles.length)})\n\n`,
      close: (shown) => more(shown, report.roles.length, 'role'),
      items: () => map(report.roles, roleItem),
      floor: 0.15,
      cap: 1,
    },
    {
      name: 'group',
      total: report.groups.length,
      open: `#### Groups (${num(report.groups.length)})\n\n`,
      close: (shown) => more(shown, report.groups.length, 'group'),
      items: () => map(report.groups, groupItem),
      floor: 0.08,
      cap: 1,
    },
    {
      name: 'permission',
      total: report.permissions.length,
      open: `#### Permissions (${num(report.permissions.length)})\n\n`,
      close: (shown) => '\n' + more(shown, report.permissions.length, 'permission'),
      items: () => map(report.permissions, permissionItem),
      floor: 0.04,
      cap: 1,
    },
    {
      name: 'finding',
      total: introduced.length + resolved.length,
      open: `#### Findings (${num(introduced.length)} introduced, ${num(resolved.length)} resolved)\n\n`,
      close: (shown) => '\n' + more(shown, introduced.length + resolved.length, 'finding'),
      items: () => [...map(introduced, (f) => findingItem(f, 'introduced')), ...map(resolved, (f) => findingItem(f, 'resolved'))],
      floor: 0.1,
      cap: 1,
    },
  ];
}

function* map<T>(items: readonly T[], render: (item: T) => string): Generator<string> {
  for (const item of items) yield render(item);
}

function escalationRow(e: Escalation): string {
  const who = e.user === undefined ? '(all new holders)' : `${code(e.user)} (${e.userType ?? 'internal'})`;
  return `| ${who} | ${kindLabels[e.kind]} | ${cell(escalationWhat(e, '→'))} | ${e.path ? cell(pathAfterUser(e.path, e.user)) : ''} |\n`;
}

function userItem(u: UserChange, marks: ReadonlySet<string>, renames: ReadonlyMap<string, string>): string {
  const counts = [
    u.added.length + u.removed.length + u.changed.length > 0 ? `+${num(u.added.length)} −${num(u.removed.length)} ~${num(u.changed.length)} permissions` : '',
    u.rolesAdded.length + u.rolesRemoved.length > 0 ? `+${num(u.rolesAdded.length)} −${num(u.rolesRemoved.length)} roles` : '',
  ].filter((s) => s !== '');
  const escalated = (kind: string, id: string): boolean => marks.has(`${u.user}\u0000${kind}:${id}`);
  const anyEscalation = [...u.added.map((g) => escalated('permission', g.permission)), ...u.changed.map((c) => escalated('permission', c.permission)), ...u.rolesAdded.map((r) => escalated('role', r.role))].some(Boolean);
  const summary = `${anyEscalation ? '⚠️ ' : ''}<code>${html(u.user)}</code> · ${u.type} · ${u.status}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
  const lines: string[] = [];
  const flag = (on: boolean): string => (on ? '⚠️ ' : '');
  const via = (path: string): string => (path ? ` via ${inline(pathAfterUser(path, u.user))}` : '');
  for (const g of u.added) lines.push(`- ${flag(escalated('permission', g.permission))}➕ ${code(grantLabel(g.permission, g.scope))} (${g.risk})${via(g.path)}`);
  for (const l of u.removed) lines.push(`- ➖ ${code(grantLabel(l.permission, l.scope))}`);
  for (const c of u.changed) {
    lines.push(`- ${flag(escalated('permission', c.permission))}🔁 ${code(c.permission)} ${inline(scopeLabel(c.from))} → ${inline(scopeLabel(c.to))}${c.widened ? '' : ' (narrowed)'}${via(c.path)}`);
  }
  for (const r of u.rolesAdded) lines.push(`- ${flag(escalated('role', r.role))}➕ role ${code(r.role)}${r.privileged ? ' (privileged)' : ''}${renames.has(r.role) ? ` (renamed from ${code(renames.get(r.role)!)})` : ''}${via(r.path)}`);
  for (const r of u.rolesRemoved) lines.push(`- ➖ role ${code(r)}`);
  return details(summary, capLines(lines));
}

function roleItem(r: RoleChange): string {
  const rename = r.renamedFrom !== undefined ? `, renamed from <code>${html(r.renamedFrom)}</code>` : r.renamedTo !== undefined ? `, renamed to <code>${html(r.renamedTo)}</code>` : '';
  const fields = r.status !== 'changed' ? '' : r.fields.length > 0 ? ` (${html(r.fields.join(', '))})` : ' (through contained roles)';
  const summary = `<code>${html(r.role)}</code> · ${r.status}${fields}${rename} · holders ${num(r.holders.before)} → ${num(r.holders.after)}`;
  const lines: string[] = [];
  for (const g of r.grantsAdded) lines.push(`- ➕ ${code(grantLabel(g.permission, g.scope))}`);
  for (const g of r.grantsRemoved) lines.push(`- ➖ ${code(grantLabel(g.permission, g.scope))}`);
  for (const g of r.grantsChanged) lines.push(`- 🔁 ${code(g.permission)} ${inline(scopeLabel(g.from))} → ${inline(scopeLabel(g.to))}`);
  let body = lines.length > 0 ? `Grants after denies:\n\n${capLines(lines)}` : '';
  if (r.patch !== '') body += `${body ? '\n\n' : ''}${fence('diff', r.patch)}`;
  return details(summary, body || '_No change in what it grants._');
}

function groupItem(g: GroupChange): string {
  const counts = [
    g.membersAdded.length + g.membersRemoved.length > 0 ? `+${num(g.membersAdded.length)} −${num(g.membersRemoved.length)} members` : '',
    g.rolesAdded.length + g.rolesRemoved.length > 0 ? `+${num(g.rolesAdded.length)} −${num(g.rolesRemoved.length)} roles` : '',
    g.subgroupsAdded.length + g.subgroupsRemoved.length > 0 ? `+${num(g.subgroupsAdded.length)} −${num(g.subgroupsRemoved.length)} subgroups` : '',
  ].filter((s) => s !== '');
  const summary = `<code>${html(g.group)}</code> · ${g.status}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
  const lines: string[] = [];
  const list = (label: string, ids: readonly string[]): void => {
    if (ids.length === 0) return;
    const shown = ids.slice(0, maxListedIds).map(code).join(', ');
    lines.push(`- ${label}: ${shown}${ids.length > maxListedIds ? ` and ${(ids.length - maxListedIds).toLocaleString('en-US')} more` : ''}`);
  };
  list('➕ members', g.membersAdded);
  list('➖ members', g.membersRemoved);
  list('➕ roles', g.rolesAdded);
  list('➖ roles', g.rolesRemoved);
  list('➕ subgroups', g.subgroupsAdded);
  list('➖ subgroups', g.subgroupsRemoved);
  return details(summary, lines.join('\n') || '_No change in members, roles or subgroups._');
}

function permissionItem(p: PermissionChange): string {
  const changes = p.changes.map((c) => `${c.field} ${inline(c.from || '(none)')} → ${inline(c.to || '(none)')}`).join('; ');
  return `- ${code(p.permission)} ${p.status}${changes ? `: ${changes}` : ''}\n`;
}

function findingItem(f: FindingChange, how: 'introduced' | 'resolved'): string {
  const mark = how === 'introduced' ? '🆕' : '✅';
  const accepted = f.acceptedByException ? ' (now accepted by an exception)' : '';
  return `- ${mark} ${how} **${f.severity}** ${code(f.rule)} on ${code(f.subject)}${f.target ? ` / ${code(f.target)}` : ''}: ${message(f.message)} (${inline(`${f.file}:${f.line}`)})${accepted}\n`;
}

function capLines(lines: readonly string[]): string {
  if (lines.length <= maxItemLines) return lines.join('\n');
  return [...lines.slice(0, maxItemLines), `- _…and ${(lines.length - maxItemLines).toLocaleString('en-US')} more (see the full report)_`].join('\n');
}

/** A fenced code block whose fence is longer than any backtick run inside, so the content can never close it. */
function fence(language: string, content: string): string {
  let lines = content.replace(/\n$/, '').split('\n');
  let cutNote = '';
  if (lines.length > maxPatchLines) {
    cutNote = `\n_…${(lines.length - maxPatchLines).toLocaleString('en-US')} more lines of this diff (see the full report)._`;
    lines = lines.slice(0, maxPatchLines);
  }
  const body = lines.join('\n');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}${language}\n${body}\n${ticks}${cutNote}`;
}

function sideText(side: DiffSide): string {
  return side.kind === 'git' && side.commit ? `${code(side.label)} (${code(side.commit.slice(0, 12))})` : code(side.label);
}

/**
 * A finding message: its backtick code spans kept, the text between them
 * escaped, including Markdown's link, image and emphasis characters: a value
 * quoted from a policy (which may itself hold backticks) can never become a
 * live link or image in the bot's comment.
 */
function message(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const parts = flat.split('`');
  if (parts.length % 2 === 0) return markdownText(flat);
  return parts.map((part, i) => (i % 2 === 1 ? code(part) : markdownText(part))).join('');
}

/** Inline text with every Markdown-active character escaped. */
function markdownText(text: string): string {
  return inline(text).replace(/[\\`*_~[\]!]/g, '\\$&');
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

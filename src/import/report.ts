import { compareStrings } from '../model/diagnostic.js';
import type { DroppedRow, ImportedPolicy, ImportReport } from './model.js';

/** The name of the report `import` writes beside the policy files. */
export const reportFileName = 'import-report.md';

/**
 * import-report.md: what was imported (counts), the files read (with the
 * columns not read and the columns not exported), every row left out grouped
 * by reason with counts, every id that differs from the live name, notes on
 * what is not modelled, and the next steps. Deterministic: sorted, no dates,
 * no absolute paths.
 */
export function formatImportReport(report: ImportReport, policy: ImportedPolicy, command: string): string {
  const users = [...policy.users.values()];
  const inactive = users.filter((u) => u.status === 'inactive').length;
  const external = users.filter((u) => u.type === 'external').length;
  const direct = users.reduce((n, u) => n + u.roles.size, 0);
  const members = [...policy.groups.values()].reduce((n, g) => n + g.members.size, 0);
  const lines: string[] = [
    `# Import report`,
    '',
    `Imported from ${report.system} by \`${command}\`. Every row that was left out and every id that is not the live name is listed below.`,
    '',
    '| | count |',
    '|---|---:|',
    `| users | ${num(users.length)} (${num(inactive)} inactive, ${num(external)} external) |`,
    `| direct role assignments | ${num(direct)} |`,
    `| roles | ${num(policy.roles.size)} |`,
    `| groups | ${num(policy.groups.size)} (${num(members)} memberships) |`,
    `| permissions | ${num(policy.permissions.size)} |`,
    `| ids renamed | ${num(report.renamings.length)} |`,
    `| rows left out | ${num(report.dropped.length)} |`,
    '',
    '## Files read',
    '',
    '| table | file | rows | columns not read | columns not exported |',
    '|---|---|---:|---|---|',
    ...report.tables.map((t) => `| ${t.table} | ${cell(t.file)} | ${num(t.rows)} | ${ids(t.ignoredColumns)} | ${ids(t.absentColumns)} |`),
    '',
  ];
  lines.push(`## Rows left out (${num(report.dropped.length)})`, '');
  if (report.dropped.length === 0) lines.push('None: every row was imported.', '');
  const byReason = new Map<string, DroppedRow[]>();
  for (const row of report.dropped) {
    const list = byReason.get(row.reason);
    if (list) list.push(row);
    else byReason.set(row.reason, [row]);
  }
  const reasons = [...byReason.keys()].sort(compareStrings);
  if (reasons.length > 1) {
    lines.push('| reason | rows |', '|---|---:|', ...reasons.map((r) => `| ${cell(r)} | ${num(byReason.get(r)!.length)} |`), '');
  }
  for (const reason of reasons) {
    const rows = byReason.get(reason)!.sort((a, b) => compareStrings(a.table, b.table) || compareStrings(a.file, b.file) || a.row - b.row || compareStrings(a.detail, b.detail));
    lines.push(`### ${cell(reason)} (${num(rows.length)})`, '', '| file | row | why |', '|---|---:|---|');
    for (const row of rows) lines.push(`| ${cell(row.file)} | ${num(row.row)}${row.line !== undefined ? ` (line ${num(row.line)})` : ''} | ${cell(row.detail)} |`);
    lines.push('');
  }
  lines.push(`## Renamed ids (${num(report.renamings.length)})`, '');
  if (report.renamings.length === 0) lines.push('None: every live name is a valid rolecall id.', '');
  else {
    lines.push(
      'Ids are lowercase `a-z 0-9 _ . -` and start with a letter: other characters became `_`, accents were dropped, a name starting with anything but a letter got a prefix (`u_`, `r_`, `g_`), and names that became the same id were told apart with `-2`, `-3`, ... (the name that already was that id keeps it).',
      '',
      '| kind | live name | id | why |',
      '|---|---|---|---|',
    );
    for (const r of report.renamings) {
      const why = r.reason === 'collision' ? `collides with \`${r.collidesWith ?? ''}\` after normalisation` : 'normalised';
      lines.push(`| ${r.kind} | ${code(r.from)} | ${code(r.to)} | ${cell(why)} |`);
    }
    lines.push('');
  }
  if (report.notes.length > 0) lines.push('## Not modelled', '', ...report.notes.map((n) => `- ${n.replace(/[\r\n]+/g, ' ')}`), '');
  lines.push(
    '## Next steps',
    '',
    '- `rolecall check` on this directory: its findings are findings about the live system (an inactive user who still holds roles, a privileged role with more holders than allowed).',
    '- `rolecall drift --observed <the export>` compares this policy with what the live system resolves (it reports no drift right after an import).',
    '- Commit the directory; from then on, change access in git and keep the live system in step (docs/drift.md).',
    '',
  );
  return lines.join('\n');
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function ids(list: readonly string[]): string {
  return list.length === 0 ? '' : list.map(code).join(', ');
}

/** A table cell: one line, no HTML, pipes escaped. */
function cell(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|');
}

/** A code span that holds any text, inside a table cell. */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${ticks}${pad}${flat.replace(/\|/g, '\\|')}${pad}${ticks}`;
}

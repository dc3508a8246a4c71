import { cell, code, details, fillBudget, html, inline, type BudgetSection, type ShownCount } from '../report/markdown-budget.js';
import { driftCount, type DriftItem, type DriftReport, type DriftUser } from './types.js';

/** The formats of `rolecall drift`. */
export const driftFormats = ['text', 'json', 'md'] as const;

/** A drift output format. */
export type DriftFormatName = (typeof driftFormats)[number];

/** Most characters of the md report, like the diff's PR comment (GitHub's limit is 65,536). */
export const defaultDriftBudget = 60_000;

/** The hidden marker that starts the md report, so a workflow can update its issue or comment. */
export const driftMarker = '<!-- rolecall-drift -->';

/** Most items listed inside one user's section; the rest are counted. */
const maxItemLines = 25;

/** Formats a drift report. */
export function formatDrift(report: DriftReport, format: DriftFormatName, options: { budget?: number } = {}): string {
  switch (format) {
    case 'json':
      return formatDriftJson(report);
    case 'md':
      return formatDriftMarkdown(report, options.budget ?? defaultDriftBudget);
    case 'text':
      return formatDriftText(report);
  }
}

/** `rolecall.drift/v1`, 2-space indented, keys in a fixed order. */
export function formatDriftJson(report: DriftReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** `role itil`, `permission case.read@all`. */
export function itemLabel(item: DriftItem): string {
  if ('role' in item) return `role ${item.role}`;
  return `permission ${item.permission}${item.scope !== undefined ? `@${item.scope}` : ''}`;
}

function itemNote(item: DriftItem, side: 'unexpected' | 'missing'): string {
  if ('role' in item) return '';
  if (side === 'unexpected' && item.policy !== undefined) return ` (the policy grants ${item.policy})`;
  if (side === 'missing' && item.observed !== undefined) return ` (live: only ${item.observed})`;
  return '';
}

function onlyText(user: DriftUser): string {
  return user.only === 'observed' ? ' (live only: not in the policy)' : user.only === 'policy' ? ' (policy only: not in the live system)' : '';
}

/** Plain text: a summary line, then per user `+` unexpected and `-` missing lines. */
export function formatDriftText(report: DriftReport): string {
  const s = report.summary;
  const lines = [
    `drift of ${report.policy.path} against ${report.observed.path} (${kindText(report)}), as of ${report.asOf}, scope ${report.scope}`,
    driftCount(report) === 0
      ? 'no drift: the live system grants what the policy grants'
      : `${plural(s.unexpected, 'unexpected grant')} (live, not in the policy), ${plural(s.missing, 'missing grant')} (in the policy, not live), ${plural(s.users, 'user')}${report.unknownUsers.length > 0 ? `, ${plural(report.unknownUsers.length, 'user')} known to one side only` : ''}`,
  ];
  for (const note of report.notes) lines.push(`note: ${note}`);
  for (const user of report.users) {
    lines.push('', `${user.user}${onlyText(user)}`);
    for (const item of user.unexpected) lines.push(`  + ${itemLabel(item)}${itemNote(item, 'unexpected')}`);
    for (const item of user.missing) lines.push(`  - ${itemLabel(item)}${itemNote(item, 'missing')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The md report an on-call engineer reads: the marker, a summary table,
 * users known to one side only, then one `<details>` per user (unexpected
 * first), under `budget` characters (the same budget logic as the diff's PR
 * comment: what was cut is said at the end).
 */
export function formatDriftMarkdown(report: DriftReport, budget: number = defaultDriftBudget): string {
  const s = report.summary;
  const clean = driftCount(report) === 0;
  const head = [
    driftMarker,
    `### rolecall: ${clean ? 'no drift' : 'drift'} between the policy and the live system`,
    '',
    `Policy ${code(report.policy.path)} against ${code(report.observed.path)} (${kindText(report)}), as of ${report.asOf}, scope \`${report.scope}\`.`,
    '',
    ...(clean
      ? ['The live system grants exactly what the policy grants.', '']
      : [
          '| | count |',
          '|---|---:|',
          `| ${s.unexpected > 0 ? '⚠️ **Unexpected** (live, not in the policy)' : 'Unexpected (live, not in the policy)'} | ${s.unexpected > 0 ? `**${num(s.unexpected)}**` : '0'} |`,
          `| Missing (in the policy, not live) | ${num(s.missing)} |`,
          `| Users with drift | ${num(s.users)} |`,
          `| Users known to one side only | ${num(report.unknownUsers.length)} |`,
          '',
        ]),
    ...report.notes.map((n) => `> ${inline(n)}\n`),
  ].join('\n') + '\n';
  const unknown = report.users.filter((u) => u.only !== undefined);
  const sections: BudgetSection[] = [
    {
      name: 'one-sided user',
      total: unknown.length,
      open: `#### Users known to one side only (${num(unknown.length)})\n\n| user | known to | unexpected | missing |\n|---|---|---:|---:|\n`,
      close: (shown) => '\n' + more(shown, unknown.length, 'user'),
      items: () => unknown.map((u) => `| ${code(u.user)} | ${u.only === 'observed' ? 'the live system' : 'the policy'} | ${num(u.unexpected.length)} | ${num(u.missing.length)} |\n`),
      floor: 0.1,
      cap: 0.3,
    },
    {
      name: 'user',
      total: report.users.length,
      open: `#### Users (${num(report.users.length)}), unexpected access first\n\n`,
      close: (shown) => more(shown, report.users.length, 'user'),
      items: () => report.users.map(userItem),
      floor: 0,
      cap: 1,
    },
  ];
  return fillBudget(head, sections, (shown) => footer(report, shown, budget), budget);
}

function userItem(user: DriftUser): string {
  const counts = [user.unexpected.length > 0 ? `⚠️ ${num(user.unexpected.length)} unexpected` : '', user.missing.length > 0 ? `${num(user.missing.length)} missing` : ''].filter((t) => t !== '');
  const summary = `<code>${html(user.user)}</code>${html(onlyText(user))}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
  const lines = [
    ...user.unexpected.map((item) => `- ➕ unexpected ${code(itemLabel(item))}${inline(itemNote(item, 'unexpected'))}`),
    ...user.missing.map((item) => `- ➖ missing ${code(itemLabel(item))}${inline(itemNote(item, 'missing'))}`),
  ];
  const body = lines.length === 0 ? '_Nothing counted under this scope._' : lines.length <= maxItemLines ? lines.join('\n') : [...lines.slice(0, maxItemLines), `- _…and ${num(lines.length - maxItemLines)} more (see the JSON report)_`].join('\n');
  return details(summary, body);
}

function footer(report: DriftReport, shown: readonly ShownCount[], budget: number): string {
  const cut = shown.filter((s) => s.shown < s.total).map((s) => `${num(s.shown)} of ${plural(s.total, s.name)}`);
  const command = `rolecall drift --observed ${report.observed.path} --dir ${report.policy.path} --scope ${report.scope} --format json --as-of ${report.asOf}`;
  const text =
    cut.length > 0
      ? `✂️ Cut to fit the ${num(budget)}-character limit: showing ${cut.join(', ')}. For the full report, run \`${cell(command).replace(/`/g, "'")}\`.`
      : `Full report as JSON: \`${cell(command).replace(/`/g, "'")}\`.`;
  return `---\n<sub>${text}</sub>\n`;
}

function more(shown: number, total: number, noun: string): string {
  return shown < total ? `_…and ${plural(total - shown, `more ${noun}`)} (see the full report)._\n\n` : '';
}

function kindText(report: DriftReport): string {
  switch (report.observed.kind) {
    case 'servicenow':
      return 'a ServiceNow export';
    case 'roles':
      return 'user,role CSV';
    case 'permissions':
      return 'user,permission,scope CSV';
  }
}

function plural(n: number, noun: string): string {
  return `${num(n)} ${n === 1 ? noun : `${noun}s`}`;
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

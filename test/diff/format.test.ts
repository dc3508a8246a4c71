import { describe, expect, it } from 'vitest';
import { commentMarker, formatDiff, type DiffReport } from '../../src/diff/index.js';
import { diffFixture } from './helpers.js';

describe('the md format keeps policy text from breaking the comment', () => {
  const report = diffFixture('pr-scenario');
  const hostile: DiffReport = {
    ...report,
    findings: {
      introduced: [
        {
          rule: 'unknown-reference',
          severity: 'error',
          message: 'user `a` is assigned role `</details><img src=x>`, which is not defined </details> <script>alert(1)</script> | pipe\nnext line',
          subject: 'user:a',
          file: 'policies/<b>odd</b>.yaml',
          line: 3,
          column: 1,
        },
        { rule: 'schema', severity: 'error', message: 'an odd number of ` backticks </details>', subject: 'file:x', file: 'x.yaml', line: 1, column: 1 },
      ],
      resolved: [],
    },
    escalations: [{ ...report.escalations[0]!, path: 'user carla > group </details> | x (a.yaml:1)' }, ...report.escalations.slice(1)],
  };
  const md = formatDiff(hostile, 'md');

  it('never lets policy text open or close a tag outside a code span', () => {
    const lines = md.split('\n');
    expect(lines.filter((l) => l === '<details>').length).toBe(lines.filter((l) => l === '</details>').length);
    // every raw </details> is on a line of its own: the ones from policy text are escaped or inside code spans
    for (const line of md.split('\n')) if (line.includes('</details>') && line !== '</details>') expect(line).toMatch(/`[^`]*<\/details>[^`]*`/);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<b>odd');
    expect(md).toContain('&lt;script>alert(1)&lt;/script>');
    expect(md).toContain('group &lt;/details> \\| x');
    expect(md).toContain('an odd number of \\` backticks &lt;/details>');
  });

  it('keeps every finding on one line', () => {
    expect(md).toContain('| pipe next line');
  });
});

describe('formats', () => {
  it('start the comment with the marker and end it with the footer', () => {
    const md = formatDiff(diffFixture('moved-user'), 'md');
    expect(md.startsWith(`${commentMarker}\n`)).toBe(true);
    expect(md.endsWith('</sub>\n')).toBe(true);
  });

  it('say "no changes" for an empty diff in every format', () => {
    const same = diffFixture('moved-user');
    const empty: DiffReport = { ...same, users: [], roles: [], groups: [], permissions: [], escalations: [], findings: { introduced: [], resolved: [] } };
    expect(formatDiff(empty, 'md')).toContain('No changes in effective access');
    expect(formatDiff(empty, 'text')).toContain('no changes in effective access');
  });

  it('colour text only when asked', () => {
    const report = diffFixture('pr-scenario');
    expect(formatDiff(report, 'text')).not.toContain('\u001b[');
    expect(formatDiff(report, 'text', { color: true })).toContain('\u001b[31m');
  });
});

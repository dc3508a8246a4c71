import { describe, expect, it } from 'vitest';
import { formatDiff } from '../../src/diff/index.js';
import { diffCases, diffFixture } from './helpers.js';

// `rolecall diff` of each fixture pair under test/fixtures/diff/, compared with
// the reviewed files in test/diff/golden/. Regenerate on purpose with
// `npx vitest run -u test/diff` and review the diff.
describe.each(diffCases)('golden diff of %s', (name) => {
  const report = diffFixture(name);

  it('md (PR comment)', async () => {
    await expect(formatDiff(report, 'md')).toMatchFileSnapshot(`golden/${name}.md`);
  });

  it('json (rolecall.diff/v1)', async () => {
    await expect(formatDiff(report, 'json')).toMatchFileSnapshot(`golden/${name}.json`);
  });

  it('text', async () => {
    await expect(formatDiff(report, 'text', { color: false })).toMatchFileSnapshot(`golden/${name}.txt`);
  });

  it('is byte-identical when computed again', () => {
    const again = diffFixture(name);
    for (const format of ['md', 'json', 'text'] as const) expect(formatDiff(again, format)).toBe(formatDiff(report, format));
  });
});

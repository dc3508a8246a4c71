import { describe, expect, it } from 'vitest';
import { artifacts } from '../../src/emit/index.js';
import { emitInput, loadEmitFixture, renderText } from './fixture.js';

// The artifacts of test/fixtures/emit/, compared with the reviewed files in
// test/emit/golden/. Regenerate on purpose with `npx vitest run -u test/emit`
// and review the diff.
describe('golden artifacts of test/fixtures/emit', () => {
  it('lists the artifacts in order', () => {
    expect(artifacts.map((a) => a.name)).toEqual(['matrix.json', 'matrix.csv', 'matrix.md', 'matrix.html', 'permissions.ts']);
  });

  const result = loadEmitFixture();
  const input = emitInput(result);

  it('compiles: the fixture has no error-level findings', () => {
    expect(result.summary.errors).toBe(0);
  });

  for (const artifact of artifacts) {
    it(artifact.name, async () => {
      await expect(renderText(artifact, input)).toMatchFileSnapshot(`golden/${artifact.name}`);
    });
  }

  it('renders byte-identical text twice, and from a fresh check', () => {
    const again = emitInput(loadEmitFixture());
    for (const artifact of artifacts) {
      const first = renderText(artifact, input);
      expect(renderText(artifact, input)).toBe(first);
      expect(renderText(artifact, again)).toBe(first);
    }
  });
});

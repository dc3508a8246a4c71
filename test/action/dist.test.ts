import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const stale = 'dist/ is stale: run `npm run build:action` and commit dist/ (index.js, worker.js and their maps)';

// The check-dist pattern of actions/typescript-action: the Action runs the
// committed bundle, so a change to src/ must come with a rebuilt dist/.
describe('the committed bundle (dist/)', () => {
  const fresh = tempDir('dist');
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build-action.mjs'), '--outdir', fresh], { cwd: root, encoding: 'utf8', timeout: 120_000 });

  it('builds', () => {
    expect(build.status, build.stderr).toBe(0);
  });

  it('is what `npm run build:action` builds from the current sources', () => {
    const built = readdirSync(fresh).sort();
    expect(built).toEqual(['index.js', 'index.js.map', 'worker.js', 'worker.js.map']);
    for (const name of built) {
      const committed = path.join(root, 'dist', name);
      let same: boolean;
      try {
        same = readFileSync(committed).equals(readFileSync(path.join(fresh, name)));
      } catch {
        same = false;
      }
      expect(same, `dist/${name} differs from a fresh build. ${stale}`).toBe(true);
    }
  });

  it('holds no other bundle files (chunks of an earlier build)', () => {
    const bundled = readdirSync(path.join(root, 'dist')).filter((name) => /\.(m|c)?js(\.map)?$/.test(name));
    expect(bundled.sort(), stale).toEqual(['index.js', 'index.js.map', 'worker.js', 'worker.js.map']);
  });

  it('is deterministic: two builds give the same bytes', () => {
    const second = tempDir('dist2');
    const again = spawnSync(process.execPath, [path.join(root, 'scripts/build-action.mjs'), '--outdir', second], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(again.status, again.stderr).toBe(0);
    for (const name of ['index.js', 'index.js.map', 'worker.js', 'worker.js.map']) {
      expect(readFileSync(path.join(second, name)).equals(readFileSync(path.join(fresh, name))), name).toBe(true);
    }
  });

  it('is an ES module for Node 24 that needs nothing outside dist/ (no node_modules at run time)', () => {
    const text = readFileSync(path.join(root, 'dist/index.js'), 'utf8');
    expect(text.startsWith("import { createRequire as __rolecallCreateRequire } from 'node:module';")).toBe(true);
    expect(text.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
    // Every static import is a Node.js builtin.
    const imports = [...text.matchAll(/^import .* from ["']([^"']+)["'];$/gm)].map((m) => m[1]!);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((specifier) => !builtinModules.includes(specifier.replace(/^node:/, '')))).toEqual([]);
    const map = JSON.parse(readFileSync(path.join(root, 'dist/index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('../src/action.ts');
    expect(map.sources.some((s) => path.isAbsolute(s))).toBe(false);
  });
});

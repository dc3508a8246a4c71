#!/usr/bin/env node
/**
 * Bundles the GitHub Action (src/action.ts) into dist/index.js and
 * dist/index.js.map, the files action.yml runs, and the matrix.csv worker
 * thread (src/emit/worker.ts) into dist/worker.js: `npm run build:action`.
 *
 *   node scripts/build-action.mjs [--outdir DIR]
 *
 * The output is deterministic: fixed file names, no timestamps, paths relative
 * to the repository. `--outdir` writes the same bytes elsewhere (the files are
 * rendered as if for dist/ and then written to DIR), which is how the test
 * checks that the committed bundle is up to date.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = path.join(root, 'dist');

/** The names of the bundle's files: everything the build writes into dist/. */
export const bundleFiles = ['index.js', 'index.js.map', 'worker.js', 'worker.js.map'];

// Dependencies compiled to CommonJS (ts-morph's TypeScript, ...) call require
// and read __filename / __dirname, which an ES module does not have.
const banner = [
  "import { createRequire as __rolecallCreateRequire } from 'node:module';",
  "import { fileURLToPath as __rolecallFileURLToPath } from 'node:url';",
  "import { dirname as __rolecallDirname } from 'node:path';",
  'const require = __rolecallCreateRequire(import.meta.url);',
  'const __filename = __rolecallFileURLToPath(import.meta.url);',
  'const __dirname = __rolecallDirname(__filename);',
].join('\n');

/** Builds the bundle in memory and returns its files by name. */
export async function bundleAction() {
  const result = await build({
    absWorkingDir: root,
    // The matrix.csv worker thread is a second, small bundle beside the Action (src/emit/background.ts finds it next to index.js).
    entryPoints: { index: 'src/action.ts', worker: 'src/emit/worker.ts' },
    outdir: distDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: 'linked',
    // The map points at src/ in the repository; embedding every source (TypeScript's
    // compiler alone is 9 MB) would triple its size.
    sourcesContent: false,
    banner: { js: banner },
    charset: 'utf8',
    logLevel: 'warning',
    write: false,
  });
  const files = new Map();
  for (const file of result.outputFiles) files.set(path.relative(distDir, file.path), file.contents);
  const names = [...files.keys()].sort();
  if (names.join(',') !== [...bundleFiles].sort().join(',')) throw new Error(`unexpected bundle files: ${names.join(', ')}`);
  return files;
}

async function cli() {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  const outdir = path.resolve(values.outdir ?? distDir);
  const files = await bundleAction();
  mkdirSync(outdir, { recursive: true });
  // Remove bundle files of an earlier layout (chunks), never anything else in dist/ (dist/rolecall/ holds artifacts).
  for (const name of readdirSync(outdir)) {
    if (/\.(js|mjs|cjs)(\.map)?$/.test(name) && !files.has(name)) rmSync(path.join(outdir, name));
  }
  for (const [name, contents] of files) {
    writeFileSync(path.join(outdir, name), contents);
    console.log(`${path.relative(process.cwd(), path.join(outdir, name)) || name}  ${(contents.length / 1024 / 1024).toFixed(1)} MiB`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await cli();
}

// Runs one measured command in its own process and prints JSON timings on stdout:
//   node bench/child.mjs floor DIR            the parse floor (yaml parseDocument, uniqueKeys off, LineCounter)
//   node bench/child.mjs compile DIR OUT      rolecall compile, with time per stage
//   node bench/child.mjs check DIR            rolecall check, with time per stage
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LineCounter, parseDocument } from 'yaml';

const [mode, dir, out] = process.argv.slice(2);
const lib = new URL('../lib/src/', import.meta.url);

function policyFiles(root) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.yaml') || name.endsWith('.yml')) files.push(p);
    }
  };
  walk(root);
  return files;
}

const report = (data) => process.stdout.write(JSON.stringify({ ...data, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');

if (mode === 'floor') {
  const texts = policyFiles(dir).map((f) => readFileSync(f, 'utf8'));
  const start = performance.now();
  let nodes = 0;
  for (const text of texts) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
    if (doc.contents) nodes++;
  }
  report({ mode, ms: performance.now() - start, files: texts.length, bytes: texts.reduce((n, t) => n + t.length, 0) });
} else {
  const { checkPolicy } = await import(new URL('compile.js', lib));
  const { loadPolicyDirectory } = await import(new URL('stages/load.js', lib));
  const stages = {};
  const started = performance.now();
  let t = performance.now();
  const loaded = loadPolicyDirectory(dir, { cwd: process.cwd() });
  stages.load = performance.now() - t;
  const rss = {};
  const result = checkPolicy(loaded, {
    asOf: '2026-11-22',
    clock: () => performance.now(),
    onStage: (stage, ms) => {
      stages[stage] = ms;
      rss[stage] = Math.round(process.memoryUsage().rss / 1048576);
    },
  });
  if (mode === 'compile') {
    const { outputFiles } = await import(new URL('cli/compile.js', lib));
    const { writeAtomically } = await import(new URL('cli/write.js', lib));
    const { artifactNames } = await import(new URL('cli/compile.js', lib));
    t = performance.now();
    const files = outputFiles(result).map((file) => ({
      name: file.name,
      chunks: {
        *[Symbol.iterator]() {
          const s = performance.now();
          yield* file.chunks;
          stages[`emit:${file.name}`] = performance.now() - s;
          rss[`emit:${file.name}`] = Math.round(process.memoryUsage().rss / 1048576);
        },
      },
    }));
    writeAtomically(path.resolve(out), files, new Set(artifactNames));
    stages.emit = performance.now() - t;
  }
  report({ mode, ms: performance.now() - started, stages, rssMB: rss, errors: result.summary.errors, warnings: result.summary.warnings, users: result.resolution.userIds.length });
}

// Runs one measured command in its own process and prints JSON timings on stdout:
//   node bench/child.mjs floor DIR            the parse floor (yaml parseDocument, uniqueKeys off, LineCounter)
//   node bench/child.mjs compile DIR OUT      rolecall compile, with time per stage
//   node bench/child.mjs check DIR            rolecall check, with time per stage
//   node bench/child.mjs review DIR OUT       rolecall review DIR --out OUT (every review packet and index.md),
//                                             the whole command through the CLI entry, like diff
//   node bench/child.mjs diff BASE HEAD OUT   rolecall diff --base BASE --head HEAD --format json --out OUT,
//                                             the whole command through the CLI entry (lib/src/cli.js main):
//                                             reading and checking both sides, comparing, formatting, writing
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { policyFiles } from './generate.mjs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LineCounter, parseDocument } from 'yaml';

const [mode, dir, out] = process.argv.slice(2);
const lib = new URL('../lib/src/', import.meta.url);

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const report = (data) => process.stdout.write(JSON.stringify({ maxRssMB: peakRssMB(), ...data }) + '\n');

if (mode === 'import' || mode === 'drift') {
  // node bench/child.mjs import EXPORT_DIR OUT     rolecall import servicenow EXPORT_DIR --out OUT --force (whole command)
  // node bench/child.mjs drift EXPORT_DIR POLICY   rolecall drift --observed EXPORT_DIR --dir POLICY --format json (whole command)
  const { main } = await import(new URL('cli.js', lib));
  let stderr = '';
  let stdout = '';
  const io = { stdout: { write: (text) => (stdout += text.length < 10000 ? text : '') }, stderr: { write: (text) => (stderr += text) }, env: { NO_COLOR: '1' }, cwd: process.cwd() };
  const args = mode === 'import' ? ['import', 'servicenow', dir, '--out', out, '--force'] : ['drift', '--observed', dir, '--dir', out, '--format', 'json', '--as-of', '2026-11-22'];
  const started = performance.now();
  const code = await main(args, io);
  const ms = performance.now() - started;
  let summary;
  if (mode === 'drift') {
    try {
      summary = JSON.parse(stdout).summary;
    } catch {
      summary = undefined;
    }
  }
  report({ mode, ms, processMs: performance.now(), code, stderr: stderr.trim().slice(0, 500), summary, stdout: mode === 'import' ? stdout.trim() : undefined });
} else if (mode === 'floor') {
  const texts = policyFiles(dir).map((f) => readFileSync(f, 'utf8'));
  const start = performance.now();
  let nodes = 0;
  for (const text of texts) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
    if (doc.contents) nodes++;
  }
  report({ mode, ms: performance.now() - start, files: texts.length, bytes: texts.reduce((n, t) => n + t.length, 0) });
} else if (mode === 'review') {
  // rolecall review DIR --out OUT through the CLI entry: load, check (structural rules), resolve, every packet and index.md, written atomically.
  const { main } = await import(new URL('cli.js', lib));
  let stderr = '';
  let stdout = '';
  const io = { stdout: { write: (text) => (stdout += text) }, stderr: { write: (text) => (stderr += text) }, env: { NO_COLOR: '1' }, cwd: process.cwd() };
  const started = performance.now();
  const code = await main(['review', dir, '--out', out, '--as-of', '2026-11-22'], io);
  const ms = performance.now() - started;
  const files = code === 0 ? readdirSync(out) : [];
  report({ mode, ms, processMs: performance.now(), code, stderr: stderr.trim(), summary: stdout.split('\n')[0], files: files.length, bytes: files.reduce((n, f) => n + statSync(path.join(out, f)).size, 0) });
} else if (mode === 'diff') {
  const headDir = out;
  const outFile = process.argv[5];
  const { main } = await import(new URL('cli.js', lib));
  let stderr = '';
  const io = { stdout: { write() {} }, stderr: { write: (text) => (stderr += text) }, env: { NO_COLOR: '1' }, cwd: process.cwd() };
  const started = performance.now();
  const code = await main(['diff', '--base', dir, '--head', headDir, '--format', 'json', '--as-of', '2026-11-22', '--out', outFile], io);
  const ms = performance.now() - started;
  const maxRssMB = peakRssMB();
  // Since process start, imports included (the timings above start after them).
  const processMs = performance.now();
  if (code !== 0) {
    report({ mode, ms, processMs, maxRssMB, code, stderr: stderr.trim() });
  } else {
    const doc = JSON.parse(readFileSync(outFile, 'utf8'));
    const introducedErrors = doc.findings.introduced.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message}`);
    report({ mode, ms, processMs, maxRssMB, code, stderr: stderr.trim(), bytes: statSync(outFile).size, summary: doc.summary, incomplete: doc.incomplete, introducedErrors });
  }
} else {
  const { checkPolicy } = await import(new URL('compile.js', lib));
  const { loadPolicyDirectory } = await import(new URL('stages/load.js', lib));
  const stages = {};
  const started = performance.now();
  let t = performance.now();
  const loaded = loadPolicyDirectory(dir, { cwd: process.cwd() });
  stages.load = performance.now() - t;
  // As `rolecall compile` does: matrix.csv on a worker thread when there is a second core (unless ROLECALL_THREADS=1).
  const { backgroundUnavailable } = await import(new URL('emit/background.js', lib));
  const { writeAtomically } = await import(new URL('cli/write.js', lib));
  const { artifactNames } = await import(new URL('cli/compile.js', lib));
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
    t = performance.now();
    const files = outputFiles(result, { workers: backgroundUnavailable() === undefined }).map((file) => ({
      name: file.name,
      ...(file.writeTo
        ? {
            writeTo: async (target) => {
              const s = performance.now();
              const written = file.writeTo(target);
              stages[`emit:${file.name} (this thread: feeding the worker)`] = performance.now() - s;
              await written;
              stages[`emit:${file.name} (worker, done after)`] = performance.now() - s;
            },
          }
        : {}),
      chunks: {
        *[Symbol.iterator]() {
          const s = performance.now();
          yield* file.chunks;
          stages[`emit:${file.name}`] = performance.now() - s;
          rss[`emit:${file.name}`] = Math.round(process.memoryUsage().rss / 1048576);
        },
      },
    }));
    await writeAtomically(path.resolve(out), files, new Set(artifactNames));
    stages.emit = performance.now() - t;
  }
  report({ mode, ms: performance.now() - started, stages, rssMB: rss, errors: result.summary.errors, warnings: result.summary.warnings, users: result.resolution.userIds.length });
}

// npm run bench [-- --sizes S,M,L] [--out bench/results.md] [--casbin-sample N] [--only LIST]
// Generates the S, M and L organisations (seeded, into bench/orgs/, not in git),
// then measures in one run, each in a fresh process: the parse floor, rolecall
// check and compile end to end (with time per stage and peak RSS), the compiled
// matrix.html opening in headless Chromium, rolecall diff against a copy with
// one changed file, rolecall review writing every access-review packet, and
// node-casbin computing the same matrix at S and M.
// Writes bench/results.md.
//
//   --sizes S,M,L        which organisations (default all three)
//   --out FILE           where to write the results (default bench/results.md)
//   --casbin-sample N    users sampled for plain casbin at M (extrapolated; default 300)
//   --runs N             at S and M, run the floor, check and compile N times,
//                        taking turns, and report the median run of each
//                        (default 3; L runs once)
//   --only LIST          run only these measurements, comma-separated, of
//                        floor, check, compile, html, diff, review, casbin, import,
//                        drift (default all); compile also runs when html or diff
//                        is asked for (html opens its output, diff is reported
//                        relative to it). Skipped measurements show as - in the table.
//                        import and drift run at S and M only (they generate a
//                        ServiceNow instance of the size, bench/servicenow.mjs, into
//                        bench/orgs/<size>-servicenow): rolecall import servicenow of its
//                        CSV export, the parse floor of the imported policy, and rolecall
//                        drift of the export against it (no drift expected).
//
// html: bench/html-open.mjs opens <out>/matrix.html (file://) in /usr/bin/chromium
// (ROLECALL_CHROMIUM=PATH for another binary) through playwright-core and times
// page.goto until the table shows its first resolved row; - when Chromium is
// missing. diff: bench/diff-head.mjs copies the organisation to a temp dir and
// assigns one more role to one user (a one-line change in one users file);
// child.mjs then times `rolecall diff --base ORG --head COPY --format json`
// through the CLI entry, in its own process (like compile, from after the
// imports; compile's figure does include importing its emitters, ~0.3 s).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generate, policyFiles, sizes } from './generate.mjs';
import { makeDiffHead } from './diff-head.mjs';
import { generateServiceNow } from './servicenow.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'S,M,L' },
    out: { type: 'string', default: path.join(here, 'results.md') },
    'casbin-sample': { type: 'string', default: '300' },
    only: { type: 'string', default: 'floor,check,compile,html,diff,review,casbin,import,drift' },
    runs: { type: 'string', default: '3' },
  },
});
const repeats = Math.max(1, Number.parseInt(values.runs, 10) || 1);
const measurements = ['floor', 'check', 'compile', 'html', 'diff', 'review', 'casbin', 'import', 'drift'];
const only = new Set(values.only.split(',').map((m) => m.trim().toLowerCase()).filter(Boolean));
for (const m of only) {
  if (measurements.includes(m)) continue;
  process.stderr.write(`bench: --only: unknown measurement \`${m}\` (use ${measurements.join(', ')})\n`);
  process.exit(2);
}
const want = (m) => only.has(m) || (m === 'compile' && (only.has('html') || only.has('diff')));
const wanted = values.sizes.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s in sizes);
const node = process.execPath;

/** The run with the median time (the upper middle one of an even count), or undefined for none. */
function median(results) {
  if (results.length === 0) return undefined;
  return [...results].sort((a, b) => a.ms - b.ms)[Math.floor(results.length / 2)];
}

// Plain `node`, as `rolecall` runs (no V8 flags: a larger young generation made no measurable difference).
function run(args, timeoutMs = 30 * 60_000) {
  const started = performance.now();
  const out = execFileSync(node, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'inherit'] });
  return { ...JSON.parse(out.trim().split('\n').pop()), wallMs: performance.now() - started };
}

/** Bytes of YAML in an organisation. */
function dirBytes(dir) {
  return policyFiles(dir).reduce((total, file) => total + statSync(file).size, 0);
}

const s = (ms) => (ms / 1000).toFixed(2);
const mb = (bytes) => (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0);
const rows = [];
const details = [];
const htmlDetails = [];
const diffDetails = [];
const reviewDetails = [];
for (const size of wanted) {
  const dir = path.join(here, 'orgs', size);
  process.stderr.write(`bench ${size}: generating\n`);
  generate(size, dir);
  const bytes = dirBytes(dir);
  let floor;
  let check;
  let compile;
  let outBytes;
  let html;
  let diff;
  let diffChange;
  let review;
  let runTimes;
  const tmp = mkdtempSync(path.join(os.tmpdir(), `rolecall-bench-${size}-`));
  try {
    // The floor, check and compile take turns, so a slow spell of the machine touches all three; each figure is the median run.
    const runs = size === 'L' ? 1 : repeats;
    const floors = [];
    const checks = [];
    const compiles = [];
    const out = path.join(tmp, 'out');
    for (let i = 1; i <= runs; i++) {
      const of = runs > 1 ? ` (run ${i} of ${runs})` : '';
      if (want('floor')) {
        process.stderr.write(`bench ${size}: parse floor${of}\n`);
        floors.push(run([path.join(here, 'child.mjs'), 'floor', dir]));
      }
      if (want('check')) {
        process.stderr.write(`bench ${size}: check${of}\n`);
        checks.push(run([path.join(here, 'child.mjs'), 'check', dir]));
      }
      if (want('compile')) {
        process.stderr.write(`bench ${size}: compile${of}\n`);
        rmSync(out, { recursive: true, force: true });
        compiles.push(run([path.join(here, 'child.mjs'), 'compile', dir, out]));
      }
    }
    floor = median(floors);
    check = median(checks);
    compile = median(compiles);
    runTimes = { floor: floors.map((r) => r.ms), check: checks.map((r) => r.ms), compile: compiles.map((r) => r.ms) };
    if (compile) {
      outBytes = readdirSync(out).reduce((n, f) => n + statSync(path.join(out, f)).size, 0);
      if (want('html')) {
        process.stderr.write(`bench ${size}: matrix.html in headless Chromium\n`);
        try {
          html = run([path.join(here, 'html-open.mjs'), path.join(out, 'matrix.html'), '120000'], 5 * 60_000);
        } catch (error) {
          html = { error: String(error.message).split('\n')[0] };
        }
      }
      // The artifacts are GBs at M and L: gone before the diff runs.
      rmSync(out, { recursive: true, force: true });
    }
    if (want('diff')) {
      const head = path.join(tmp, 'head');
      diffChange = makeDiffHead(dir, head);
      process.stderr.write(`bench ${size}: diff (${diffChange.file}: ${diffChange.user} gets ${diffChange.role})\n`);
      diff = run([path.join(here, 'child.mjs'), 'diff', dir, head, path.join(tmp, 'diff.json')]);
    }
    if (want('review')) {
      process.stderr.write(`bench ${size}: review\n`);
      review = run([path.join(here, 'child.mjs'), 'review', dir, path.join(tmp, 'packets')]);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  let casbinPlain;
  let casbinIndex;
  if (want('casbin') && (size === 'S' || size === 'M')) {
    process.stderr.write(`bench ${size}: casbin with index\n`);
    casbinIndex = run([path.join(here, 'casbin.mjs'), dir, 'index']);
    process.stderr.write(`bench ${size}: casbin (getImplicitPermissionsForUser)\n`);
    casbinPlain = run([path.join(here, 'casbin.mjs'), dir, 'plain', size === 'S' ? '1000000' : values['casbin-sample']]);
  }
  rows.push({ size, shape: sizes[size], bytes, floor, check, compile, runTimes, outBytes, casbinIndex, casbinPlain, html, diff, review });
  if (compile) {
    details.push(`### ${size}\n\n| stage | ms | RSS after (MB) |\n|---|---:|---:|\n${Object.entries(compile.stages)
      .map(([k, v]) => `| ${k} | ${Math.round(v)} | ${compile.rssMB?.[k] ?? ''} |`)
      .join('\n')}\n`);
  }
  if (html) {
    const text = html.skipped
      ? `skipped: ${html.skipped}`
      : html.error
        ? `failed: ${html.error}`
        : html.timedOut
          ? `**not usable within ${s(html.timeoutMs)} s** (browser launch ${html.launchMs} ms)`
          : `usable after **${Math.round(html.ms)} ms** from page.goto (browser launch ${html.launchMs} ms, not counted); ` +
            `DOMContentLoaded ${html.domContentLoadedMs} ms, load ${html.loadMs} ms after navigation start; ` +
            `${html.matchingRows.toLocaleString('en-US')} matching rows, ${html.rowsShown} rendered; JS heap ${html.jsHeapMB ?? '?'} MB`;
    const problems = html.problems?.length ? `; page errors: ${html.problems.slice(0, 3).join(' | ')}` : '';
    htmlDetails.push(`- **${size}**: matrix.html ${html.bytes !== undefined ? mb(html.bytes) + ' MB' : '?'}; ${text}${problems}`);
  }
  if (diff) {
    const sm = diff.summary;
    const counts = sm
      ? `${sm.users.changed} users changed, permissions gained/lost/re-scoped ${sm.permissions.gained}/${sm.permissions.lost}/${sm.permissions.rescoped}, ${sm.escalations} escalations, findings introduced/resolved ${sm.findings.introduced}/${sm.findings.resolved}`
      : `exit ${diff.code}: ${diff.stderr}`;
    const invalid = diff.introducedErrors?.length || diff.incomplete?.length ? ` **head not valid: ${[...(diff.introducedErrors ?? []), ...(diff.incomplete ?? [])].slice(0, 3).join(' | ')}**` : '';
    diffDetails.push(
      `- **${size}**: \`${diffChange.file}\` line ${diffChange.line}: \`${diffChange.before}\` -> \`${diffChange.after}\`. ` +
        `diff ${Math.round(diff.ms)} ms (process ${Math.round(diff.processMs)} ms incl. start and imports, wall ${Math.round(diff.wallMs)} ms), peak RSS ${diff.maxRssMB} MB, ` +
        `${(diff.bytes ?? 0).toLocaleString('en-US')} bytes of JSON; ${counts}` +
        (compile ? `; compile ${Math.round(compile.ms)} ms, diff / compile ${(diff.ms / compile.ms).toFixed(2)}` : '') +
        `.${invalid}`,
    );
  }
  if (review) {
    reviewDetails.push(
      review.code === 0
        ? `- **${size}**: ${review.summary}; ${review.files.toLocaleString('en-US')} files, ${mb(review.bytes)} MB; ${Math.round(review.ms)} ms (process ${Math.round(review.processMs)} ms incl. start and imports), peak RSS ${review.maxRssMB} MB` +
            (floor ? `; review / floor ${(review.ms / floor.ms).toFixed(2)}` : '') +
            '.'
        : `- **${size}**: exit ${review.code}: ${review.stderr}`,
    );
  }
}

const importRows = [];
if (want('import') || want('drift')) {
  for (const size of wanted.filter((size) => size !== 'L')) {
    const exportDir = path.join(here, 'orgs', `${size}-servicenow`);
    process.stderr.write(`bench ${size}: generating the ServiceNow export\n`);
    await generateServiceNow(size, exportDir, { format: 'csv' });
    const exportBytes = readdirSync(exportDir).filter((f) => f.endsWith('.csv')).reduce((n, f) => n + statSync(path.join(exportDir, f)).size, 0);
    const tmp = mkdtempSync(path.join(os.tmpdir(), `rolecall-bench-import-${size}-`));
    try {
      const policy = path.join(tmp, 'policy');
      process.stderr.write(`bench ${size}: import\n`);
      const imported = run([path.join(here, 'child.mjs'), 'import', exportDir, policy]);
      process.stderr.write(`bench ${size}: parse floor of the imported policy\n`);
      const floor = run([path.join(here, 'child.mjs'), 'floor', policy]);
      const drift = want('drift') ? (process.stderr.write(`bench ${size}: drift\n`), run([path.join(here, 'child.mjs'), 'drift', exportDir, policy])) : undefined;
      importRows.push({ size, exportBytes, policyBytes: dirBytes(policy), imported, floor, drift });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const yesNo = (matches) => (matches === true ? 'yes' : '**no**');
const runNotes = rows.flatMap((r) => {
  const t = r.runTimes;
  if (!t || t.compile.length + t.floor.length + t.check.length <= 3) return [];
  const list = (times) => times.map((ms) => s(ms)).join(', ');
  const ratios = t.compile.length === t.floor.length && t.floor.length > 0 ? `; compile / floor per run: ${t.compile.map((ms, i) => (ms / t.floor[i]).toFixed(2)).join(', ')}` : '';
  return [`- **${r.size}**: floor ${list(t.floor)} s; check ${list(t.check)} s; compile ${list(t.compile)} s${ratios}`];
});
const casbinNotes = rows.flatMap((r) => [
  ...(r.casbinIndex ? [`- **${r.size}**: casbin+index matrix: ${r.casbinIndex.pairs.toLocaleString('en-US')} pairs (${r.casbinIndex.sample.toLocaleString('en-US')} users), matches rolecall's: ${yesNo(r.casbinIndex.matches)}`] : []),
  ...(r.casbinPlain
    ? [
        `- **${r.size}**: casbin matrix: ${r.casbinPlain.pairs.toLocaleString('en-US')} pairs (${r.casbinPlain.extrapolated ? `a sample of ${r.casbinPlain.sample.toLocaleString('en-US')} of ${r.casbinPlain.users.toLocaleString('en-US')} users` : `${r.casbinPlain.sample.toLocaleString('en-US')} users`}), ` +
          `matches rolecall's${r.casbinPlain.extrapolated ? ' for those users' : ''}: ${yesNo(r.casbinPlain.matches)}`,
      ]
    : []),
]);
const lines = [
  '# rolecall benchmark',
  '',
  `Node ${process.version}, ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB. Organisations generated by bench/generate.mjs (seed 42).`,
  'Each measurement runs in its own process. Floor: `yaml` parseDocument (uniqueKeys off, LineCounter) over the same files, single-threaded.',
  `At S and M the floor, check and compile run ${repeats} time${repeats === 1 ? '' : 's'} each, taking turns, and the table gives the median run (see "Runs"); L runs once.`,
  'casbin: node-casbin loading the policy as RBAC lines with scopes and denies (`p, role, permission, scope, allow` / `p, role, permission, *, deny`; containment, groups and the assignments in effect on the as-of date as `g` links)',
  'and computing every user\'s effective matrix as rolecall does (widest scope wins, a deny through any effective role removes the permission): getImplicitPermissionsForUser per user, combined per user;',
  '"with index": getImplicitRolesForUser plus a hand-made role -> (permission, scope) and denies index. A casbin figure marked ~ is extrapolated from a sample of users.',
  'Each casbin matrix is compared pair for pair with rolecall\'s own resolution over the same users (casbin.mjs also prints its sha256 over the sorted user, permission, scope lines); see "casbin baseline" below.',
  '',
  'html: the compiled matrix.html opened (file://) in headless Chromium; seconds from page.goto until the table shows its first resolved row (browser launch not counted).',
  'diff: `rolecall diff --base ORG --head COPY --format json` where COPY has one more role assigned to one user (one changed file); in-process time of the whole command, timed like compile.',
  '',
  'review: `rolecall review ORG --out DIR`, every access-review packet (CSV and HTML per reviewer) and index.md, through the CLI entry like diff; target: at most the parse floor.',
  '',
  '| org | perms / roles / groups / users | YAML | floor s | check s | compile s | compile / floor | peak RSS MB | artifacts | casbin s | casbin+index s | casbin+index / compile | matrix.html | html open s | diff s | diff / compile | diff peak RSS MB | review s | review / floor |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => {
    const shape = `${r.shape.permissions} / ${r.shape.roles} / ${r.shape.groups} / ${r.shape.users}`;
    const casbin = r.casbinPlain ? `${r.casbinPlain.extrapolated ? '~' : ''}${s(r.casbinPlain.ms)}` : '-';
    const index = r.casbinIndex ? s(r.casbinIndex.ms) : '-';
    const ratio = r.casbinIndex && r.compile ? (r.casbinIndex.ms / r.compile.ms).toFixed(1) : '-';
    const floor = r.floor ? s(r.floor.ms) : '-';
    const check = r.check ? s(r.check.ms) : '-';
    const compile = r.compile ? s(r.compile.ms) : '-';
    const perFloor = r.compile && r.floor ? (r.compile.ms / r.floor.ms).toFixed(2) : '-';
    const rss = r.compile ? r.compile.maxRssMB : '-';
    const artifacts = r.outBytes !== undefined ? `${(r.outBytes / 1e6).toFixed(0)} MB` : '-';
    const htmlSize = r.html?.bytes !== undefined ? `${mb(r.html.bytes)} MB` : '-';
    const htmlOpen = !r.html || r.html.skipped || r.html.error ? '-' : r.html.timedOut ? `> ${s(r.html.timeoutMs)}` : s(r.html.ms);
    const diffOk = r.diff && r.diff.code === 0;
    const diffS = r.diff ? (diffOk ? s(r.diff.ms) : `exit ${r.diff.code}`) : '-';
    const diffRatio = diffOk && r.compile ? (r.diff.ms / r.compile.ms).toFixed(2) : '-';
    const diffRss = r.diff ? r.diff.maxRssMB : '-';
    const reviewOk = r.review && r.review.code === 0;
    const reviewS = r.review ? (reviewOk ? s(r.review.ms) : `exit ${r.review.code}`) : '-';
    const reviewRatio = reviewOk && r.floor ? (r.review.ms / r.floor.ms).toFixed(2) : '-';
    return `| ${r.size} | ${shape} | ${(r.bytes / 1e6).toFixed(1)} MB | ${floor} | ${check} | ${compile} | ${perFloor} | ${rss} | ${artifacts} | ${casbin} | ${index} | ${ratio} | ${htmlSize} | ${htmlOpen} | ${diffS} | ${diffRatio} | ${diffRss} | ${reviewS} | ${reviewRatio} |`;
  }),
  '',
  ...(runNotes.length ? ['## Runs', '', 'The table gives the median run of each; these are all of them, in order (floor, check and compile took turns).', '', ...runNotes, ''] : []),
  ...(casbinNotes.length ? ['## casbin baseline', '', ...casbinNotes, ''] : []),
  ...(htmlDetails.length ? ['## matrix.html in headless Chromium', '', ...htmlDetails, ''] : []),
  ...(diffDetails.length ? ['## diff with one changed file', '', ...diffDetails, ''] : []),
  ...(importRows.length
    ? [
        '## import and drift (ServiceNow export, CSV)',
        '',
        'bench/servicenow.mjs generates a seeded instance at the size (nested groups, role containment, inherited sys_user_has_role rows as the instance resolves them, inactive and external users, ACLs) and its CSV export. `import`: `rolecall import servicenow EXPORT --out POLICY --force`; floor: `yaml` parseDocument over the imported policy; `drift`: `rolecall drift --observed EXPORT --dir POLICY --format json` (the whole commands, in-process, timed like diff).',
        '',
        '| org | export CSV | imported YAML | floor s | import s | import / floor | import peak RSS MB | drift s | drift / floor | drift peak RSS MB | drift found |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
        ...importRows.map((r) => {
          const d = r.drift;
          const found = d ? (d.summary ? `${d.summary.unexpected} unexpected, ${d.summary.missing} missing, ${d.summary.users} users` : `exit ${d.code}: ${d.stderr}`) : '-';
          return `| ${r.size} | ${mb(r.exportBytes)} MB | ${mb(r.policyBytes)} MB | ${s(r.floor.ms)} | ${r.imported.code === 0 ? s(r.imported.ms) : `exit ${r.imported.code}`} | ${(r.imported.ms / r.floor.ms).toFixed(2)} | ${r.imported.maxRssMB} | ${d ? s(d.ms) : '-'} | ${d ? (d.ms / r.floor.ms).toFixed(2) : '-'} | ${d ? d.maxRssMB : '-'} | ${found} |`;
        }),
        '',
      ]
    : []),
  ...(reviewDetails.length ? ['## review packets', '', ...reviewDetails, ''] : []),
  '## Compile stages',
  '',
  ...details,
];
const text = lines.join('\n') + '\n';
mkdirSync(path.dirname(values.out), { recursive: true });
writeFileSync(values.out, text);
process.stdout.write(text);

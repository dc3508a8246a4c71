import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { checkPolicy, type CheckResult } from '../../src/compile.js';
import { computeDiff, formatDiff } from '../../src/diff/index.js';
import { artifacts } from '../../src/emit/index.js';
import { policyDigest } from '../../src/emit/digest.js';
import type { SourceFile } from '../../src/model/source.js';
import { explainPermission, formatPath, formatReason, whoCan } from '../../src/query.js';
import { formatters } from '../../src/report/index.js';
import { reportInput } from '../../src/report/input.js';
import { rules } from '../../src/rules/index.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { parseXml } from '../report/xml.js';
import { anyText, asFiles, damagedPolicyText, policyFileModel, policyFiles, yamlishText } from './arbitraries.js';

/**
 * The fuzz properties, shared by the short run in `npm test` (fuzz.test.ts)
 * and the long one in `npm run fuzz` (long.fuzz.ts). Every property feeds
 * hostile input through the pipeline and checks the same invariants: nothing
 * throws, problems come back as findings with positions, every output is
 * well-formed, every case ends in bounded time.
 */

const asOf = '2026-11-22';
const ruleIds = new Set(rules.map((r) => r.meta.id));
const severities = new Set(['error', 'warning', 'info']);
const subjectKinds = new Set(['user', 'role', 'group', 'permission', 'file', 'policy']);

/** How a property run is configured. */
export interface FuzzBudget {
  readonly numRuns: number;
  readonly seed: number;
  /** Most milliseconds one case may take. */
  readonly caseMs: number;
  /** Called with the duration of every case (the long run reports the slowest). */
  readonly onCase?: (property: string, milliseconds: number, input: unknown) => void;
}

/** Checks the diagnostics and every report format of a check result; throws on the first broken invariant. */
export function checkInvariants(result: CheckResult): void {
  const paths = new Set(result.files.map((f) => f.path));
  // Words that betray a bug (a value printed without being formatted) unless the policy itself wrote them
  // (a key `.nan` is the number NaN in YAML).
  const written = result.files.map((f) => f.text).join('\n');
  const leaks = [
    { word: '[object Object]', written: written.includes('[object Object]') },
    { word: 'undefined', written: written.includes('undefined') },
    { word: 'NaN', written: written.includes('NaN') || /\.nan/i.test(written) },
    { word: 'native code', written: written.includes('native code') },
  ];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let suppressed = 0;
  for (const d of result.diagnostics) {
    expect(ruleIds.has(d.rule), `unknown rule ${d.rule}`).toBe(true);
    expect(severities.has(d.severity)).toBe(true);
    expect(typeof d.message).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
    for (const leak of leaks) if (d.message.includes(leak.word)) expect(leak.written, `${d.rule}: ${d.message}`).toBe(true);
    expect(d.file.length).toBeGreaterThan(0);
    expect(d.line, `${d.rule} ${d.file} line`).toBeGreaterThanOrEqual(1);
    expect(d.column, `${d.rule} ${d.file} column`).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(d.line) && Number.isInteger(d.column)).toBe(true);
    expect(subjectKinds.has(d.subject.kind)).toBe(true);
    expect(typeof d.subject.id).toBe('string');
    for (const r of d.related) {
      expect(r.line).toBeGreaterThanOrEqual(1);
      expect(r.column).toBeGreaterThanOrEqual(1);
      expect(r.file.length).toBeGreaterThan(0);
    }
    if (d.rule !== 'yaml-syntax') expect(paths.has(d.file), `${d.rule} on ${d.file}, which was not loaded`).toBe(true);
    if (d.suppressed) suppressed++;
    else if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  expect(result.summary).toMatchObject({ errors, warnings, infos, suppressed });

  const input = reportInput(result, { color: false });
  const json = JSON.parse(formatters.json(input)) as Record<string, unknown>;
  checkDiagnosticsDocument(json, result.diagnostics.length);
  const sarif = JSON.parse(formatters.sarif(input)) as { version: string; runs: unknown[] };
  expect(sarif.version).toBe('2.1.0');
  parseXml(formatters.junit(input));
  formatters.stylish(input);
  formatters.stylish({ ...input, color: true });
  for (const line of formatters.github(input).split('\n')) {
    expect(line === '' || line.startsWith('::error ') || line.startsWith('::warning ') || line.startsWith('::notice ') || line.startsWith('rolecall: '), `github line ${JSON.stringify(line.slice(0, 80))}`).toBe(true);
  }
}

/** The `rolecall.diagnostics/v1` shape of SPEC §4, exactly. */
export function checkDiagnosticsDocument(doc: Record<string, unknown>, count: number): void {
  expect(Object.keys(doc).sort()).toEqual(['diagnostics', 'format', 'summary']);
  expect(doc['format']).toBe('rolecall.diagnostics/v1');
  const summary = doc['summary'] as Record<string, unknown>;
  for (const key of ['errors', 'warnings', 'infos', 'suppressed']) expect(Number.isInteger(summary[key])).toBe(true);
  const diagnostics = doc['diagnostics'] as Record<string, unknown>[];
  expect(diagnostics).toHaveLength(count);
  for (const d of diagnostics) {
    expect(Object.keys(d).sort()).toEqual(['column', 'file', 'line', 'message', 'related', 'rule', 'severity', 'subject', 'suppressed']);
    expect(Object.keys(d['subject'] as object).sort()).toEqual(['id', 'kind']);
    expect(typeof d['suppressed']).toBe('boolean');
    for (const r of d['related'] as Record<string, unknown>[]) expect(Object.keys(r).sort()).toEqual(['column', 'file', 'line', 'message']);
  }
}

/** Renders every artifact of a clean result in memory and checks that each is well-formed. */
export function checkArtifacts(result: CheckResult, withTypeScript: boolean): void {
  const input = { result, digest: policyDigest(result.files) };
  const res = result.resolution;
  for (const artifact of artifacts) {
    if (artifact.name === 'permissions.ts' && !withTypeScript) continue;
    const text = [...artifact.render(input)].join('');
    if (artifact.name === 'matrix.json') {
      const matrix = JSON.parse(text) as { users: Record<string, unknown>; roles: Record<string, unknown> };
      expect(Object.keys(matrix.users)).toEqual(res.userIds);
      expect(Object.keys(matrix.roles)).toEqual(res.roleIds);
    } else if (artifact.name === 'matrix.csv') {
      expect(text.startsWith('user,permission,scope,via\n')).toBe(true);
    } else if (artifact.name === 'matrix.html') {
      const data = /<script type="application\/json" id="matrix-data">\n([\s\S]*?)\n<\/script>/.exec(text)?.[1];
      expect(JSON.parse(data ?? 'null')).toMatchObject({ asOf });
    } else if (artifact.name === 'permissions.ts') {
      expect(text.startsWith('// Generated by rolecall')).toBe(true);
    }
    expect(text).not.toMatch(/\[object Object\]|native code/);
  }
}

/** Explains and who-cans over (a sample of) users and permissions. */
export function checkQueries(result: CheckResult): void {
  const res = result.resolution;
  const users = Math.min(res.userIds.length, 12);
  const permissions = Math.min(res.permissionIds.length, 12);
  for (let p = 0; p < permissions; p++) {
    for (const holder of whoCan(res, p)) {
      expect(res.level(res.userIndex.get(holder.user)!, p)).toBeGreaterThan(0);
      if (holder.path) formatPath(holder.path);
    }
    for (let u = 0; u < users; u++) {
      const explanation = explainPermission(res, u, p);
      expect(explanation.holds === undefined).toBe(res.level(u, p) === 0);
      for (const reason of explanation.reasons) expect(formatReason(reason).length).toBeGreaterThan(0);
      for (const path of explanation.paths) formatPath(path.path);
    }
  }
}

/** Diffs two results both ways and checks every format. */
export function checkDiff(base: CheckResult, head: CheckResult): void {
  const report = computeDiff(base, head);
  JSON.parse(formatDiff(report, 'json'));
  formatDiff(report, 'text');
  expect(formatDiff(report, 'md').length).toBeLessThan(60_000);
  JSON.parse(formatDiff(computeDiff(head, base), 'json'));
}

function check(files: readonly SourceFile[]): CheckResult {
  return checkPolicy({ files: [...files], problems: [] }, { asOf });
}

function timed<T>(budget: FuzzBudget, property: string, input: unknown, run: () => T): T {
  const started = performance.now();
  const result = run();
  const elapsed = performance.now() - started;
  budget.onCase?.(property, elapsed, input);
  expect(elapsed, `${property}: one case took ${Math.round(elapsed)} ms`).toBeLessThan(budget.caseMs);
  return result;
}

function parameters(budget: FuzzBudget): fc.Parameters<unknown> {
  return { numRuns: budget.numRuns, seed: budget.seed };
}

/** (a) Random text, one to three files, through the whole check. */
export function randomTextProperty(budget: FuzzBudget): void {
  fc.assert(
    fc.property(fc.array(anyText, { minLength: 1, maxLength: 3 }), (texts) => {
      timed(budget, 'random text', texts, () => checkInvariants(check(asFiles(texts))));
    }),
    parameters(budget) as fc.Parameters<[string[]]>,
  );
}

/** (a) YAML-ish documents: indentation, punctuation, anchors, aliases, tags, tabs, unicode, long lines. */
export function yamlishProperty(budget: FuzzBudget): void {
  fc.assert(
    fc.property(fc.array(fc.oneof(yamlishText, damagedPolicyText(policyFileModel)), { minLength: 1, maxLength: 3 }), (texts) => {
      timed(budget, 'yaml-ish text', texts, () => {
        const result = check(asFiles(texts));
        checkInvariants(result);
        checkQueries(result);
      });
    }),
    parameters(budget) as fc.Parameters<[string[]]>,
  );
}

/** (a) Random bytes and text written to disk under odd names, through the real loader. */
export function loaderProperty(budget: FuzzBudget): void {
  const name = fc.oneof(fc.constantFrom('a.yaml', 'b.yml', 'c.yaml', 'x.txt', 'sub/d.yaml', '.hidden/e.yaml', 'node_modules/f.yaml', 'é.yaml', 'a b.yaml', '-g.yaml'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }).map((s) => `${s.replace(/[/\\\0.]/g, '_')}.yaml`));
  const content = fc.oneof(fc.uint8Array({ maxLength: 600 }), anyText, yamlishText);
  fc.assert(
    fc.property(fc.array(fc.tuple(name, content), { minLength: 1, maxLength: 4 }), (entries) => {
      const work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-fuzz-'));
      try {
        for (const [file, data] of entries) {
          const target = path.join(work, 'pol', file);
          mkdirSync(path.dirname(target), { recursive: true });
          writeFileSync(target, data);
        }
        timed(budget, 'loader', entries, () => {
          const loaded = loadPolicyDirectory('pol', { cwd: work });
          checkInvariants(checkPolicy(loaded, { asOf }));
        });
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }),
    parameters(budget) as fc.Parameters<[[string, string | Uint8Array][]]>,
  );
}

/** (b) Random policy models through check, compile (every artifact in memory), explain, who-can and diff. */
export function modelProperty(budget: FuzzBudget, options: { typeScriptEvery: number }): void {
  let previous: CheckResult | undefined;
  let cases = 0;
  fc.assert(
    fc.property(policyFiles, (texts) => {
      timed(budget, 'policy model', texts, () => {
        const result = check(asFiles(texts));
        checkInvariants(result);
        checkQueries(result);
        if (result.summary.errors === 0) checkArtifacts(result, cases++ % options.typeScriptEvery === 0);
        if (previous) checkDiff(previous, result);
        previous = result;
      });
    }),
    parameters(budget) as fc.Parameters<[string[]]>,
  );
}

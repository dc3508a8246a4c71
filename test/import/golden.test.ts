import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runCli } from '../helpers/cli.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-import-golden-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fixtures = path.join(root, 'test/fixtures/import');

async function importInto(args: string[], name: string): Promise<string> {
  const out = path.join(work, name);
  const run = await runCli([...args, '--out', out, '--schema', '../schema/policy.schema.json'], { cwd: root });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return out;
}

describe('import golden files (regenerate on purpose with vitest -u, review the diff)', () => {
  it('servicenow: the policy files and import-report.md', async () => {
    const out = await importInto(['import', 'servicenow', path.join(fixtures, 'servicenow')], 'servicenow');
    expect(readdirSync(out).sort()).toEqual(['groups.yaml', 'import-report.md', 'roles.yaml', 'users-001.yaml']);
    for (const name of readdirSync(out)) await expect(readFileSync(path.join(out, name), 'utf8')).toMatchFileSnapshot(`golden/servicenow/${name}`);
  });

  it('servicenow: the imported policy checks, and its findings are about the live system only', async () => {
    const out = await importInto(['import', 'servicenow', path.join(fixtures, 'servicenow')], 'servicenow-check');
    const run = await runCli(['check', out, '--format', 'json', '--as-of', '2026-11-22']);
    const report = JSON.parse(run.stdout) as { diagnostics: { rule: string; message: string }[] };
    const rules = [...new Set(report.diagnostics.map((d) => d.rule))].sort();
    // No yaml-syntax, schema, unknown-reference, duplicate-definition: the importer wrote a valid policy.
    expect(rules).toEqual(['external-without-sponsor', 'inactive-user-access', 'role-without-permissions', 'stale-review', 'unused-role']);
    expect(report.diagnostics.find((d) => d.rule === 'inactive-user-access')!.message).toContain('beth.anglin');
  });

  it('casbin: the policy files and import-report.md', async () => {
    const out = await importInto(['import', 'casbin', path.join(fixtures, 'casbin/model.conf'), path.join(fixtures, 'casbin/policy.csv')], 'casbin');
    expect(readdirSync(out).sort()).toEqual(['groups.yaml', 'import-report.md', 'permissions.yaml', 'roles.yaml', 'users-001.yaml']);
    for (const name of readdirSync(out)) await expect(readFileSync(path.join(out, name), 'utf8')).toMatchFileSnapshot(`golden/casbin/${name}`);
    const check = await runCli(['check', out, '--format', 'json', '--as-of', '2026-11-22']);
    const rules = new Set((JSON.parse(check.stdout) as { diagnostics: { rule: string }[] }).diagnostics.map((d) => d.rule));
    for (const structural of ['yaml-syntax', 'schema', 'unknown-reference', 'duplicate-definition', 'containment-cycle']) expect(rules.has(structural)).toBe(false);
  });

  it('is deterministic: a second import gives the same bytes', async () => {
    const a = await importInto(['import', 'servicenow', path.join(fixtures, 'servicenow')], 'det-a');
    const b = await importInto(['import', 'servicenow', path.join(fixtures, 'servicenow')], 'det-b');
    for (const name of readdirSync(a)) expect(readFileSync(path.join(b, name), 'utf8')).toBe(readFileSync(path.join(a, name), 'utf8'));
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-coverage-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('check --coverage', () => {
  it('stylish: a coverage section after the findings, per kind with the percentage and what is not exercised', async () => {
    const run = await runCli(['check', 'policies', '--as-of', '2026-11-22', '--coverage']);
    expect(run.code).toBe(0);
    const section = run.stdout.slice(run.stdout.indexOf('Assertion coverage'));
    expect(section.startsWith('Assertion coverage (23 assertions):\n  roles                       43.3%  26 of 60\n    not exercised: cmdb_read, csm_ws_integration, ')).toBe(true);
    expect(section).toContain('  separation-of-duties sets   50.0%  2 of 4\n    not exercised: ns-admin-not-trust-guest, vendor-support-vs-csm-admin\n');
    expect(section).toContain('  privileged-role holdings    69.2%  9 of 13\n    not exercised: marco.bianchi (sn_esm_admin), priya.sharma (sn_esm_admin), priya.sharma (sn_scm_case_type.config_admin), svc-csm-integration (csm_ws_integration)\n');
    expect(section).toMatch(/and \d+ more \(--format json lists all\)/);
  });

  it('json: the diagnostics document gains a `coverage` key with every uncovered item', async () => {
    const run = await runCli(['check', 'policies', '--as-of', '2026-11-22', '--coverage', '--format', 'json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.format).toBe('rolecall.diagnostics/v1');
    expect(Object.keys(doc)).toEqual(['coverage', 'diagnostics', 'format', 'summary']);
    expect(doc.coverage.assertions).toBe(23);
    expect(doc.coverage.roles).toMatchObject({ covered: 26, total: 60, percent: 43.3 });
    expect(doc.coverage.roles.uncovered).toHaveLength(34);
    expect(doc.coverage.permissions).toMatchObject({ covered: 33, total: 83, percent: 39.7 });
    expect(doc.coverage.permissions.uncovered).toHaveLength(50);
    expect(doc.coverage.separationOfDuties).toEqual({ covered: 2, total: 4, percent: 50, uncovered: ['ns-admin-not-trust-guest', 'vendor-support-vs-csm-admin'] });
    expect(doc.coverage.privilegedHolders.uncovered[0]).toEqual({ role: 'sn_esm_admin', user: 'marco.bianchi' });
    // Without --coverage the document is unchanged.
    const plain = JSON.parse((await runCli(['check', 'policies', '--as-of', '2026-11-22', '--format', 'json'])).stdout);
    expect(plain.coverage).toBeUndefined();
  });

  it('settings.coverage: coverage-below-threshold fails the check (exit 1), with or without --coverage', async () => {
    const dir = path.join(work, 'policies');
    cpSync('policies', dir, { recursive: true });
    const controls = path.join(dir, 'controls.yaml');
    writeFileSync(controls, readFileSync(controls, 'utf8').replace('settings:\n', 'settings:\n  coverage: { roles: 40, permissions: 50, privilegedHolders: 75 }\n'));
    const run = await runCli(['check', dir, '--as-of', '2026-11-22', '--format', 'json']);
    expect(run.code).toBe(1);
    const found = JSON.parse(run.stdout).diagnostics.filter((d: { rule: string }) => d.rule === 'coverage-below-threshold');
    expect(found.map((d: { message: string; line: number }) => `${d.line} ${d.message.split(':')[0]}`)).toEqual([
      '122 the assertions exercise 33 of 83 permissions (39.7%), below `settings.coverage.permissions',
      '122 the assertions exercise 9 of 13 privileged-role holdings (69.2%), below `settings.coverage.privilegedHolders',
    ]);
    const stylish = await runCli(['check', dir, '--as-of', '2026-11-22', '--coverage']);
    expect(stylish.code).toBe(1);
    expect(stylish.stdout).toContain('  permissions                 39.7%  33 of 83  below settings.coverage.permissions: 50\n');
    expect(stylish.stdout).toContain('  roles                       43.3%  26 of 60  (settings.coverage.roles: 40)\n');
  });

  it('refuses --coverage with a format that has no place for the report (exit 2)', async () => {
    const run = await runCli(['check', 'policies', '--coverage', '--format', 'sarif']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rolecall: --coverage prints its report in the stylish and json formats, not sarif (coverage-below-threshold findings appear in every format)\n');
  });
});

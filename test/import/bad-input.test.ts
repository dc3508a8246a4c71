import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runCli, type CliRun } from '../helpers/cli.js';

const fixture = path.join(root, 'test/fixtures/import/servicenow');
let work: string;
let n = 0;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'rolecall-import-bad-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the small export with `change` applied. */
function exportWith(change: (dir: string) => void): string {
  const dir = path.join(work, `export-${++n}`);
  cpSync(fixture, dir, { recursive: true });
  change(dir);
  return dir;
}

/** One plain line on stderr, exit 2, no stack trace, and nothing written to `out`. */
function expectOneLineError(run: CliRun, out: string, ...parts: string[]): void {
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^rolecall: /);
  expect(run.stderr).not.toMatch(/\n\s+at |internal error/);
  for (const part of parts) expect(run.stderr).toContain(part);
  expect(existsSync(out)).toBe(false);
}

async function importRun(dir: string): Promise<{ run: CliRun; out: string; report: () => string }> {
  const out = path.join(work, `out-${++n}`);
  const run = await runCli(['import', 'servicenow', dir, '--out', out]);
  return { run, out, report: () => readFileSync(path.join(out, 'import-report.md'), 'utf8') };
}

describe('import servicenow: bad input gets one clear line or a line in the report (issue 16)', () => {
  it('a missing table: exit 2 naming it and its fields', async () => {
    const { run, out } = await importRun(exportWith((d) => rmSync(path.join(d, 'sys_group_has_role.csv'))));
    expectOneLineError(run, out, '`sys_group_has_role`', 'group,role');
  });

  it('a missing required column: exit 2 naming the file and column', async () => {
    const { run, out } = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user.csv'), 'sys_id,name,active\nu1,Abel,true\n')));
    expectOneLineError(run, out, 'sys_user.csv', '`user_name`');
  });

  it('unknown columns are listed in the report', async () => {
    const { run, report } = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user_grmember.csv'), 'user,group,sys_created_on\nu1,g1,2020-01-01\n')));
    expect(run.code).toBe(0);
    expect(report()).toMatch(/\| sys_user_grmember \| sys_user_grmember\.csv \| 1 \| `sys_created_on` \|/);
  });

  it('a malformed row (wrong number of fields) is left out and listed with its row and line', async () => {
    const { run, report } = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_group_has_role.csv'), 'group,role\ng1,itil\ng1,itil,extra\n')));
    expect(run.code).toBe(0);
    expect(report()).toContain('| sys_group_has_role.csv | 2 (line 3) | 3 fields where the header has 2 |');
  });

  it('broken quoting: exit 2 naming the file and line', async () => {
    const { run, out } = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user_grmember.csv'), 'user,group\nu1,g1\n"u2,g2\n')));
    expectOneLineError(run, out, 'sys_user_grmember.csv:', 'a quoted field is never closed');
  });

  it('a reference to nothing is left out and listed', async () => {
    const { report } = await importRun(fixture);
    expect(report()).toContain('| sys_user_grmember.csv | 4 (line 5) | user: `u9` is no sys_user record in the export |');
  });

  it('duplicate sys_ids: the first row is kept, the others listed', async () => {
    const { run, report } = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user_role.csv'), readFileSync(path.join(d, 'sys_user_role.csv'), 'utf8') + 'r1,itil_copy,,false,\n')));
    expect(run.code).toBe(0);
    expect(report()).toMatch(/### duplicate sys_id \(1\)[\s\S]*sys_id `r1` \(`itil_copy`\) already read at sys_user_role\.csv row 1/);
  });

  it('ids that collide after normalisation are told apart and listed', async () => {
    const { report } = await importRun(fixture);
    expect(report()).toContain('| user | `Beth.Anglin` | `beth.anglin-2` | collides with `beth.anglin` after normalisation |');
  });

  it('a 2 GB file is refused with one line, without reading it', async () => {
    const { run, out } = await importRun(
      exportWith((d) => {
        rmSync(path.join(d, 'sys_user_has_role.json'));
        const fd = openSync(path.join(d, 'sys_user_has_role.csv'), 'w');
        ftruncateSync(fd, 2 * 1024 ** 3);
        closeSync(fd);
      }),
    );
    expectOneLineError(run, out, 'sys_user_has_role.csv', 'is 2 GiB, over the limit of 1 GiB a file');
  });

  it('a row larger than the limit (a huge JSON string) stops the read with one line', async () => {
    const { run, out } = await importRun(
      exportWith((d) => {
        rmSync(path.join(d, 'sys_user_has_role.json'));
        writeFileSync(path.join(d, 'sys_user_has_role.json'), `{"result":[{"user":"u1","role":"r1","inherited":"${'x'.repeat(3 * 1024 * 1024)}"}]}`);
      }),
    );
    expectOneLineError(run, out, 'sys_user_has_role.json', 'larger than the limit of a row');
  });

  it('a non-UTF-8 file: exit 2 naming it', async () => {
    const { run, out } = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user_group.csv'), Buffer.from('sys_id,name,active\ng1,S\xe9curit\xe9,true\n', 'latin1'))));
    expectOneLineError(run, out, 'sys_user_group.csv', 'is not UTF-8');
  });

  it('broken JSON and a Table API error response: exit 2 naming the file', async () => {
    const broken = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user_has_role.json'), '{"result":[{"user":"u1",')));
    expectOneLineError(broken.run, broken.out, 'sys_user_has_role.json');
    const failed = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user_has_role.json'), '{"error":{"message":"User Not Authenticated"},"status":"failure"}')));
    expectOneLineError(failed.run, failed.out, 'sys_user_has_role.json', 'no `result` or `records` array', '`error`');
  });

  it('a JSON record that is not an object is a malformed row in the report', async () => {
    const { run, report } = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user_has_role.json'), '{"records":[{"user":"u1","role":"r5","inherited":"false","state":"active"}, 42]}')));
    expect(run.code).toBe(0);
    expect(report()).toContain('record 2 is a number, not an object');
  });

  it('two exports of one table: exit 2', async () => {
    const { run, out } = await importRun(exportWith((d) => writeFileSync(path.join(d, 'sys_user_has_role.csv'), 'user,role,inherited,state\n')));
    expectOneLineError(run, out, 'keep one export of `sys_user_has_role`');
  });

  it('a CSV with a BOM, CRLF line ends and a quoted embedded newline reads like a plain one', async () => {
    const { run, out } = await importRun(
      exportWith((d) => writeFileSync(path.join(d, 'sys_user_role.csv'), '\uFEFFsys_id,name,description,elevated_privilege,assignable_by\r\nr1,itil,"two\r\nlines",false,\r\nr2,admin,Administrator,true,\r\nr3,security_admin,x,true,admin\r\nr4,snc_external,,false,\r\nr5,snc_internal,,false,\r\nr6,catalog,,false,\r\n')),
    );
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(out, 'roles.yaml'), 'utf8')).toContain('description: "two\\r\\nlines"');
  });

  it('refuses a non-empty --out without --force; --force replaces it; a directory inside stops even --force', async () => {
    const out = path.join(work, 'existing');
    mkdirSync(out);
    writeFileSync(path.join(out, 'old.yaml'), 'users: {}\n');
    const refused = await runCli(['import', 'servicenow', fixture, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not empty');
    expect(readdirSync(out)).toEqual(['old.yaml']);
    const forced = await runCli(['import', 'servicenow', fixture, '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['groups.yaml', 'import-report.md', 'roles.yaml', 'users-001.yaml']);
    mkdirSync(path.join(out, 'nested'));
    const nested = await runCli(['import', 'servicenow', fixture, '--out', out, '--force']);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('`nested`');
  });

  it('a failed import leaves an existing --out as it was', async () => {
    const out = path.join(work, 'kept');
    expect((await runCli(['import', 'servicenow', fixture, '--out', out])).code).toBe(0);
    const before = readFileSync(path.join(out, 'users-001.yaml'), 'utf8');
    const broken = exportWith((d) => writeFileSync(path.join(d, 'sys_user_grmember.csv'), 'user,group\n"u1,g1\n'));
    const run = await runCli(['import', 'servicenow', broken, '--out', out, '--force']);
    expect(run.code).toBe(2);
    expect(readFileSync(path.join(out, 'users-001.yaml'), 'utf8')).toBe(before);
    expect(readdirSync(path.dirname(out)).filter((name) => name.includes('.rolecall-'))).toEqual([]);
  });

  it('usage errors: no system, an unknown one, no --out, an export directory that does not exist', async () => {
    expect((await runCli(['import'])).stderr).toContain('import needs a system');
    expect((await runCli(['import', 'okta', 'x', '--out', 'y'])).stderr).toContain('unknown system `okta`');
    expect((await runCli(['import', 'servicenow', fixture])).stderr).toContain('needs --out');
    const missing = await runCli(['import', 'servicenow', path.join(work, 'nope'), '--out', path.join(work, 'nope-out')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });
});

describe('import casbin: bad input', () => {
  it('a model without a policy definition, a missing policy file: exit 2', async () => {
    const model = path.join(work, 'bad.conf');
    writeFileSync(model, '[request_definition]\nr = sub, obj, act\n');
    const out = path.join(work, 'casbin-out');
    const noP = await runCli(['import', 'casbin', model, path.join(root, 'test/fixtures/import/casbin/policy.csv'), '--out', out]);
    expectOneLineError(noP, out, 'no `p = ...`');
    const noPolicy = await runCli(['import', 'casbin', path.join(root, 'test/fixtures/import/casbin/model.conf'), path.join(work, 'none.csv'), '--out', out]);
    expectOneLineError(noPolicy, out, 'does not exist');
  });
});

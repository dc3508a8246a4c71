import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { testAsOf } from '../helpers/policy.js';
import { billionLaughs, cleanup, ensureBuilt, pseudoRandomBytes, runBinaryWithin, tempDir } from './helpers.js';

/**
 * Issue 8, "Done when": run as a user would, with the built binary
 * (`npm test` builds first).
 */

const made: string[] = [];
beforeAll(ensureBuilt, 300_000);
afterAll(() => cleanup(made));

const secret = 'LINKED-FILE-CONTENT-7f3a9c';

describe('issue 8 done when: a directory of hostile files', () => {
  let work: string;

  beforeAll(() => {
    work = tempDir('done-when', made);
    mkdirSync(path.join(work, 'pol'));
    writeFileSync(path.join(work, 'outside.yaml'), `users:\n  ${secret.toLowerCase()}: { type: internal, name: ${secret} }\n# ${secret}\n`);
    writeFileSync(path.join(work, 'pol', 'laughs.yaml'), billionLaughs(9));
    writeFileSync(path.join(work, 'pol', 'junk.yaml'), pseudoRandomBytes(4096, 20261122));
    symlinkSync(path.join(work, 'outside.yaml'), path.join(work, 'pol', 'link.yaml'));
    writeFileSync(path.join(work, 'pol', 'users.yaml'), 'users:\n  __proto__:\n    type: internal\n');
  });

  it('gives one finding for each file, naming it, and exits 1 within two seconds (plus a margin for a loaded machine)', () => {
    const run = runBinaryWithin(['check', 'pol', '--format', 'json', '--as-of', testAsOf], { cwd: work, timeout: 30_000 });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const doc = JSON.parse(run.stdout) as { summary: { errors: number }; diagnostics: { rule: string; file: string; line: number; column: number; message: string }[] };
    expect(doc.diagnostics.map((d) => [d.file, d.rule])).toEqual([
      ['pol/junk.yaml', 'yaml-syntax'],
      ['pol/laughs.yaml', 'yaml-syntax'],
      ['pol/link.yaml', 'yaml-syntax'],
      ['pol/users.yaml', 'schema'],
    ]);
    expect(doc.summary.errors).toBe(4);
    const [junk, laughs, link, proto] = doc.diagnostics;
    expect(junk!.message).toMatch(/^`pol\/junk\.yaml` (binary file|not valid UTF-8)/);
    expect(laughs!.message).toContain('billion laughs');
    expect(link!.message).toBe('`pol/link.yaml` symbolic link leads outside the policy directory and was not read: copy the file into the policy directory instead');
    expect(proto).toMatchObject({ line: 2, column: 3, message: expect.stringContaining('`__proto__` in `users` is not a valid id') });
    // The budget of the issue is two seconds; Node and the CLI's imports take most of it, so allow a margin
    // for a loaded CI machine (a hang or an alias expansion would take minutes).
    expect(run.milliseconds).toBeLessThan(6000);
  });

  it('never prints the linked file, in any format or command', () => {
    const runs = [
      ...['stylish', 'json', 'sarif', 'github', 'junit'].map((format) => runBinaryWithin(['check', 'pol', '--format', format, '--as-of', testAsOf], { cwd: work })),
      runBinaryWithin(['compile', 'pol', '--out', 'out', '--as-of', testAsOf], { cwd: work }),
      runBinaryWithin(['explain', 'mallory', '--dir', 'pol', '--as-of', testAsOf], { cwd: work }),
      runBinaryWithin(['who-can', 'x', '--dir', 'pol', '--as-of', testAsOf], { cwd: work }),
      runBinaryWithin(['diff', '--base', 'pol', '--head', 'pol', '--format', 'md', '--as-of', testAsOf], { cwd: work }),
    ];
    for (const run of runs) {
      expect(run.signal).toBeNull();
      expect(run.stdout + run.stderr).not.toContain(secret);
      expect((run.stdout + run.stderr).toLowerCase()).not.toContain(secret.toLowerCase().replace('linked-file-content-', ''));
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 0]);
  });
});

describe('issue 8 done when: ids named after Object.prototype members', () => {
  it('a policy whose ids are constructor, valueof and isprototypeof compiles to the right matrix', () => {
    const work = tempDir('done-when-ids', made);
    cpSync(path.join(root, 'test/fixtures/hostile/prototype-ids'), path.join(work, 'pol'), { recursive: true });
    const run = runBinaryWithin(['compile', 'pol', '--out', 'out', '--as-of', testAsOf], { cwd: work });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const matrix = JSON.parse(readFileSync(path.join(work, 'out', 'matrix.json'), 'utf8')) as {
      roles: Record<string, { grants: Record<string, string | true> }>;
      users: Record<string, { roles: string[]; permissions: Record<string, string | true> }>;
    };
    expect(Object.keys(matrix.roles)).toEqual(['constructor', 'hasownproperty', 'isprototypeof', 'tostring', 'valueof']);
    expect(matrix.roles['constructor']!.grants).toEqual({ constructor: 'own', valueof: true });
    expect(matrix.roles['valueof']!.grants).toEqual({ constructor: 'all', tostring: true, valueof: true });
    expect(matrix.roles['isprototypeof']!.grants).toEqual({ isprototypeof: true });
    expect(matrix.users['constructor']).toMatchObject({ roles: ['constructor'], permissions: { constructor: 'own', valueof: true } });
    expect(matrix.users['valueof']).toMatchObject({ roles: ['constructor', 'tostring', 'valueof'], permissions: { constructor: 'all', hasownproperty: true, tostring: true, valueof: true } });
    expect(matrix.users['isprototypeof']).toMatchObject({ roles: ['isprototypeof', 'tostring'], permissions: { hasownproperty: true, isprototypeof: true } });
  });
});

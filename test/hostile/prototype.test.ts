import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPolicy, type CheckResult } from '../../src/compile.js';
import { computeDiff, formatDiff } from '../../src/diff/index.js';
import { artifacts } from '../../src/emit/index.js';
import { policyDigest } from '../../src/emit/digest.js';
import { explainPermission, whoCan } from '../../src/query.js';
import { formatters } from '../../src/report/index.js';
import { rules } from '../../src/rules/index.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { version } from '../../src/version.js';
import { root, runCli } from '../helpers/cli.js';
import { checkYaml, findings, testAsOf } from '../helpers/policy.js';
import { cleanup, tempDir } from './helpers.js';

const made: string[] = [];
afterAll(() => cleanup(made));

const fixture = 'test/fixtures/hostile/prototype-ids';
const asOf = ['--as-of', testAsOf];
const names = ['constructor', 'valueof', 'isprototypeof', 'tostring', 'hasownproperty'] as const;

/** The whole text of every artifact of a clean check result, rendered in memory. */
function renderAll(result: CheckResult): Map<string, string> {
  const input = { result, digest: policyDigest(result.files) };
  return new Map(artifacts.map((a) => [a.name, [...a.render(input)].join('')]));
}

describe('`__proto__` and friends are refused by the schema with a clear message', () => {
  it.each([
    ['a user id', 'users:\n  __proto__:\n    type: internal\n', 'policy.yaml:2:3', '`__proto__` in `users` is not a valid id'],
    ['a role id', 'roles:\n  __proto__: {}\n', 'policy.yaml:2:3', '`__proto__` in `roles` is not a valid id'],
    ['a permission id', 'permissions:\n  __proto__: {}\n', 'policy.yaml:2:3', '`__proto__` in `permissions` is not a valid id'],
    ['a group id', 'groups:\n  __proto__: {}\n', 'policy.yaml:2:3', '`__proto__` in `groups` is not a valid id'],
    ['a reference', 'users:\n  alice:\n    type: internal\n    roles: [__proto__]\n', 'policy.yaml:4:13', 'not a valid id'],
    ['a field', 'users:\n  alice:\n    type: internal\n    __proto__: { type: external }\n', 'policy.yaml:4:5', 'unknown field `__proto__` in user `alice`'],
    ['a section', '__proto__:\n  polluted: true\n', 'policy.yaml:1:1', 'unknown section `__proto__`'],
    ['a rule name in settings', 'settings:\n  rules: { __proto__: off }\n', 'policy.yaml:2:12', '`__proto__` is not allowed in `settings.rules`'],
    ['a quoted JSON-style key', '{ "users": { "__proto__": { "type": "internal" } } }\n', 'policy.yaml:1:14', '`__proto__` in `users` is not a valid id'],
  ])('%s', (_name, text, at, message) => {
    const schema = findings(checkYaml(text), 'schema');
    expect(schema).toEqual([expect.objectContaining({ severity: 'error', at, message: expect.stringContaining(message) })]);
  });

  it('the message for an id says that reserved names are refused', () => {
    const [finding] = findings(checkYaml('users:\n  __proto__:\n    type: internal\n'), 'schema');
    expect(finding?.message).toBe('`__proto__` in `users` is not a valid id: ids start with a lowercase letter (reserved names like `__proto__` are refused)');
    expect(finding?.subject).toBe('user:__proto__');
  });

  it('`__proto__` given on the command line is an unknown id, not a crash', async () => {
    expect(await runCli(['explain', '__proto__', '--dir', fixture, ...asOf])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^rolecall: unknown user `__proto__`[^\n]*\n$/) });
    expect(await runCli(['who-can', '__proto__', '--dir', fixture, ...asOf])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^rolecall: unknown permission `__proto__`[^\n]*\n$/) });
    expect(await runCli(['who-can', 'constructor', '--scope', '__proto__', '--dir', fixture, ...asOf])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^rolecall: permission `constructor` has no scope `__proto__`[^\n]*\n$/) });
    expect(await runCli(['explain', 'valueof', 'tostring.__proto__', '--dir', fixture, ...asOf])).toMatchObject({ code: 2 });
  });
});

describe('ids named after Object.prototype members are ordinary ids, end to end', () => {
  let result: CheckResult;
  let files: Map<string, string>;
  let out: string;

  beforeAll(async () => {
    result = checkPolicy(loadPolicyDirectory(fixture, { cwd: root }), { asOf: testAsOf });
    files = renderAll(result);
    out = path.join(tempDir('proto', made), 'out');
    const run = await runCli(['compile', fixture, '--out', out, ...asOf]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
  });

  it('checks clean: no errors, the grant-deny conflict of `tostring` accepted by an exception approved by `constructor`', () => {
    expect(result.summary).toMatchObject({ errors: 0, warnings: 0, suppressed: 1 });
    expect(result.diagnostics.map((d) => `${d.rule} ${d.subject.kind}:${d.subject.id} ${d.suppressed}`)).toEqual(['grant-deny-conflict user:tostring true']);
  });

  it('compiles to the right matrix (matrix.json)', () => {
    const matrix = JSON.parse(readFileSync(path.join(out, 'matrix.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.parse(files.get('matrix.json')!)).toEqual(matrix);
    expect(matrix['permissions']).toEqual({
      constructor: { audience: 'any', risk: 'low', scopes: ['own', 'all'] },
      hasownproperty: { audience: 'any', risk: 'low' },
      isprototypeof: { audience: 'any', risk: 'low' },
      tostring: { audience: 'any', risk: 'low' },
      valueof: { audience: 'any', risk: 'low' },
    });
    expect(matrix['roles']).toEqual({
      constructor: { effectiveRoles: ['constructor'], grants: { constructor: 'own', valueof: true }, holders: ['constructor', 'tostring', 'valueof'] },
      hasownproperty: { effectiveRoles: ['constructor', 'hasownproperty', 'isprototypeof'], grants: { constructor: 'own', isprototypeof: true }, holders: ['tostring'] },
      isprototypeof: { effectiveRoles: ['isprototypeof'], grants: { isprototypeof: true }, holders: ['isprototypeof', 'tostring'] },
      tostring: { effectiveRoles: ['tostring'], grants: { hasownproperty: true }, holders: ['isprototypeof', 'valueof'] },
      valueof: { effectiveRoles: ['constructor', 'valueof'], grants: { constructor: 'all', tostring: true, valueof: true }, holders: ['valueof'] },
    });
    expect(matrix['groups']).toEqual({
      constructor: { members: ['isprototypeof', 'valueof'], roles: ['tostring'] },
      valueof: { members: ['isprototypeof'], roles: ['isprototypeof'] },
    });
    expect(matrix['users']).toEqual({
      constructor: { groups: [], permissions: { constructor: 'own', valueof: true }, roles: ['constructor'], status: 'active', type: 'internal' },
      hasownproperty: { groups: [], permissions: {}, roles: [], status: 'inactive', type: 'internal' },
      isprototypeof: { groups: ['constructor', 'valueof'], permissions: { hasownproperty: true, isprototypeof: true }, roles: ['isprototypeof', 'tostring'], status: 'active', type: 'internal' },
      tostring: { groups: [], permissions: { constructor: 'own', isprototypeof: true }, roles: ['constructor', 'hasownproperty', 'isprototypeof'], status: 'active', type: 'internal' },
      valueof: { groups: ['constructor'], permissions: { constructor: 'all', hasownproperty: true, tostring: true, valueof: true }, roles: ['constructor', 'tostring', 'valueof'], status: 'active', type: 'internal' },
    });
  });

  it('matrix.csv holds one row per effective permission with the shortest path', () => {
    const csv = readFileSync(path.join(out, 'matrix.csv'), 'utf8');
    expect(csv).toBe(files.get('matrix.csv'));
    expect(csv).toBe(
      [
        'user,permission,scope,via',
        'constructor,constructor,own,role:constructor',
        'constructor,valueof,,role:constructor',
        'isprototypeof,hasownproperty,,group:valueof > group:constructor > role:tostring',
        'isprototypeof,isprototypeof,,group:valueof > role:isprototypeof',
        'tostring,constructor,own,role:hasownproperty > role:constructor',
        'tostring,isprototypeof,,role:hasownproperty > role:isprototypeof',
        'valueof,constructor,all,role:valueof',
        'valueof,hasownproperty,,group:constructor > role:tostring',
        'valueof,tostring,,role:valueof',
        'valueof,valueof,,role:valueof > role:constructor',
        '',
      ].join('\n'),
    );
  });

  it('matrix.md has a row for every role and user', () => {
    const md = files.get('matrix.md')!;
    for (const id of names) expect(md).toMatch(new RegExp(`^\\|[^\\n]*\\b${id}\\b`, 'm'));
    expect(md).not.toMatch(/\[object Object\]|function |undefined|native code/);
  });

  it('matrix.html embeds every id and resolves them by index', () => {
    const html = files.get('matrix.html')!;
    const json = /<script type="application\/json" id="matrix-data">\n([\s\S]*?)\n<\/script>/.exec(html)?.[1];
    const data = JSON.parse(json ?? 'null') as { groups: string[]; permissions: { id: string }[]; roles: { id: string; effectiveRoles: number[] }[]; users: { id: string; roles: number[]; groups: number[] }[] };
    expect(data.users.map((u) => u.id)).toEqual(['constructor', 'hasownproperty', 'isprototypeof', 'tostring', 'valueof']);
    expect(data.roles.map((r) => r.id)).toEqual(['constructor', 'hasownproperty', 'isprototypeof', 'tostring', 'valueof']);
    expect(data.groups).toEqual(['constructor', 'valueof']);
    const valueof = data.users.find((u) => u.id === 'valueof')!;
    expect(valueof.roles.map((r) => data.roles[r]!.id)).toEqual(['constructor', 'tostring', 'valueof']);
    expect(valueof.groups.map((g) => data.groups[g])).toEqual(['constructor']);
    expect(html).not.toMatch(/\[object Object\]|native code/);
  });

  /** Type-checks permissions.ts and a module using it, as strictly as rolecall itself; returns the messages. */
  function typeCheckPermissions(source: string, scoped = 'constructor'): string[] {
    const dir = tempDir('proto-ts', made);
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(dir, 'permissions.ts'), source);
    writeFileSync(
      path.join(dir, 'use.ts'),
      [
        "import { roleCan, roleGrants, type PermissionId, type RoleId } from './permissions.js';",
        "const role: RoleId = 'constructor';",
        "const permission: PermissionId = 'valueof';",
        `export const a: boolean = roleCan(role, permission) && roleCan('valueof', '${scoped}', 'all');`,
        `export const b: 'own' = roleGrants.constructor['${scoped}'];`,
        'export const c: true = roleGrants.valueof.tostring;',
        '',
      ].join('\n'),
    );
    const program = ts.createProgram([path.join(dir, 'permissions.ts'), path.join(dir, 'use.ts')], {
      strict: true,
      noEmit: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts'],
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }

  // Was a bug (src/emit/typescript.ts, fixed in 1de1ed8): with a PERMISSION named `constructor`, every
  // role object that did not grant it failed `satisfies Record<RoleId, Partial<Record<PermissionId, ...>>>`,
  // because TypeScript compared the optional `constructor` key with the literal's inherited `constructor`.
  it('permissions.ts type-checks strictly, with code that uses these ids', () => {
    expect(typeCheckPermissions(readFileSync(path.join(out, 'permissions.ts'), 'utf8'))).toEqual([]);
  });

  it('permissions.ts type-checks when `constructor` is a role, group and user id but no permission id', () => {
    const policy = readFileSync(path.join(root, fixture, 'policy.yaml'), 'utf8').replace('  constructor: { description: Scoped', '  ctor: { description: Scoped').replaceAll('constructor@', 'ctor@');
    const checked = checkYaml({ 'policy.yaml': policy });
    expect(checked.summary.errors).toBe(0);
    expect(typeCheckPermissions(renderAll(checked).get('permissions.ts')!, 'ctor')).toEqual([]);
  });

  it('permissions.ts answers roleCan from own properties only', async () => {
    const source = readFileSync(path.join(out, 'permissions.ts'), 'utf8');
    expect(source).toBe(files.get('permissions.ts'));
    const dir = tempDir('proto-js', made);
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(path.join(dir, 'permissions.mjs'), js);
    const module = (await import(pathToFileURL(path.join(dir, 'permissions.mjs')).href)) as { roleCan: (role: string, permission: string, scope?: string) => boolean };
    expect(module.roleCan('valueof', 'constructor', 'all')).toBe(true);
    expect(module.roleCan('constructor', 'constructor', 'all')).toBe(false);
    expect(module.roleCan('constructor', 'constructor', 'own')).toBe(true);
    expect(module.roleCan('isprototypeof', 'valueof')).toBe(false); // denied
    expect(module.roleCan('tostring', 'tostring')).toBe(false);
    expect(module.roleCan('hasownproperty', 'isprototypeof')).toBe(true);
    // Real Object.prototype members are not roles or grants.
    expect(module.roleCan('toString', 'valueOf')).toBe(false);
    expect(module.roleCan('constructor', 'toString')).toBe(false);
    expect(module.roleCan('__proto__', 'constructor')).toBe(false);
  });

  it('explain and who-can answer for these ids (in process and on the command line)', async () => {
    const res = result.resolution;
    const u = (id: string): number => res.userIndex.get(id)!;
    const p = (id: string): number => res.permissionIndex.get(id)!;
    expect(explainPermission(res, u('valueof'), p('constructor')).holds).toBe('all');
    const denied = explainPermission(res, u('tostring'), p('valueof'));
    expect(denied.holds).toBeUndefined();
    expect(denied.reasons).toEqual([expect.objectContaining({ kind: 'denied', role: 'isprototypeof' })]);
    expect(explainPermission(res, u('hasownproperty'), p('valueof')).reasons.map((r) => r.kind)).toEqual(['inactive']);
    expect(whoCan(res, p('constructor')).map((h) => `${h.user}@${String(h.scope)}`)).toEqual(['constructor@own', 'tostring@own', 'valueof@all']);
    expect(whoCan(res, p('valueof')).map((h) => h.user)).toEqual(['constructor', 'valueof']);

    const explain = await runCli(['explain', 'tostring', 'valueof', '--dir', fixture, ...asOf]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('tostring does not hold valueof');
    expect(explain.stdout).toContain('denied by role isprototypeof');
    const json = await runCli(['explain', 'valueof', '--dir', fixture, '--format', 'json', ...asOf]);
    expect((JSON.parse(json.stdout) as { permissions: { permission: string; holds: unknown }[] }).permissions.map((e) => `${e.permission}=${String(e.holds)}`)).toEqual([
      'constructor=all',
      'hasownproperty=true',
      'tostring=true',
      'valueof=true',
    ]);
    const who = await runCli(['who-can', 'constructor', '--scope', 'all', '--dir', fixture, '--format', 'json', ...asOf]);
    expect((JSON.parse(who.stdout) as { holders: { user: string; roles: string[] }[] }).holders).toEqual([expect.objectContaining({ user: 'valueof', roles: ['constructor', 'valueof'] })]);
    const text = await runCli(['who-can', 'isprototypeof', '--dir', fixture, ...asOf]);
    expect(text.stdout).toMatch(/^2 users hold isprototypeof/);
  });

  it('diff reports changes to these ids (in memory and `rolecall diff`)', async () => {
    const work = tempDir('proto-diff', made);
    cpSync(path.join(root, fixture), path.join(work, 'base'), { recursive: true });
    mkdirSync(path.join(work, 'head'));
    const head = readFileSync(path.join(root, fixture, 'policy.yaml'), 'utf8').replace('    denies: [valueof]\n', '').replace('  hasownproperty: { type: internal, status: inactive }', '  hasownproperty: { type: internal, roles: [constructor] }');
    writeFileSync(path.join(work, 'head', 'policy.yaml'), head);
    const baseResult = checkPolicy(loadPolicyDirectory('base', { cwd: work }), { asOf: testAsOf });
    const headResult = checkPolicy(loadPolicyDirectory('head', { cwd: work }), { asOf: testAsOf });
    const report = computeDiff(baseResult, headResult);
    const gained = Object.fromEntries(report.users.map((u) => [u.user, u.added.map((a) => `${a.permission}=${String(a.scope)}`)]));
    expect(gained).toEqual({ hasownproperty: ['constructor=own', 'valueof=true'], tostring: ['valueof=true'] });
    for (const format of ['md', 'json', 'text'] as const) expect(formatDiff(report, format)).not.toMatch(/\[object Object\]|native code/);
    const run = await runCli(['diff', '--base', 'base', '--head', 'head', '--format', 'json', ...asOf], { cwd: work });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { users: Record<string, { added: Record<string, { scope: unknown }> }> };
    expect(Object.entries(json.users).map(([user, change]) => `${user}:${Object.keys(change.added).join('+')}`)).toEqual(['hasownproperty:constructor+valueof', 'tostring:valueof']);
    expect(json.users['hasownproperty']!.added['constructor']!.scope).toBe('own');
  });

  it('every check format handles these ids as subjects', () => {
    const broken = checkYaml('roles:\n  constructor: { contains: [valueof] }\n  valueof: { contains: [constructor] }\nusers:\n  tostring: { type: internal, roles: [isprototypeof] }\n');
    expect(findings(broken, 'containment-cycle').length).toBeGreaterThan(0);
    expect(findings(broken, 'unknown-reference').map((f) => f.subject)).toEqual(['user:tostring']);
    for (const [name, format] of Object.entries(formatters)) {
      const text = format({ diagnostics: broken.diagnostics, summary: broken.summary, notEvaluated: broken.notEvaluated, files: new Map(broken.files.map((f) => [f.path, f])), rules: rules.map((r) => r.meta), color: false, toolVersion: version });
      expect(text, name).not.toMatch(/\[object Object\]|native code/);
      if (name === 'json' || name === 'sarif') expect(() => JSON.parse(text)).not.toThrow();
    }
  });
});

describe('Object.prototype is untouched after compiling hostile files', () => {
  type Snapshot = Map<string | symbol, PropertyDescriptor>;
  const prototypes = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype, Number: Number.prototype, Boolean: Boolean.prototype, Map: Map.prototype, Set: Set.prototype } as const;

  function snapshot(target: object): Snapshot {
    return new Map(Reflect.ownKeys(target).map((key) => [key, Object.getOwnPropertyDescriptor(target, key)!]));
  }

  function differences(before: Snapshot, after: Snapshot): string[] {
    const out: string[] = [];
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const a = before.get(key);
      const b = after.get(key);
      const same = a !== undefined && b !== undefined && Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;
      if (!same) out.push(String(key));
    }
    return out;
  }

  it('after check (every format), compile (every artifact), explain, who-can and diff of the pollution fixtures', async () => {
    const before = Object.fromEntries(Object.entries(prototypes).map(([name, proto]) => [name, snapshot(proto)]));
    const work = tempDir('pollution', made);
    cpSync(path.join(root, 'test/fixtures/hostile/pollution'), path.join(work, 'pol'), { recursive: true });
    cpSync(path.join(root, fixture), path.join(work, 'clean'), { recursive: true });
    for (const format of ['stylish', 'json', 'sarif', 'github', 'junit']) {
      const run = await runCli(['check', 'pol', '--format', format, ...asOf], { cwd: work });
      expect(run.code, format).toBe(1);
    }
    expect((await runCli(['compile', 'pol', '--out', 'out', ...asOf], { cwd: work })).code).toBe(1);
    expect((await runCli(['compile', 'clean', '--out', 'out', ...asOf], { cwd: work })).code).toBe(0);
    expect((await runCli(['explain', 'alice', '--dir', 'pol', ...asOf], { cwd: work })).code).toBe(2);
    expect((await runCli(['explain', 'valueof', '--dir', 'clean', ...asOf], { cwd: work })).code).toBe(0);
    expect((await runCli(['who-can', 'constructor', '--dir', 'clean', ...asOf], { cwd: work })).code).toBe(0);
    expect((await runCli(['diff', '--base', 'pol', '--head', 'clean', '--format', 'md', ...asOf], { cwd: work })).code).toBe(0);
    expect((await runCli(['diff', '--base', 'clean', '--head', 'pol', '--format', 'json', ...asOf], { cwd: work })).code).toBe(0);
    for (const [name, proto] of Object.entries(prototypes)) expect(differences(before[name]!, snapshot(proto)), `${name}.prototype`).toEqual([]);
    const probe = {} as Record<string, unknown>;
    for (const key of ['polluted', 'isAdmin', 'type', 'roles']) expect(probe[key], key).toBeUndefined();
  });
});

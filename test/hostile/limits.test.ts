import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPolicy, type CheckResult } from '../../src/compile.js';
import { defaultLoadLimits, loadPolicyDirectory, type LoadLimits } from '../../src/stages/load.js';
import { defaultParseLimits, parseFile } from '../../src/stages/parse.js';
import { root, runCli } from '../helpers/cli.js';
import { checkYaml, findings, testAsOf } from '../helpers/policy.js';
import { billionLaughs, cleanup, ensureBuilt, isRoot, makeFifo, nobody, nobodyCanRun, pseudoRandomBytes, readable, runBinaryWithin, tempDir, writeTree } from './helpers.js';

const made: string[] = [];
beforeAll(ensureBuilt, 300_000);
afterAll(() => cleanup(made));

const valid = 'permissions:\n  kb.read: {}\nroles:\n  reader:\n    grants: [kb.read]\nusers:\n  alice:\n    type: internal\n    roles: [reader]\n';

/** Loads `<work>/pol` from disk (paths shown relative to `work`) and checks it. */
function checkDirectory(work: string, limits?: LoadLimits): CheckResult {
  const loaded = loadPolicyDirectory('pol', { cwd: work, ...(limits ? { limits } : {}) });
  return checkPolicy(loaded, { asOf: testAsOf });
}

/** `file: message` of every yaml-syntax finding. */
function syntaxFindings(result: CheckResult): string[] {
  return findings(result, 'yaml-syntax').map((f) => `${f.at.replace(/:\d+:\d+$/, '')}: ${f.message}`);
}

function policyDir(prefix: string, files: Record<string, string | Uint8Array> = {}): string {
  const work = tempDir(prefix, made);
  mkdirSync(path.join(work, 'pol'));
  writeTree(path.join(work, 'pol'), files);
  return work;
}

describe('YAML alias bombs', () => {
  it('a billion-laughs file is one yaml-syntax finding within a second, without expanding it', () => {
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const result = checkYaml({ 'laughs.yaml': billionLaughs(9) });
    const elapsed = performance.now() - started;
    expect(findings(result, 'yaml-syntax')).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('billion laughs'), at: expect.stringMatching(/^laughs\.yaml:\d+:\d+$/) })]);
    expect(elapsed).toBeLessThan(1000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('a wide anchor aliased many times (few aliases, huge expansion) is stopped by the alias node budget', () => {
    const wide = `big: &big [${Array.from({ length: 5000 }, (_, i) => `v${i}`).join(', ')}]\ncopies: [${Array(999).fill('*big').join(', ')}]\n`;
    const started = performance.now();
    const result = checkYaml({ 'wide.yaml': wide });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(findings(result, 'yaml-syntax').map((f) => f.message)).toEqual([expect.stringMatching(/aliases in this file expand to more than 100000 YAML nodes/)]);
  });

  it('aliases in a large file resolve in linear time (no document walk per alias)', () => {
    const items = Array.from({ length: 50_000 }, (_, i) => `    - r${i}`).join('\n');
    const text = `roles:\n  base: &base\n    grants: []\n${Array.from({ length: 900 }, (_, i) => `  copy${i}: *base`).join('\n')}\nusers:\n  alice:\n    type: internal\n    roles:\n${items}\n`;
    const started = performance.now();
    const { problems } = parseFile({ path: 'many.yaml', text });
    expect(problems).toEqual([]);
    expect(performance.now() - started).toBeLessThan(10_000); // quadratic resolution took minutes
  });

  it('a self-referencing anchor and an alias without an anchor are findings', () => {
    expect(findings(checkYaml('roles: &r\n  a: *r\n'), 'yaml-syntax').length).toBeGreaterThan(0);
    expect(findings(checkYaml('roles:\n  a: *nowhere\n'), 'yaml-syntax').map((f) => f.message)).toEqual([expect.stringContaining('no anchor')]);
  });

  it('documents its limits', () => {
    expect(defaultParseLimits).toEqual({ maxAliasCount: 1000, maxNodes: 5_000_000, maxDepth: 64, maxAliasNodes: 100_000 });
  });
});

describe('nesting depth', () => {
  const shapes: [string, string][] = [
    ['flow sequences', '['.repeat(100_000)],
    ['flow mappings', '{a: '.repeat(20_000)],
    ['block sequences on one line', '- '.repeat(50_000)],
    ['explicit keys', '? '.repeat(50_000)],
    ['indented mappings', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
    ['mixed', '- [{a: - '.repeat(5000)],
  ];

  it.each(shapes)('%s nested past the limit give one finding, not a stack overflow', (_name, text) => {
    const result = checkYaml({ 'deep.yaml': text });
    const messages = findings(result, 'yaml-syntax').map((f) => f.message);
    expect(messages).toContain('YAML nesting deeper than 64 levels: policies never need this much');
    expect(messages.some((m) => /call stack/i.test(m))).toBe(false);
  });

  it('nesting at the limit is fine', () => {
    const text = `x: ${'['.repeat(63)}${']'.repeat(63)}\n`;
    expect(parseFile({ path: 'ok.yaml', text }).problems).toEqual([]);
  });

  it('deep nesting cannot take the process down (run as a user would, several shapes in one directory)', () => {
    // `- - - ...` about 1000 deep used to abort Node ("RegExpCompiler Allocation failed") after another file was parsed.
    const work = policyDir('deep', { 'a.yaml': valid, ...Object.fromEntries(shapes.map(([name, text], i) => [`deep${i}-${name.replace(/\W+/g, '-')}.yaml`, text])), 'z.yaml': '- '.repeat(1000) });
    const run = runBinaryWithin(['check', 'pol', '--format', 'json'], { cwd: work, timeout: 60_000 });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout) as { diagnostics: { file: string; message: string }[] };
    const deep = document.diagnostics.filter((d) => d.message.startsWith('YAML nesting deeper'));
    expect(deep.map((d) => d.file).sort()).toEqual([...shapes.map((_, i) => expect.stringContaining(`pol/deep${i}-`)), 'pol/z.yaml']);
  });
});

describe('ids', () => {
  const long = 'a' + 'x'.repeat(200);

  it('an id of 200 characters is valid', () => {
    const id = 'a' + 'x'.repeat(199);
    expect(findings(checkYaml(`users:\n  ${id}:\n    type: external\n    sponsor: ${id}\n`), 'schema')).toEqual([]);
  });

  it('an id over 200 characters is rejected by the schema', () => {
    const result = checkYaml(`users:\n  alice:\n    type: internal\n  ${long}:\n    type: internal\n`);
    expect(findings(result, 'schema')).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('200 characters') })]);
  });

  // Was a bug (src/stages/validate.ts, fixed in 1de1ed8): the message said "`users` is longer than 200
  // characters", pointed at the first key of the section (alice, line 2) and left the whole section out.
  it('an over-long id is reported on its own key, named, and only it is left out', () => {
    const result = checkYaml(`users:\n  alice:\n    type: internal\n  ${long}:\n    type: internal\n`);
    const [finding] = findings(result, 'schema');
    expect(finding?.at).toBe('policy.yaml:4:3');
    expect(finding?.message).toMatch(/ids? .*at most 200 characters/);
    expect(finding?.message).toContain(long.slice(0, 20));
    expect(result.model.users.has('alice')).toBe(true);
  });

  it('a grant over the length limit is a schema finding', () => {
    const result = checkYaml(`roles:\n  r:\n    grants: [${'p'.repeat(402)}]\n`);
    expect(findings(result, 'schema').length).toBe(1);
  });
});

describe('sizes and counts', () => {
  it('defaults: 32 MiB per file, 512 MiB in total, 20,000 files (docs/security.md says so)', () => {
    expect(defaultLoadLimits).toEqual({ maxFileBytes: 32 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024, maxFiles: 20_000 });
    const doc = readFileSync(path.join(root, 'docs/security.md'), 'utf8');
    for (const text of ['32 MiB', '512 MiB', '20,000', '--max-file-bytes', '--max-total-bytes', 'maxAliasCount', '64']) expect(doc).toContain(text);
  });

  it('a file over --max-file-bytes is a finding naming the file and the flag; the others are read', async () => {
    const work = policyDir('size', { 'a.yaml': valid, 'big.yaml': `# ${'x'.repeat(5000)}\n` });
    const run = await runCli(['check', 'pol', '--max-file-bytes', '4096', '--format', 'json', '--as-of', testAsOf], { cwd: work });
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { diagnostics: { rule: string; file: string; message: string }[] };
    expect(doc.diagnostics).toEqual([expect.objectContaining({ rule: 'yaml-syntax', file: 'pol/big.yaml', message: expect.stringMatching(/5003 bytes, over the limit of 4096.*--max-file-bytes/) })]);
    expect((await runCli(['check', 'pol', '--max-file-bytes', '8000', '--as-of', testAsOf], { cwd: work })).code).toBe(0);
  });

  it('the total cap refuses the files past it, in path order, and names --max-total-bytes', async () => {
    const work = policyDir('total', { 'a.yaml': valid, 'b.yaml': `# ${'x'.repeat(300)}\n`, 'c.yaml': `# ${'y'.repeat(300)}\n` });
    const run = await runCli(['check', 'pol', '--max-total-bytes', '600', '--format', 'json', '--as-of', testAsOf], { cwd: work });
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { diagnostics: { file: string; message: string }[] };
    expect(doc.diagnostics.map((d) => d.file)).toEqual(['pol/c.yaml']);
    expect(doc.diagnostics[0]!.message).toContain('--max-total-bytes');
  });

  it('size flags take whole numbers only (exit 2, one line)', async () => {
    for (const value of ['-1', '1e6', 'lots', '']) {
      const run = await runCli(['check', 'policies', `--max-file-bytes=${value}`]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^rolecall: --max-file-bytes takes a whole number[^\n]*\n$/);
    }
  });

  it('more files than maxFiles are findings, not read', () => {
    const work = policyDir('count', { 'a.yaml': valid, 'b.yaml': '# b\n', 'c.yaml': '# c\n' });
    const result = checkDirectory(work, { ...defaultLoadLimits, maxFiles: 2 });
    expect(syntaxFindings(result)).toEqual([expect.stringMatching(/^pol\/c\.yaml: .*more than 2 policy files/)]);
  });
});

describe('binary and mis-encoded files', () => {
  it.each<[string, Uint8Array | string, RegExp]>([
    ['random bytes', pseudoRandomBytes(4096, 7), /binary file|not valid UTF-8/],
    ['NUL bytes after a valid start', Buffer.concat([Buffer.from(valid), Buffer.alloc(16)]), /binary file/],
    ['NUL bytes past the first 8 KiB', Buffer.concat([Buffer.from(`# ${'x'.repeat(9000)}\n`), Buffer.from([0x61, 0, 0x62])]), /binary file/],
    ['UTF-16 with a BOM', Buffer.from('\ufeffusers: {}\n', 'utf16le'), /binary file/],
    ['Latin-1', Buffer.from('users:\n  alice:\n    name: Ren\xe9\n    type: internal\n', 'latin1'), /not valid UTF-8/],
    ['an overlong UTF-8 encoding', Buffer.from([0x61, 0x3a, 0x20, 0xc0, 0xaf, 0x0a]), /not valid UTF-8/],
    ['a lone surrogate (CESU-8)', Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80, 0x0a]), /not valid UTF-8/],
    ['an escape character', 'users:\n  alice:\n    name: "ok"\x1b[2K\n', /control character U\+001B at line 3, column 15/],
    ['a DEL', 'roles: {}\x7f\n', /control character U\+007F/],
    ['a C1 control', 'roles: {}\u009b\n', /control character U\+009B/],
    ['a right-to-left override (Trojan Source)', 'users:\n  alice:\n    type: internal # \u202e ]nimda[ :selor\n', /bidirectional-text control U\+202E at line 3, column 22/],
    ['a carriage return alone (a line break to YAML, not to diffs)', 'users:\n  alice:\n    type: internal\r    roles: [admin]\n', /carriage return without a line feed at line 3, column 19/],
    ['a line separator (a line break to editors, not to YAML)', 'roles:\n  a: {}\u2028  b: {}\n', /line separator U\+2028 at line 2, column 8/],
  ])('%s: a finding on the file, nothing parsed', (_name, content, message) => {
    const work = policyDir('enc', { 'a.yaml': valid, 'bad.yaml': content });
    const result = checkDirectory(work);
    expect(syntaxFindings(result)).toEqual([expect.stringMatching(new RegExp(`^pol/bad\\.yaml: .*${message.source}`))]);
    expect(result.files.map((f) => f.path)).toEqual(['pol/a.yaml']);
  });

  it('a UTF-8 BOM, tabs inside values, CRLF line ends and non-Latin text are fine', () => {
    const text = '\ufeffpermissions:\r\n  kb.read: { description: "Lire\tles articles \u2013 \u65e5\u672c\u8a9e \ud83d\ude00" }\r\n';
    const work = policyDir('bom', { 'a.yaml': text });
    expect(syntaxFindings(checkDirectory(work))).toEqual([]);
  });

  it('an escape written as \\u001b inside a quoted string is still a value, not a raw control character', () => {
    const work = policyDir('esc', { 'a.yaml': 'permissions:\n  kb.read: { description: "bell \\u0007 escape \\u001b" }\n' });
    expect(syntaxFindings(checkDirectory(work))).toEqual([]);
  });
});

describe('links, directories, pipes and unreadable files', () => {
  it('a symbolic link to a file outside the policy directory is refused', () => {
    const work = policyDir('link', { 'a.yaml': valid });
    writeFileSync(path.join(work, 'outside.yaml'), 'users:\n  mallory: { type: internal, name: OUTSIDE-SECRET }\n');
    symlinkSync(path.join(work, 'outside.yaml'), path.join(work, 'pol', 'link.yaml'));
    symlinkSync('../outside.yaml', path.join(work, 'pol', 'relative.yaml'));
    const result = checkDirectory(work);
    expect(syntaxFindings(result)).toEqual([
      expect.stringMatching(/^pol\/link\.yaml: .*symbolic link leads outside the policy directory and was not read/),
      expect.stringMatching(/^pol\/relative\.yaml: .*symbolic link leads outside/),
    ]);
    expect(JSON.stringify(result.diagnostics)).not.toContain('OUTSIDE-SECRET');
    expect(result.model.users.has('mallory')).toBe(false);
  });

  it('a chain of links that ends outside, a link to an outside directory and links to /proc and /dev are refused', () => {
    const work = policyDir('chain', { 'a.yaml': valid });
    mkdirSync(path.join(work, 'elsewhere'));
    writeTree(path.join(work, 'elsewhere'), { 'x.yaml': 'users: { eve: { type: internal } }\n' });
    symlinkSync(path.join(work, 'elsewhere', 'x.yaml'), path.join(work, 'pol', 'hop2.yaml'));
    symlinkSync('hop2.yaml', path.join(work, 'pol', 'hop1.yaml'));
    symlinkSync(path.join(work, 'elsewhere'), path.join(work, 'pol', 'dirlink'));
    symlinkSync('/proc/self/environ', path.join(work, 'pol', 'environ.yaml'));
    symlinkSync('/dev/zero', path.join(work, 'pol', 'zero.yaml'));
    const result = checkDirectory(work);
    expect(syntaxFindings(result).map((f) => f.split(':')[0])).toEqual(['pol/dirlink', 'pol/environ.yaml', 'pol/hop1.yaml', 'pol/hop2.yaml', 'pol/zero.yaml']);
    expect(result.model.users.has('eve')).toBe(false);
  });

  it('links inside the tree are followed; broken links and link loops are findings; directory loops end', () => {
    const work = policyDir('inner', { 'sub/a.yaml': valid });
    symlinkSync('sub', path.join(work, 'pol', 'alias-dir'));
    symlinkSync('..', path.join(work, 'pol', 'sub', 'up'));
    symlinkSync('missing.yaml', path.join(work, 'pol', 'broken.yaml'));
    symlinkSync('loop2.yaml', path.join(work, 'pol', 'loop1.yaml'));
    symlinkSync('loop1.yaml', path.join(work, 'pol', 'loop2.yaml'));
    const result = checkDirectory(work);
    expect(syntaxFindings(result)).toEqual([
      expect.stringMatching(/^pol\/broken\.yaml: .*broken symbolic link/),
      expect.stringMatching(/^pol\/loop1\.yaml: .*broken symbolic link/),
      expect.stringMatching(/^pol\/loop2\.yaml: .*broken symbolic link/),
    ]);
    // Each real directory is walked once: here first through the link, which sorts first.
    expect(result.files.map((f) => f.path)).toEqual(['pol/alias-dir/a.yaml']);
  });

  it('a directory named x.yaml is a finding, and its contents are still read', () => {
    const work = policyDir('dir', { 'x.yaml/inner.yaml': valid });
    const result = checkDirectory(work);
    expect(syntaxFindings(result)).toEqual([expect.stringMatching(/^pol\/x\.yaml: .*is a directory, not a policy file/)]);
    expect(result.files.map((f) => f.path)).toEqual(['pol/x.yaml/inner.yaml']);
  });

  it('a FIFO named x.yaml is a finding and does not hang the loader (in-process)', () => {
    const work = policyDir('fifo', { 'a.yaml': valid });
    if (!makeFifo(path.join(work, 'pol', 'x.yaml'))) return;
    const result = checkDirectory(work);
    expect(syntaxFindings(result)).toEqual([expect.stringMatching(/^pol\/x\.yaml: .*not a regular file/)]);
  });

  it('a FIFO, a socket and a link to a FIFO do not hang the CLI', async () => {
    const work = policyDir('pipes', { 'a.yaml': valid });
    if (!makeFifo(path.join(work, 'pol', 'fifo.yaml'))) return;
    symlinkSync('fifo.yaml', path.join(work, 'pol', 'to-fifo.yaml'));
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(work, 'pol', 'socket.yaml'), resolve));
    try {
      const run = runBinaryWithin(['check', 'pol', '--format', 'json'], { cwd: work, timeout: 20_000 });
      expect(run.signal).toBeNull();
      expect(run.code).toBe(1);
      const doc = JSON.parse(run.stdout) as { diagnostics: { file: string; message: string }[] };
      expect(doc.diagnostics.map((d) => d.file)).toEqual(['pol/fifo.yaml', 'pol/socket.yaml', 'pol/to-fifo.yaml']);
      for (const d of doc.diagnostics) expect(d.message).toContain('not a regular file');
    } finally {
      server.close();
    }
  });

  it('names with control characters are refused and shown escaped, so they cannot forge output lines', async () => {
    const work = policyDir('names', { 'a.yaml': valid });
    const evil = 'x\n::error file=forged::injected\u001b[2K.yaml';
    try {
      writeFileSync(path.join(work, 'pol', evil), valid.replace('alice', 'bob'));
      mkdirSync(path.join(work, 'pol', 'dir\r::warning::x'));
      writeFileSync(path.join(work, 'pol', 'dir\r::warning::x', 'inner.yaml'), valid);
    } catch {
      return; // a file system that refuses such names
    }
    const result = checkDirectory(work);
    expect(syntaxFindings(result)).toEqual([
      expect.stringMatching(/^pol\/dir\\r::warning::x: .*control or bidirectional-text characters/),
      expect.stringMatching(/^pol\/x\\n::error file=forged::injected\\u001b\[2K\.yaml: .*control/),
    ]);
    expect(result.model.users.has('bob')).toBe(false);
    for (const format of ['stylish', 'github', 'json']) {
      const run = await runCli(['check', 'pol', '--format', format, '--as-of', testAsOf], { cwd: work });
      expect(run.stdout).not.toMatch(/[\u001b\r]/);
      expect(run.stdout.split('\n').filter((line) => line.startsWith('::') && !line.startsWith('::error file=pol/'))).toEqual([]);
    }
  });

  it('a file it may not read is a finding (chmod 000)', () => {
    const work = policyDir('perm', { 'a.yaml': valid, 'secret.yaml': 'users: { zed: { type: internal } }\n' });
    chmodSync(path.join(work, 'pol', 'secret.yaml'), 0o000);
    if (readable(path.join(work, 'pol', 'secret.yaml'))) return; // root reads anything: see the next test
    expect(syntaxFindings(checkDirectory(work))).toEqual([expect.stringMatching(/^pol\/secret\.yaml: .*cannot read: permission denied/)]);
  });

  it.skipIf(!isRoot)('as root, where chmod 000 is still readable, the CLI run as `nobody` reports unreadable files and directories', () => {
    if (!nobodyCanRun()) return; // the repository is not readable by nobody here
    const work = policyDir('nobody', { 'a.yaml': valid, 'secret.yaml': 'users: { zed: { type: internal } }\n', 'closed/inner.yaml': '# x\n' });
    chmodSync(work, 0o755);
    chmodSync(path.join(work, 'pol'), 0o755);
    chmodSync(path.join(work, 'pol', 'a.yaml'), 0o644);
    chmodSync(path.join(work, 'pol', 'secret.yaml'), 0o600);
    chmodSync(path.join(work, 'pol', 'closed'), 0o700);
    const run = runBinaryWithin(['check', 'pol', '--format', 'json', '--as-of', testAsOf], { cwd: work, ...nobody });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { diagnostics: { file: string; message: string; rule: string }[] };
    expect(doc.diagnostics.map((d) => `${d.rule} ${d.file}: ${d.message}`)).toEqual([
      expect.stringMatching(/^yaml-syntax pol\/closed: .*cannot read directory: permission denied/),
      expect.stringMatching(/^yaml-syntax pol\/secret\.yaml: .*cannot read: permission denied/),
    ]);
  });

  it('a deep directory tree is walked without trouble', () => {
    const deep = Array.from({ length: 200 }, (_, i) => `d${i}`).join('/');
    const work = policyDir('tree', { [`${deep}/a.yaml`]: valid });
    const result = checkDirectory(work);
    expect(result.files).toHaveLength(1);
    expect(result.summary.errors).toBe(0);
  });

  it('a missing directory and a file given as the directory are usage errors (exit 2, one line)', async () => {
    const work = policyDir('usage', { 'a.yaml': valid });
    for (const dir of ['nope', 'pol/a.yaml']) {
      const run = await runCli(['check', dir], { cwd: work });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^rolecall: [^\n]+\n$/);
    }
  });
});

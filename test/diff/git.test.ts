import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseCache } from '../../src/compile.js';
import { runDiffSides } from '../../src/diff/index.js';
import { loadPolicyFromGit } from '../../src/diff/git.js';
import { loadPolicyDirectory, type LoadedPolicy } from '../../src/stages/load.js';
import { root, runCli } from '../helpers/cli.js';
import { testAsOf } from '../helpers/policy.js';
import { structuralRules } from './helpers.js';

const fixture = path.join(root, 'test/fixtures/diff/pr-scenario');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull },
  });
}

/** Everything a diff must leave alone: the index file (bytes and mtime) and every file of the working tree. Runs no git command. */
function snapshot(repo: string): string {
  const hash = createHash('sha256');
  const index = path.join(repo, '.git', 'index');
  hash.update(readFileSync(index));
  hash.update(String(statSync(index).mtimeMs));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (name === '.git') continue;
      const stat = statSync(file, { throwIfNoEntry: false });
      hash.update(`${path.relative(repo, file)}\0`);
      if (stat?.isDirectory()) walk(file);
      else if (stat) hash.update(readFileSync(file));
    }
  };
  walk(repo);
  return hash.digest('hex');
}

/** What git itself says about the working tree and the index. */
function status(repo: string): string {
  return git(repo, 'status', '--porcelain=v1', '--untracked-files=all');
}

describe('a git base is read as the directory loader reads the same tree', () => {
  it('follows links inside the policy directory, refuses links out of it, broken links and control characters in names', () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'rolecall-git-links-'));
    try {
      git(repo, 'init', '--quiet');
      const policies = path.join(repo, 'policies');
      mkdirSync(path.join(policies, '.shared'), { recursive: true });
      writeFileSync(path.join(policies, 'users.yaml'), 'users:\n  alice: { type: internal }\n');
      writeFileSync(path.join(policies, '.shared', 'roles.yaml'), 'roles:\n  agent: {}\n');
      writeFileSync(path.join(repo, 'outside.yaml'), 'users:\n  mallory: { type: internal }\n');
      symlinkSync('.shared/roles.yaml', path.join(policies, 'roles.yaml'));
      symlinkSync('roles.yaml', path.join(policies, 'roles-again.yaml'));
      symlinkSync('../outside.yaml', path.join(policies, 'outside.yaml'));
      symlinkSync('/etc/hostname', path.join(policies, 'absolute.yaml'));
      symlinkSync('missing.yaml', path.join(policies, 'broken.yaml'));
      writeFileSync(path.join(policies, 'bad\u0007name.yaml'), 'users: {}\n');
      git(repo, 'add', '-A');
      git(repo, 'commit', '--quiet', '-m', 'links');
      const summary = (loaded: LoadedPolicy) => ({
        files: loaded.files.map((f) => [f.path, f.text]),
        problems: loaded.problems.map((p) => [p.file.path, p.message]),
      });
      const fromGit = summary(loadPolicyFromGit('HEAD', 'policies', { cwd: repo }));
      expect(fromGit).toEqual(summary(loadPolicyDirectory('policies', { cwd: repo })));
      expect(fromGit.files.map(([file]) => file)).toEqual(['policies/roles-again.yaml', 'policies/roles.yaml', 'policies/users.yaml']);
      expect(fromGit.problems.map(([file, message]) => `${file}: ${message!.split(':')[0]}`).sort()).toEqual([
        'policies/absolute.yaml: symbolic link leads outside the policy directory and was not read',
        'policies/bad\\u0007name.yaml: has control or bidirectional-text characters in its name and was not read',
        'policies/broken.yaml: broken symbolic link',
        'policies/outside.yaml: symbolic link leads outside the policy directory and was not read',
      ]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('rolecall diff --base git:REF (a temporary repository)', () => {
  let repo: string;
  let notRepo: string;

  beforeAll(() => {
    repo = mkdtempSync(path.join(os.tmpdir(), 'rolecall-diff-git-'));
    notRepo = mkdtempSync(path.join(os.tmpdir(), 'rolecall-diff-nogit-'));
    git(repo, 'init', '--quiet');
    git(repo, 'symbolic-ref', 'HEAD', 'refs/heads/main');
    // The base: the scenario's base policy, plus what the loader skips.
    cpSync(path.join(fixture, 'base'), path.join(repo, 'policies'), { recursive: true });
    writeFileSync(path.join(repo, 'policies', 'README.md'), 'not a policy file\n');
    mkdirSync(path.join(repo, 'policies', '.drafts'));
    writeFileSync(path.join(repo, 'policies', '.drafts', 'draft.yaml'), 'users:\n  ghost: { type: internal }\n');
    writeFileSync(path.join(repo, 'outside.yaml'), 'users:\n  mallory: { type: internal }\n');
    symlinkSync('../outside.yaml', path.join(repo, 'policies', 'linked.yaml'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'base policy');
    // The head: the working tree holds the scenario's head; nothing is committed or staged.
    rmSync(path.join(repo, 'policies', 'linked.yaml'));
    for (const name of readdirSync(path.join(fixture, 'head'))) cpSync(path.join(fixture, 'head', name), path.join(repo, 'policies', name));
    writeFileSync(path.join(repo, 'policies', 'new-file.yaml'), '# added in the working tree\n');
  });

  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(notRepo, { recursive: true, force: true });
  });

  it.each(['git:HEAD', 'git:main'])('diffs the working tree against %s without touching the working tree or the index', async (base) => {
    const statusBefore = status(repo);
    const before = snapshot(repo);
    const run = await runCli(['diff', '--base', base, '--format', 'json', '--as-of', testAsOf], { cwd: repo });
    // The base's link out of the policy directory is refused, as the directory loader refuses it: one error there.
    expect(run.stderr).toBe(`rolecall: warning: the base (${base}) has 1 error-level finding: this diff covers only the parts of it that resolved (check it out and run \`rolecall check\`)\n`);
    expect(run.code).toBe(0);
    expect(snapshot(repo)).toBe(before);
    expect(status(repo)).toBe(statusBefore);
    expect(statusBefore).toContain(' D policies/linked.yaml');
    expect(statusBefore).toContain(' M policies/users.yaml');
    expect(statusBefore).toContain('?? policies/new-file.yaml');

    const doc = JSON.parse(run.stdout);
    const commit = git(repo, 'rev-parse', 'HEAD').trim();
    expect(doc.base).toMatchObject({ kind: 'git', label: base, ref: base.slice(4), commit, path: 'policies', files: 4 });
    expect(doc.head).toMatchObject({ kind: 'directory', label: 'policies', files: 5 });
    expect(Object.keys(doc.users)).toEqual(['alice', 'carla', 'erin', 'frank']);
    // the link out of the policy directory, the dot-directory and README.md were not read from git
    expect(doc.users.mallory).toBeUndefined();
    expect(doc.findings.resolved.filter((f: { severity: string }) => f.severity === 'error')).toEqual([
      expect.objectContaining({ severity: 'error', file: 'policies/linked.yaml', message: expect.stringContaining('symbolic link leads outside the policy directory') }),
    ]);
    expect(doc.users.ghost).toBeUndefined();
    expect(doc.escalations.map((e: { user: string; kind: string }) => `${e.user} ${e.kind}`)).toEqual([
      'carla widened-scope',
      'frank privileged-role',
      'frank high-risk-permission',
      'frank high-risk-permission',
    ]);
    expect(doc.users.alice.added['case.assign'].path).toBe(
      'user alice > group csm-managers (policies/groups.yaml:10) > role manager (policies/groups.yaml:9) > grant case.assign (policies/roles.yaml:20)',
    );
  });

  it('parses the files that did not change once', () => {
    const cache = new ParseCache();
    const { base, head } = runDiffSides({ base: 'git:main', asOf: testAsOf, cwd: repo, rules: structuralRules, cache });
    expect(cache.hits).toBe(2); // permissions.yaml and roles.yaml
    const basePermissions = base.parsed.find((p) => p.file.path === 'policies/permissions.yaml')!;
    const headPermissions = head.parsed.find((p) => p.file.path === 'policies/permissions.yaml')!;
    expect(headPermissions.root).toBe(basePermissions.root);
  });

  it('finds the repository from the policy directory, also from another working directory', async () => {
    const run = await runCli(['diff', '--base', 'git:main', '--head', path.join(repo, 'policies'), '--format', 'json', '--as-of', testAsOf], { cwd: notRepo });
    expect(run.code).toBe(0);
    expect(Object.keys(JSON.parse(run.stdout).users)).toEqual(['alice', 'carla', 'erin', 'frank']);
  });

  it('treats a policy directory that did not exist at the ref as empty', async () => {
    mkdirSync(path.join(repo, 'more-policies'), { recursive: true });
    writeFileSync(path.join(repo, 'more-policies', 'users.yaml'), 'users:\n  zoe: { type: internal }\n');
    try {
      const fresh = await runCli(['diff', '--base', 'git:main', '--head', 'more-policies', '--format', 'json', '--as-of', testAsOf], { cwd: repo });
      expect(fresh.code).toBe(0);
      const doc = JSON.parse(fresh.stdout);
      expect(doc.base.files).toBe(0);
      expect(doc.users.zoe.status).toBe('added');
    } finally {
      rmSync(path.join(repo, 'more-policies'), { recursive: true, force: true });
    }
  });

  it('exits 2 with one clear line for an unknown ref', async () => {
    const before = snapshot(repo);
    const run = await runCli(['diff', '--base', 'git:no-such-branch', '--as-of', testAsOf], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('rolecall: --base git:no-such-branch: unknown git ref `no-such-branch` (is it fetched? in CI, fetch the base branch first, e.g. `git fetch origin no-such-branch`)\n');
    expect(snapshot(repo)).toBe(before);
  });

  it('exits 2 for a ref that looks like an option', async () => {
    const target = path.join(notRepo, 'written-by-git');
    const run = await runCli(['diff', '--base', `git:--output=${target}`, '--as-of', testAsOf], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rolecall: `git:--output=.*` is not a git ref/);
    expect(existsSync(target)).toBe(false);
  });

  it('exits 2 with one clear line outside a git repository', async () => {
    cpSync(path.join(fixture, 'head'), path.join(notRepo, 'policies'), { recursive: true });
    const run = await runCli(['diff', '--base', 'git:main', '--as-of', testAsOf], { cwd: notRepo });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^rolecall: --base git:main: `policies` is not inside a git repository/);
  });
});

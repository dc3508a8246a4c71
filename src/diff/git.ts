import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../model/source.js';
import { compareStrings } from '../model/diagnostic.js';
import { decodeText, defaultLoadLimits, displayPath, hasUnsafeNameCharacter, InputError, isPolicyFileName, loadMessages, type LoadedPolicy, type LoadLimits, type LoadProblem } from '../stages/load.js';

/** A policy read from a git commit, with the commit it resolved to. */
export interface GitPolicy extends LoadedPolicy {
  readonly ref: string;
  readonly commit: string;
  /** The policy directory inside the repository (POSIX, relative to the top level; '' for the top level itself). */
  readonly repoPath: string;
}

/** One entry of `git ls-tree -r -l`. */
interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly object: string;
  readonly size: number;
  readonly path: string;
}

/**
 * Reads the policy directory `dir` (as found in the working tree, relative to
 * `cwd`) as it is in commit `ref`, straight from the object database:
 * `git rev-parse`, `git ls-tree`, `git cat-file --batch`. Nothing is checked
 * out; the working tree and the index are never touched.
 *
 * Files are chosen and shown as the loader would (`loadPolicyDirectory`):
 * `*.yaml` / `*.yml` only, directories named `node_modules` or starting with
 * `.` skipped, the same limits, paths shown relative to `cwd`, so a file that
 * is unchanged has the same path and text on both sides. A symbolic link
 * (mode 120000) is followed to a file inside the policy directory and refused
 * (a finding) when it leads outside or nowhere; a file name with control
 * characters is refused; submodules are skipped. An unknown ref, a directory that
 * is not in a git repository or a missing git is an InputError (exit 2).
 */
export function loadPolicyFromGit(ref: string, dir: string, options: { cwd: string; limits?: LoadLimits }): GitPolicy {
  const limits = options.limits ?? defaultLoadLimits;
  if (ref === '' || ref.startsWith('-') || /[\u0000-\u001f]/.test(ref)) throw new InputError(`\`git:${ref}\` is not a git ref: write --base git:REF, for example git:main or git:HEAD~1`);
  const policyDir = path.resolve(options.cwd, dir);
  const gitCwd = existingDirectory(policyDir) ?? options.cwd;
  const top = git(['rev-parse', '--show-toplevel'], gitCwd, undefined, () => `--base git:${ref}: \`${dir}\` is not inside a git repository (run rolecall diff from a clone, or pass --base DIR)`).toString('utf8').trim();
  const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top, undefined, () => `--base git:${ref}: unknown git ref \`${ref}\` (is it fetched? in CI, fetch the base branch first, e.g. \`git fetch origin ${ref}\`)`)
    .toString('utf8')
    .trim();
  const repoPath = relativeInside(realOrSelf(top), realOrSelf(policyDir));
  if (repoPath === undefined) throw new InputError(`--base git:${ref}: the policy directory \`${dir}\` is outside the git repository at \`${top}\``);

  const listing = git(['ls-tree', '-r', '-l', '-z', '--full-tree', commit, ...(repoPath === '' ? [] : ['--', repoPath])], top, undefined, () => `--base git:${ref}: cannot list \`${dir}\` at ${ref}`);
  const entries = parseTree(listing);
  if (entries.length === 1 && entries[0]!.path === repoPath && repoPath !== '') {
    throw new InputError(`--base git:${ref}: \`${dir}\` is a file at ${ref}, not a directory`);
  }
  const files: SourceFile[] = [];
  const problems: LoadProblem[] = [];
  const shown = (entryPath: string): string => displayPath(path.join(policyDir, ...entryPath.slice(repoPath === '' ? 0 : repoPath.length + 1).split('/')), options.cwd);
  const inPolicy = (entryPath: string): boolean => repoPath === '' || entryPath.startsWith(`${repoPath}/`);
  const blobs = new Map(entries.filter((e) => e.type === 'blob').map((e) => [e.path, e]));
  // Symbolic links are followed as the loader follows them in a directory: to a file inside the policy directory only.
  const links = entries.filter((e) => e.mode === '120000' && inPolicy(e.path) && isPolicyFileName(e.path.slice(e.path.lastIndexOf('/') + 1)));
  const linkTargets = readLinkTargets(links, top, ref);
  const wanted: { entry: TreeEntry; shownAs: string }[] = [];
  let total = 0;
  for (const entry of entries.sort((a, b) => compareSegments(a.path, b.path))) {
    if (!inPolicy(entry.path)) continue;
    const inside = repoPath === '' ? entry.path : entry.path.slice(repoPath.length + 1);
    const parts = inside.split('/');
    const name = parts[parts.length - 1]!;
    if (parts.slice(0, -1).some((d) => d === 'node_modules' || d.startsWith('.'))) continue;
    if (!isPolicyFileName(name) || entry.type !== 'blob') continue;
    const refuse = (message: string): void => {
      problems.push({ file: { path: shown(entry.path), text: '' }, message });
    };
    if (parts.some(hasUnsafeNameCharacter)) {
      refuse(loadMessages.unsafeName);
      continue;
    }
    let blob: TreeEntry | undefined = entry;
    if (entry.mode === '120000') {
      const target = followLink(entry, linkTargets, blobs, inPolicy);
      if (target === 'broken') refuse(loadMessages.brokenLink);
      else if (target === 'outside') refuse(loadMessages.outsideLink);
      else blob = target;
      if (blob === entry) continue;
    }
    if (wanted.length >= limits.maxFiles) {
      refuse(`more than ${limits.maxFiles} policy files: split the policy or check the directory`);
      continue;
    }
    if (blob.size > limits.maxFileBytes) {
      refuse(`file is ${blob.size} bytes, over the limit of ${limits.maxFileBytes}: split it, or raise --max-file-bytes`);
      continue;
    }
    if (total + blob.size > limits.maxTotalBytes) {
      refuse(`the policy exceeds ${limits.maxTotalBytes} bytes in total: raise --max-total-bytes if this is intended`);
      continue;
    }
    total += blob.size;
    wanted.push({ entry: blob, shownAs: shown(entry.path) });
  }
  if (wanted.length > 0) {
    const contents = catFiles(wanted.map((w) => w.entry), top, ref, total);
    wanted.forEach(({ shownAs }, i) => {
      const decoded = decodeText(contents[i]!);
      if (typeof decoded !== 'string') problems.push({ file: { path: shownAs, text: '' }, message: decoded.problem });
      else files.push({ path: shownAs, text: decoded });
    });
  }
  return { files, problems, ref, commit, repoPath };
}

/** The contents of blobs, in order, read with one `git cat-file --batch`. */
function catFiles(blobs: readonly TreeEntry[], top: string, ref: string, total: number): Buffer[] {
  if (blobs.length === 0) return [];
  const input = blobs.map((e) => `${e.object}\n`).join('');
  const batch = git(['cat-file', '--batch'], top, input, () => `--base git:${ref}: cannot read the policy files of ${ref} from git`, total + blobs.length * 128 + 1024);
  const out: Buffer[] = [];
  let offset = 0;
  for (const entry of blobs) {
    const newline = batch.indexOf(10, offset);
    const header = batch.subarray(offset, newline).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (newline < 0 || header[1] !== 'blob' || !Number.isInteger(size)) throw new InputError(`--base git:${ref}: unexpected output from git cat-file for \`${entry.path}\``);
    out.push(batch.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return out;
}

/** Where each symbolic link points (its blob holds the target path). */
function readLinkTargets(links: readonly TreeEntry[], top: string, ref: string): Map<string, string> {
  const targets = new Map<string, string>();
  const contents = catFiles(links, top, ref, links.reduce((n, e) => n + e.size, 0));
  links.forEach((link, i) => targets.set(link.path, contents[i]!.toString('utf8')));
  return targets;
}

/** The file a link leads to (through further links, at most 40): a blob, `outside` the policy directory, or `broken`. */
function followLink(link: TreeEntry, targets: ReadonlyMap<string, string>, blobs: ReadonlyMap<string, TreeEntry>, inPolicy: (path: string) => boolean): TreeEntry | 'outside' | 'broken' {
  let current = link;
  for (let hop = 0; hop < 40; hop++) {
    const target = targets.get(current.path);
    if (target === undefined) return 'broken';
    if (target.startsWith('/')) return 'outside';
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(current.path), target));
    // Only the policy directory is listed: anything else is outside it, whether or not it exists.
    if (resolved === '..' || resolved.startsWith('../') || !inPolicy(resolved)) return 'outside';
    const next = blobs.get(resolved);
    if (!next) return 'broken';
    if (next.mode !== '120000') return next;
    current = next;
  }
  return 'broken';
}

/** True when `base` names a git ref (`git:REF`). */
export function isGitBase(base: string): boolean {
  return base.startsWith('git:');
}

/** Orders paths as the loader walks directories: name by name (`a/x.yaml` before `a.yaml`). */
function compareSegments(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = compareStrings(x[i]!, y[i]!);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

function parseTree(listing: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of listing.toString('utf8').split('\u0000')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, object, size] = record.slice(0, tab).split(/ +/);
    entries.push({ mode: mode ?? '', type: type ?? '', object: object ?? '', size: Number(size) || 0, path: record.slice(tab + 1) });
  }
  return entries;
}

/** Runs git read-only; any failure becomes an InputError with `message()` (plus git's own first line). */
function git(args: readonly string[], cwd: string, input: string | undefined, message: () => string, maxBuffer = 64 * 1024 * 1024): Buffer {
  const result = spawnSync('git', ['--no-pager', '--literal-pathspecs', '-c', 'core.quotePath=false', ...args], {
    cwd,
    input,
    maxBuffer,
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    windowsHide: true,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('--base git:REF needs git, which was not found on PATH');
    throw new InputError(`${message()}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const detail = result.stderr.toString('utf8').split('\n').find((line) => line.trim() !== '');
    throw new InputError(detail && !args.includes('--quiet') ? `${message()} (${detail.trim().replace(/^fatal: /, '')})` : message());
  }
  return result.stdout;
}

function existingDirectory(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}

function realOrSelf(p: string): string {
  return existingDirectory(p) ?? path.resolve(p);
}

/** `child` relative to `parent` with POSIX separators, '' when equal, undefined when outside. */
function relativeInside(parent: string, child: string): string | undefined {
  const relative = path.relative(parent, child);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

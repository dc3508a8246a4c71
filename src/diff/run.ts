import path from 'node:path';
import { checkPolicy, ParseCache, type CheckResult } from '../compile.js';
import type { Rule } from '../rules/types.js';
import type { ParseLimits } from '../stages/parse.js';
import { displayPath, loadPolicyDirectory, type LoadedPolicy, type LoadLimits } from '../stages/load.js';
import { computeDiff, type SideLabel } from './compute.js';
import { isGitBase, loadPolicyFromGit } from './git.js';
import type { DiffReport } from './types.js';

/** What `runDiff` compares. */
export interface RunDiffOptions {
  /** The base: a policy directory, or `git:REF` for the head's directory as it is in commit REF. */
  readonly base: string;
  /** The head policy directory (default `policies`). */
  readonly head?: string;
  /** The as-of date of both sides (`YYYY-MM-DD`). */
  readonly asOf: string;
  /** Directory that relative paths start from, and that shown paths are relative to. */
  readonly cwd: string;
  readonly limits?: LoadLimits;
  readonly parseLimits?: ParseLimits;
  /** The rules to run on both sides (default: all). */
  readonly rules?: readonly Rule[];
  /** Parse results shared by both sides (one is made when absent); its `hits` counts the files parsed once. */
  readonly cache?: ParseCache;
}

/** Both checked sides and their diff. */
export interface DiffRun {
  readonly report: DiffReport;
  readonly base: CheckResult;
  readonly head: CheckResult;
}

/**
 * Loads and checks both sides, then compares them: the in-process entry of
 * `rolecall diff` (the GitHub Action calls this). Files with the same path and
 * content on both sides (always the case for unchanged files with a `git:`
 * base) are parsed and validated once. Throws InputError for a missing
 * directory, an unknown ref or a directory outside a git repository.
 */
export function runDiff(options: RunDiffOptions): DiffReport {
  return runDiffSides(options).report;
}

/** `runDiff`, also returning both check results. */
export function runDiffSides(options: RunDiffOptions): DiffRun {
  const headDir = options.head ?? 'policies';
  const loadOptions = { cwd: options.cwd, ...(options.limits ? { limits: options.limits } : {}) };
  const headLoaded = loadPolicyDirectory(headDir, loadOptions);
  let baseLoaded: LoadedPolicy;
  let baseLabel: SideLabel;
  if (isGitBase(options.base)) {
    const ref = options.base.slice('git:'.length);
    const git = loadPolicyFromGit(ref, headDir, loadOptions);
    baseLoaded = git;
    baseLabel = { label: options.base, kind: 'git', path: displayPath(pathOf(options.cwd, headDir), options.cwd), ref, commit: git.commit };
  } else {
    baseLoaded = loadPolicyDirectory(options.base, loadOptions);
    const shown = displayPath(pathOf(options.cwd, options.base), options.cwd);
    baseLabel = { label: shown, kind: 'directory', path: shown };
  }
  const headShown = displayPath(pathOf(options.cwd, headDir), options.cwd);
  const cache = options.cache ?? new ParseCache();
  const pipeline = { asOf: options.asOf, cache, ...(options.parseLimits ? { parseLimits: options.parseLimits } : {}), ...(options.rules ? { rules: options.rules } : {}) };
  const base = checkPolicy(baseLoaded, pipeline);
  const head = checkPolicy(headLoaded, pipeline);
  const report = computeDiff(base, head, { base: baseLabel, head: { label: headShown, kind: 'directory', path: headShown } });
  return { report, base, head };
}

function pathOf(cwd: string, dir: string): string {
  return path.resolve(cwd, dir);
}

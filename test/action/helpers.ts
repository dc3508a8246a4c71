import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { root } from '../helpers/cli.js';

/** The bundle action.yml runs. */
export const bundle = path.join(root, 'dist/index.js');

/** The fixtures of the Action's tests. */
export const fixtures = path.join(root, 'test/fixtures/action');

/** The as-of date of every test run. */
export const asOf = '2026-11-22';

/** One run of the bundle, as the runner would start it. */
export interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The outputs, parsed from the GITHUB_OUTPUT file (`name<<delimiter` blocks). */
  readonly outputs: ReadonlyMap<string, string>;
  /** The job summary written to GITHUB_STEP_SUMMARY. */
  readonly summary: string;
  /** The workflow commands on stdout (`::error ...`), one per line. */
  readonly commands: readonly string[];
}

const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rolecall-action-${prefix}-`));
  created.push(dir);
  return dir;
}

/** A temporary workspace holding a copy of `test/fixtures/action/<fixture>`. */
export function workspaceFrom(fixture: string): string {
  const workspace = tempDir(fixture.replace(/\W+/g, '-'));
  cpSync(path.join(fixtures, fixture), workspace, { recursive: true });
  return workspace;
}

/**
 * Runs `node dist/index.js` the way the GitHub runner does: inputs as
 * `INPUT_<NAME>` variables (upper case, hyphens kept), `GITHUB_OUTPUT` and
 * `GITHUB_STEP_SUMMARY` as files, `GITHUB_WORKSPACE` as the working
 * directory. No INPUT_, GITHUB_ or RUNNER_ variable of the test's own
 * environment leaks in (the suite may itself run in GitHub Actions).
 */
export function runAction(workspace: string, inputs: Record<string, string>, env: Record<string, string> = {}): ActionRun {
  const files = tempDir('files');
  const outputFile = path.join(files, 'output');
  const summaryFile = path.join(files, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(INPUT_|GITHUB_|RUNNER_)/.test(key)) clean[key] = value;
  }
  const inputEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const result = spawnSync(process.execPath, [bundle], {
    cwd: workspace,
    env: { ...clean, NO_COLOR: '1', GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, ...inputEnv, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return {
    code: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    commands: result.stdout.split(/\r?\n/).filter((line) => line.startsWith('::')),
  };
}

/** Parses a GITHUB_OUTPUT file: `name<<DELIMITER`, value lines, `DELIMITER` (and `name=value` lines). */
export function parseOutputs(text: string): Map<string, string> {
  const outputs = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`output \`${name}\`: no closing delimiter`);
      outputs.set(name!, value.join('\n'));
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not an output line: ${line}`);
    outputs.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return outputs;
}

/** The properties and message of a workflow command line (`::error file=a,line=1::message`). */
export function parseCommand(line: string): { command: string; properties: Map<string, string>; message: string } {
  const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const unescape = (text: string): string => text.replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
  const properties = new Map<string, string>();
  for (const pair of (match[2] ?? '').split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    properties.set(pair.slice(0, eq), unescape(pair.slice(eq + 1)));
  }
  return { command: match[1]!, properties, message: unescape(match[3]!) };
}

/** Runs git in `cwd` with a neutral configuration. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull },
  });
}

/** The six outputs action.yml declares. */
export const outputNames = ['errors', 'warnings', 'escalations', 'matrix', 'diff-markdown', 'sarif', 'drift'] as const;

import path from 'node:path';
import { InputError } from '../stages/load.js';
import { isIsoDate, todayUtc } from '../util/dates.js';

/** The values of the `fail-on` input, from strictest to never failing. */
export const failOnValues = ['error', 'warning', 'escalation', 'never'] as const;

/** When the Action fails the step (action.yml `fail-on`). */
export type FailOn = (typeof failOnValues)[number];

/** Where the diff base came from: the `base` input, or the pull request's base branch. */
export type BaseSource = 'input' | 'pull-request';

/** The Action's inputs, checked, with defaults applied and the base resolved. */
export interface ActionInputs {
  /** The policy directory, as given (relative to `workspace` unless absolute). */
  readonly path: string;
  /** The diff base (`DIR` or `git:REF`), or undefined for no diff. */
  readonly base: string | undefined;
  readonly baseSource: BaseSource | undefined;
  readonly failOn: FailOn;
  /** The artifact directory, as given (relative to `workspace` unless absolute). */
  readonly out: string;
  readonly asOf: string;
  /** What the live system shows, for drift (a ServiceNow export directory or a CSV file), or undefined. */
  readonly observed: string | undefined;
  /** The directory relative paths start from and shown paths are relative to (`GITHUB_WORKSPACE`, else the cwd). */
  readonly workspace: string;
}

/** Reads one input by its action.yml name (`core.getInput`, which reads `INPUT_<NAME>` with hyphens kept). */
export type InputReader = (name: string) => string;

/**
 * Reads and checks the Action's inputs. A bad value is an InputError (one
 * line for `core.setFailed`). `today` is only used when `as-of` is empty.
 */
export function readInputs(getInput: InputReader, env: Readonly<Record<string, string | undefined>>, cwd: string, today: () => string = todayUtc): ActionInputs {
  const workspace = path.resolve(cwd, nonEmpty(env['GITHUB_WORKSPACE']) ?? '.');
  const policyPath = getInput('path') || 'policies';
  const out = getInput('out') || 'dist/rolecall';
  const failOnText = getInput('fail-on') || 'error';
  if (!(failOnValues as readonly string[]).includes(failOnText)) {
    throw new InputError(`input \`fail-on\` must be one of ${failOnValues.join(', ')}, got \`${oneLine(failOnText)}\``);
  }
  const asOfText = getInput('as-of');
  if (asOfText !== '' && !isIsoDate(asOfText)) {
    throw new InputError(`input \`as-of\` takes a date written YYYY-MM-DD (or nothing for today in UTC), got \`${oneLine(asOfText)}\``);
  }
  const absolutePolicy = path.resolve(workspace, policyPath);
  const absoluteOut = path.resolve(workspace, out);
  if (absolutePolicy === absoluteOut || absolutePolicy.startsWith(absoluteOut + path.sep)) {
    throw new InputError(`input \`out\` (\`${oneLine(out)}\`) contains the policy directory \`${oneLine(policyPath)}\`: compiling would replace the policy; choose another \`out\``);
  }
  const base = resolveBase(getInput('base'), env);
  return {
    path: policyPath,
    base: base?.base,
    baseSource: base?.source,
    failOn: failOnText as FailOn,
    out,
    asOf: asOfText === '' ? today() : asOfText,
    observed: nonEmpty(getInput('observed')),
    workspace,
  };
}

/**
 * The diff base: the `base` input when given (a directory or `git:REF`);
 * else, on a `pull_request` or `pull_request_target` event, the pull
 * request's base branch as fetched from origin (`git:origin/$GITHUB_BASE_REF`);
 * else none (no diff).
 */
export function resolveBase(input: string, env: Readonly<Record<string, string | undefined>>): { base: string; source: BaseSource } | undefined {
  if (input !== '') return { base: input, source: 'input' };
  const event = env['GITHUB_EVENT_NAME'];
  const baseRef = nonEmpty(env['GITHUB_BASE_REF']);
  if ((event === 'pull_request' || event === 'pull_request_target') && baseRef !== undefined) {
    return { base: `git:origin/${baseRef}`, source: 'pull-request' };
  }
  return undefined;
}

/** Whether the outcome fails the step under `failOn`. */
export function shouldFail(failOn: FailOn, counts: { errors: number; warnings: number; escalations: number }): boolean {
  switch (failOn) {
    case 'error':
      return counts.errors > 0;
    case 'warning':
      return counts.errors + counts.warnings > 0;
    case 'escalation':
      return counts.errors > 0 || counts.escalations > 0;
    case 'never':
      return false;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** An input value shown in a message: one line, control characters escaped, at most 200 characters. */
function oneLine(text: string): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, exitCodes, type CliIO } from './cli/io.js';
import { InputError } from './stages/load.js';
import { version } from './version.js';

/** A CLI command: its options and what it does with them. */
interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): Promise<number> | number;
}

const common = {
  'as-of': { type: 'string' },
  'max-file-bytes': { type: 'string' },
  'max-total-bytes': { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const commands: Record<string, Command> = {
  check: {
    summary: 'validate and lint a policy',
    usage: 'rolecall check [dir] [--format stylish|json] [--max-warnings N] [--usage FILE] [--coverage] [--as-of DATE]',
    options: { ...common, format: { type: 'string' }, 'max-warnings': { type: 'string' }, usage: { type: 'string' }, coverage: { type: 'boolean' } },
    // Commands load on use: `check` never pays for ts-morph, which only `compile` needs.
    run: async (values, positionals, io) => (await import('./cli/check.js')).checkCommand(values, positionals, io),
  },
  compile: {
    summary: 'check, then write the permission matrix and other artifacts',
    usage: 'rolecall compile [dir] [--out DIR] [--check] [--usage FILE] [--as-of DATE]',
    options: { ...common, out: { type: 'string' }, check: { type: 'boolean' }, usage: { type: 'string' } },
    run: async (values, positionals, io) => (await import('./cli/compile.js')).compileCommand(values, positionals, io),
  },
  diff: {
    summary: 'who gains and loses what between two policies (PR comment, JSON, text)',
    usage: 'rolecall diff --base DIR|git:REF [--head DIR] [--format md|json|text] [--fail-on escalation|never] [--out FILE] [--json-path FILE] [--as-of DATE]',
    options: { ...common, base: { type: 'string' }, head: { type: 'string' }, format: { type: 'string' }, 'fail-on': { type: 'string' }, out: { type: 'string' }, 'json-path': { type: 'string' } },
    run: async (values, positionals, io) => (await import('./cli/diff.js')).diffCommand(values, positionals, io),
  },
  review: {
    summary: 'access-review packets per reviewer; `review apply` writes the decisions back',
    usage: 'rolecall review [dir] --out DIR [--usage FILE] [--as-of DATE] | rolecall review apply DECISIONS.csv... [dir] [--dry-run] [--as-of DATE]',
    options: { ...common, out: { type: 'string' }, usage: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    run: async (values, positionals, io) => (await import('./cli/review.js')).reviewCommand(values, positionals, io),
  },
  explain: {
    summary: 'every path by which a user holds a permission, or why not',
    usage: 'rolecall explain USER [PERMISSION] [--dir DIR] [--format text|json] [--as-of DATE]',
    options: { ...common, dir: { type: 'string' }, format: { type: 'string' } },
    run: async (values, positionals, io) => (await import('./cli/explain.js')).explainCommand(values, positionals, io),
  },
  import: {
    summary: 'write a policy from a live system (a ServiceNow export, a casbin policy)',
    usage: 'rolecall import servicenow EXPORT_DIR --out POLICY_DIR [--force] [--schema REF] | rolecall import casbin MODEL.conf POLICY.csv --out POLICY_DIR [--force]',
    options: { ...common, out: { type: 'string' }, force: { type: 'boolean' }, schema: { type: 'string' } },
    run: async (values, positionals, io) => (await import('./cli/import.js')).importCommand(values, positionals, io),
  },
  drift: {
    summary: 'what the live system grants that the policy does not, and the other way round',
    usage: 'rolecall drift --observed PATH [--dir DIR] [--scope managed|authoritative] [--format text|json|md] [--out FILE] [--as-of DATE]',
    options: { ...common, observed: { type: 'string' }, dir: { type: 'string' }, scope: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    run: async (values, positionals, io) => (await import('./cli/drift.js')).driftCommand(values, positionals, io),
  },
  'who-can': {
    summary: 'the users who hold a permission, and through which roles',
    usage: 'rolecall who-can PERMISSION [--scope S] [--dir DIR] [--format text|json] [--as-of DATE]',
    options: { ...common, dir: { type: 'string' }, scope: { type: 'string' }, format: { type: 'string' } },
    run: async (values, positionals, io) => (await import('./cli/explain.js')).whoCanCommand(values, positionals, io),
  },
};

const helpText = (): string =>
  [
    `rolecall ${version}: policy-as-code compiler for role-based access`,
    '',
    'Usage: rolecall <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    '',
    'Every command takes --as-of YYYY-MM-DD (default: today, UTC), --debug, and the input limits',
    '--max-file-bytes N and --max-total-bytes N (see docs/security.md).',
    'Exit codes: 0 clean, 1 findings, 2 bad usage or unreadable input.',
    'Docs: https://github.com/rolecall-dev/rolecall#readme',
    '',
  ].join('\n');

/** Runs the CLI with `argv` (without node and script) and returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(helpText());
      return name === undefined ? exitCodes.usage : exitCodes.clean;
    }
    if (name === '--version' || name === '-v') {
      io.stdout.write(`${version}\n`);
      return exitCodes.clean;
    }
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!command) throw new UsageError(`unknown command \`${name}\`: use one of ${Object.keys(commands).join(', ')} (rolecall --help)`);
    let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
    try {
      parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true }) as typeof parsed;
    } catch (error) {
      const first = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
      throw new UsageError(`${first.charAt(0).toLowerCase()}${first.slice(1)}; usage: ${command.usage}`);
    }
    if (parsed.values['help']) {
      io.stdout.write(`${command.usage}\n`);
      return exitCodes.clean;
    }
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError) {
      io.stderr.write(`rolecall: ${error.message}\n`);
      return exitCodes.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `rolecall: internal error (this is a bug in rolecall, not in your policy): ${message.split('\n')[0]}; please report it at https://github.com/rolecall-dev/rolecall/issues with the command you ran${debug ? '' : ' (--debug shows the stack trace)'}\n`,
    );
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return exitCodes.usage;
  }
}

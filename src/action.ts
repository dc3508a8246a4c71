/**
 * The GitHub Action (action.yml runs the bundle of this file, dist/index.js):
 * reads the inputs, runs check, compile and diff in-process, and reports
 * through annotations, the job summary and the outputs. A user error (a
 * missing policy directory, a bad input, an unreadable base) fails the step
 * with one line; anything else is a bug in rolecall and says so.
 */
import * as core from '@actions/core';
import { readInputs } from './action/inputs.js';
import { runAction } from './action/run.js';
import { UsageError } from './cli/io.js';
import { InputError } from './stages/load.js';

/** Runs the Action with the runner's inputs and environment. Never throws: failures go to `core.setFailed`. */
export async function main(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name), process.env, process.cwd());
    await runAction(inputs);
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) {
      core.setFailed(`rolecall: ${error.message.replace(/[\r\n]+/g, ' ')}`);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(
      `rolecall: internal error (this is a bug in rolecall, not in your policy): ${message.replace(/[\r\n]+/g, ' ')}. ` +
        'Please report it at https://github.com/rolecall-dev/rolecall/issues (re-run with debug logging for the stack trace).',
    );
  }
}

await main();

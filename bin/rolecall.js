#!/usr/bin/env node
import { main } from '../lib/src/cli.js';

/**
 * A reader that stops early (`rolecall check | head`) closes the pipe: further
 * output is dropped and the command still finishes (a compile still writes its
 * artifacts), instead of dying with an EPIPE stack trace.
 */
function output(stream) {
  let closed = false;
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return {
    write: (text) => (closed ? true : stream.write(text)),
    get isTTY() {
      return stream.isTTY;
    },
  };
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: output(process.stdout),
  stderr: output(process.stderr),
  env: process.env,
  cwd: process.cwd(),
});

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LoadedPolicy } from '../stages/load.js';
import type { WorkerReply, WorkerTask } from './worker.js';

/**
 * One artifact written on a worker thread, so the two largest artifacts
 * (matrix.json here, matrix.csv there) are built at the same time on a
 * machine with two or more cores. The worker is started right after loading:
 * it parses and resolves the policy while the main thread checks it, then
 * writes its file once `write` names it. Output is the same bytes either way.
 */
export interface BackgroundArtifact {
  readonly name: string;
  /** Writes the artifact to `file`; settles when the file is complete and flushed. */
  write(file: string): Promise<void>;
  /** Stops the worker (nothing will be written: findings, `--check`, an error); settles once it has stopped. */
  cancel(): Promise<void>;
}

/** Why no worker is used (for `--debug` and tests), or undefined when one can be. */
export function backgroundUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env['ROLECALL_THREADS'];
  if (setting !== undefined && setting !== '' && Number(setting) <= 1) return 'ROLECALL_THREADS=1';
  if ((setting === undefined || setting === '') && availableParallelism() < 2) return 'one CPU';
  // In a single-file bundle (the GitHub Action) there is no worker script: write on the main thread.
  if (!existsSync(fileURLToPath(workerScript))) return 'no worker script (bundled build)';
  return undefined;
}

const workerScript = new URL('./worker.js', import.meta.url);

/** Starts a worker for `artifact`, or returns undefined when workers are off or unavailable. */
export function startBackground(artifact: string, loaded: LoadedPolicy, asOf: string, env: NodeJS.ProcessEnv = process.env): BackgroundArtifact | undefined {
  if (backgroundUnavailable(env) !== undefined) return undefined;
  const task: WorkerTask = { loaded, asOf, artifact };
  const worker = new Worker(workerScript, { workerData: task, stdout: false, stderr: false });
  let outcome: Promise<void> | undefined;
  let early: WorkerReply | undefined;
  const onEarly = (reply: WorkerReply): void => {
    early ??= reply;
  };
  worker.on('message', onEarly);
  // Until `write` listens, a crash of the worker (out of memory) is kept for it; never an unhandled 'error'.
  worker.on('error', (error) => onEarly({ ok: false, message: error.message }));
  worker.on('exit', (code) => {
    early ??= { ok: false, message: `the ${artifact} worker stopped (exit code ${code}) before writing` };
  });
  // An idle worker must not keep the process alive.
  worker.unref();
  return {
    name: artifact,
    write(file) {
      outcome ??= new Promise<void>((resolve, reject) => {
        worker.off('message', onEarly);
        worker.ref();
        const settle = (reply: WorkerReply): void => {
          void worker.terminate();
          if (reply.ok) resolve();
          else reject(replyError(reply));
        };
        if (early) return settle(early);
        worker.once('message', settle);
        worker.once('error', (error) => settle({ ok: false, message: error.message }));
        worker.once('exit', (code) => settle({ ok: false, message: `the ${artifact} worker stopped (exit code ${code}) before writing` }));
        worker.postMessage({ file });
      });
      return outcome;
    },
    async cancel() {
      await worker.terminate();
    },
  };
}

/** An error like the one the write would have thrown here (a file-system code becomes a user error). */
function replyError(reply: Extract<WorkerReply, { ok: false }>): Error {
  const error = new Error(reply.message) as NodeJS.ErrnoException;
  if (reply.code !== undefined) error.code = reply.code;
  if (reply.path !== undefined) error.path = reply.path;
  return error;
}

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Resolution } from '../stages/resolve.js';
import { csvTables, CsvUsers, packUsers, type CsvUser } from './csv.js';
import type { WorkerReply, WorkerRequest, WorkerTask } from './worker.js';

/**
 * matrix.csv on a worker thread: on a machine with two or more cores, the
 * main thread hands the worker the resolution's tables and then, user by
 * user, what each user's rows need (CsvUser: cheap to compute, a few typed
 * arrays), and goes on to write the other artifacts while the worker builds
 * and writes the rows (most of the work: a gigabyte of CSV at the M size).
 * The bytes are the same as on one thread.
 */

/** Why no worker is used, or undefined when one can be. */
export function backgroundUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env['ROLECALL_THREADS'];
  if (setting !== undefined && setting !== '' && Number(setting) <= 1) return 'ROLECALL_THREADS=1';
  if ((setting === undefined || setting === '') && availableParallelism() < 2) return 'one CPU';
  // The worker script sits next to this module (lib/src/emit/worker.js, or dist/worker.js beside the Action's bundle); without it, write on the main thread.
  if (!existsSync(fileURLToPath(workerScript))) return 'no worker script';
  return undefined;
}

const workerScript = new URL('./worker.js', import.meta.url);

/** Users per message to the worker. */
const batchSize = 512;

/**
 * Most (user, permission) pairs sent but not yet written (about 5 bytes each
 * in the worker's queue): past it, this thread waits for the worker, so a
 * huge organisation's queue stays bounded. The M organisation (18 million
 * pairs) never waits.
 */
const maxQueuedPairs = 32_000_000;

/** A worker that makes no progress for this long is presumed dead: stop waiting for it (its exit rejects the write). */
const stallMs = 30_000;

/**
 * Starts a worker writing matrix.csv to `file` and feeds it every user (this
 * takes a moment on this thread: computing each user's effective permissions
 * and prefixes, which the other artifacts reuse from the resolution's cache).
 * The promise settles once the file is complete and flushed.
 */
export function writeCsvInBackground(res: Resolution, file: string, queueLimit = maxQueuedPairs): Promise<void> {
  // [pairs written, failed]: the worker counts what it has written, so this thread can wait for it.
  const progress = new BigInt64Array(new SharedArrayBuffer(16));
  const task: WorkerTask = { tables: csvTables(res), file, progress: progress.buffer as SharedArrayBuffer };
  const worker = new Worker(workerScript, { workerData: task, stdout: false, stderr: false });
  const done = new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (reply: WorkerReply): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (reply.ok) resolve();
      else reject(replyError(reply));
    };
    worker.on('message', settle);
    worker.on('error', (error) => settle({ ok: false, message: error.message }));
    worker.on('exit', (code) => settle({ ok: false, message: `the matrix.csv worker stopped (exit code ${code}) before finishing` }));
  });
  let sent = 0;
  let waiting = true;
  const post = (message: WorkerRequest, transfer: ArrayBuffer[] = []): void => worker.postMessage(message, transfer);
  const send = (batch: CsvUser[]): void => {
    let pairs = 0;
    for (const user of batch) pairs += user.perms.length;
    // Backpressure: wait (blocking this thread) while the worker's queue is full.
    let lastProgress = Date.now();
    // (Never before the first batch, nor once everything sent has been written.)
    for (;;) {
      const inFlight = sent - Number(Atomics.load(progress, 0));
      if (!waiting || inFlight <= 0 || inFlight + pairs <= queueLimit || Atomics.load(progress, 1) !== 0n) break;
      const written = Atomics.load(progress, 0);
      if (Atomics.wait(progress, 0, written, 1000) === 'timed-out' && Atomics.load(progress, 0) === written) {
        if (Date.now() - lastProgress > stallMs) waiting = false;
      } else lastProgress = Date.now();
    }
    sent += pairs;
    const { batch: packed, transfer } = packUsers(batch);
    post({ batch: packed }, transfer);
  };
  try {
    let batch: CsvUser[] = [];
    const users = new CsvUsers(res);
    for (let u = 0; u < res.userIds.length; u++) {
      const user = users.user(u);
      if (user) batch.push(user);
      if (batch.length >= batchSize) {
        send(batch);
        batch = [];
      }
    }
    if (batch.length > 0) send(batch);
    post({ end: true });
  } catch (error) {
    void worker.terminate();
    throw error;
  }
  return done;
}

/** An error like the one the write would have thrown here (a file-system code becomes a user error). */
function replyError(reply: Extract<WorkerReply, { ok: false }>): Error {
  const error = new Error(reply.message) as NodeJS.ErrnoException;
  if (reply.code !== undefined) error.code = reply.code;
  if (reply.path !== undefined) error.path = reply.path;
  return error;
}

/**
 * Worker-thread entry that writes matrix.csv while the main thread writes the
 * other artifacts (see background.ts). It gets the tables once, then batches
 * of users (CsvUser) in order, and an end message; it writes the rows to its
 * file as they come and reports back once the file is flushed. Every failure
 * goes back as a message; it never throws.
 */
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { syncAndClose, writeAll } from '../cli/write.js';
import { ChunkedBytes } from './bytes.js';
import { CsvRowWriter, unpackUsers, type CsvBatch, type CsvTables } from './csv.js';

/** What the main thread gives the worker. */
export interface WorkerTask {
  readonly tables: CsvTables;
  readonly file: string;
  /** BigInt64 [pairs written, failed], for the main thread's backpressure. */
  readonly progress: SharedArrayBuffer;
}

/** Messages to the worker: batches of users to write, in order, then the end. */
export type WorkerRequest = { readonly batch: CsvBatch } | { readonly end: true };

/** Messages from the worker. */
export type WorkerReply = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly code?: string; readonly path?: string };

const port = parentPort;
if (port) {
  const task = workerData as WorkerTask;
  const progress = new BigInt64Array(task.progress);
  const reply = (message: WorkerReply): void => {
    port.postMessage(message);
    port.close();
  };
  let fd: number | undefined;
  let failed = false;
  const fail = (error: unknown): void => {
    if (failed) return;
    failed = true;
    Atomics.store(progress, 1, 1n);
    Atomics.notify(progress, 0);
    if (fd !== undefined) closeSync(fd);
    reply(failure(error));
  };
  try {
    fd = openSync(task.file, 'wx');
    const out = new ChunkedBytes(true);
    const writer = new CsvRowWriter(task.tables, out);
    port.on('message', (message: WorkerRequest) => {
      if (failed) return;
      try {
        if ('batch' in message) {
          let pairs = 0;
          for (const user of unpackUsers(message.batch)) {
            writer.user(user);
            for (const chunk of out.drain()) writeAll(fd!, chunk);
            pairs += user.perms.length;
          }
          Atomics.add(progress, 0, BigInt(pairs));
          Atomics.notify(progress, 0);
          return;
        }
        for (const chunk of out.finish()) writeAll(fd!, chunk);
        const done = fd!;
        fd = undefined;
        syncAndClose(done).then(() => reply({ ok: true }), fail);
      } catch (error) {
        fail(error);
      }
    });
  } catch (error) {
    fail(error);
  }
}

function failure(error: unknown): WorkerReply {
  const e = error as NodeJS.ErrnoException | null;
  return { ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(error), ...(typeof e?.code === 'string' ? { code: e.code } : {}), ...(typeof e?.path === 'string' ? { path: e.path } : {}) };
}

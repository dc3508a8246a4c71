/**
 * Worker-thread entry that writes one artifact in parallel with the main
 * thread (see background.ts). It runs the same pipeline on the same loaded
 * files (resolution only: rules do not change the matrix), then waits for the
 * file name to write to, so its parse and resolve overlap the main thread's
 * check. Everything it reports goes back as a message; it never throws.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeChunks } from '../cli/write.js';
import { checkPolicy } from '../compile.js';
import type { LoadedPolicy } from '../stages/load.js';
import { matrixCsv } from './csv.js';
import { policyDigest } from './digest.js';
import { matrixJson } from './matrix-json.js';
import type { Artifact } from './types.js';

/** What the main thread gives the worker. */
export interface WorkerTask {
  readonly loaded: LoadedPolicy;
  readonly asOf: string;
  readonly artifact: string;
}

/** Messages to the worker: write to `file`. */
export interface WriteRequest {
  readonly file: string;
}

/** Messages from the worker. */
export type WorkerReply = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly code?: string; readonly path?: string };

/** The artifacts a worker can write (the large, byte-built ones; importing them does not load ts-morph). */
export const workerArtifacts: Readonly<Record<string, Artifact>> = { 'matrix.csv': matrixCsv, 'matrix.json': matrixJson };

const port = parentPort;
if (port) {
  const task = workerData as WorkerTask;
  const reply = (message: WorkerReply): void => port.postMessage(message);
  let prepared: (() => void) | undefined;
  try {
    const artifact = workerArtifacts[task.artifact];
    if (!artifact) throw new Error(`no worker for ${task.artifact}`);
    const result = checkPolicy(task.loaded, { asOf: task.asOf, rules: [] });
    // The artifact reads each user once: keeping merged levels would only double the memory of the main thread's cache.
    result.resolution.levelCacheBudget = 1_000_000;
    const input = { result, digest: policyDigest(result.files) };
    prepared = () => {
      const request = receivedFile;
      if (request === undefined) return;
      let written: Promise<void>;
      try {
        written = writeChunks(request, artifact.renderBytes ? artifact.renderBytes(input, { transient: true }) : artifact.render(input));
      } catch (error) {
        written = Promise.reject(error);
      }
      written.then(
        () => reply({ ok: true }),
        (error: unknown) => reply(failure(error)),
      ).finally(() => port.close());
    };
  } catch (error) {
    reply(failure(error));
    port.close();
  }
  let receivedFile: string | undefined;
  port.on('message', (message: WriteRequest) => {
    receivedFile = message.file;
    prepared?.();
  });
}

function failure(error: unknown): WorkerReply {
  const e = error as NodeJS.ErrnoException | null;
  return { ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(error), ...(typeof e?.code === 'string' ? { code: e.code } : {}), ...(typeof e?.path === 'string' ? { path: e.path } : {}) };
}

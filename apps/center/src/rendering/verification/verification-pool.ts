/**
 * Document verification off the thread that serves kiosks. Anyone may upload a PDF to the public
 * verification route, so each upload is verified in a worker thread with a V8 heap limit and a
 * deadline: a document that needs more memory or time than any issued document is refused
 * (VERIFICATION_DOCUMENT_REFUSED) and its worker is terminated and replaced. Uploads wait in a
 * bounded queue; when it is full, more are refused at once (VERIFICATION_BUSY) rather than held.
 *
 * Payloads (what a QR code holds, at most 4096 characters at the routes) are checked in the
 * calling thread: one Ed25519 verification, cheaper than a message to a worker.
 */
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { isErrorCode, MadoguchiError } from '@madoguchi/shared';
import { createDocumentVerifier, type DocumentVerifier } from './document-verifier.js';
import { publicKeyMap, type VerificationResult } from './signing.js';
import type {
  VerificationJobMessage,
  VerificationReplyMessage,
  VerificationWorkerReadyMessage,
  VerificationWorkerSetup,
} from './verification-messages.js';

export interface VerificationPoolOptions {
  /** Worker threads (default 1: verification is rare next to issuance, which has the cores). */
  workers?: number;
  /**
   * Time one document may take in a worker (default 500 ms). An issued one takes 2–50 ms; the
   * costliest file the shape check lets through ~200 ms. Every answer so comes within a second.
   */
  deadlineMs?: number;
  /** Uploads that may wait for a worker (default 8); past that, VERIFICATION_BUSY. */
  queueLimit?: number;
  /**
   * A worker's V8 old-generation limit (default 64 MB). A started worker uses ~15 MB and one
   * verification a few MB more (the shape check bounds the syntax pdf-lib builds objects from).
   */
  memoryLimitMb?: number;
  /** A worker whose heap is above this after a job is replaced (default: half the limit). */
  recycleAboveMb?: number;
}

export const DEFAULT_VERIFICATION_DEADLINE_MS = 500;

interface Job {
  id: number;
  pdf: Uint8Array;
  resolve(result: VerificationResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  isReady: boolean;
  failReady(error: Error): void;
  running?: { job: Job; timer: NodeJS.Timeout };
}

export interface VerificationPool extends DocumentVerifier {
  /** Starts the workers and resolves once they are ready (verifyDocument starts them on first use). */
  ready(): Promise<void>;
  /** Workers replaced so far because a document ran out of time or memory, or grew the heap. */
  readonly replacedWorkers: number;
  close(): Promise<void>;
}

function startWorker(setup: VerificationWorkerSetup, memoryLimitMb: number): Worker {
  return new Worker(new URL('./verification-worker-entry.mjs', import.meta.url), {
    workerData: setup,
    // The heap limit is what bounds a document's memory; the stack stays at V8's default size.
    resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb, maxYoungGenerationSizeMb: 16 },
  });
}

// eslint-disable-next-line max-lines-per-function -- a factory whose short methods share the pool's private state (slots, queue, counters)
export function createVerificationPool(
  publicKeys: Record<string, KeyObject | string>,
  options: VerificationPoolOptions = {},
): VerificationPool {
  const deadlineMs = options.deadlineMs ?? DEFAULT_VERIFICATION_DEADLINE_MS;
  const queueLimit = options.queueLimit ?? 8;
  const memoryLimitMb = options.memoryLimitMb ?? 64;
  const recycleAboveBytes = (options.recycleAboveMb ?? memoryLimitMb / 2) * 1024 * 1024;
  const keys = publicKeyMap(publicKeys);
  const setup: VerificationWorkerSetup = {
    publicKeys: Object.fromEntries([...keys].map(([id, key]) => [id, key.export({ type: 'spki', format: 'pem' }).toString()])),
  };
  const inProcess = createDocumentVerifier(keys);
  /**
   * One entry per worker, started by the first upload (a worker costs ~1.5 s of CPU to start, and
   * most centers verify nothing between restarts); empty again after a worker failed to start.
   */
  const slots: (Slot | undefined)[] = new Array<Slot | undefined>(Math.max(1, options.workers ?? 1)).fill(undefined);
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;
  let replacedWorkers = 0;

  function refused(detail: string): MadoguchiError {
    return new MadoguchiError('VERIFICATION_DOCUMENT_REFUSED', detail);
  }

  function spawn(): Slot {
    const worker = startWorker(setup, memoryLimitMb);
    let markReady!: () => void;
    let failReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failReady = reject)));
    ready.catch(() => undefined);
    const slot: Slot = { worker, isReady: false, ready, failReady: (error) => failReady(error) };
    worker.on('message', (msg: VerificationReplyMessage | VerificationWorkerReadyMessage) => {
      if (!('ready' in msg)) return onReply(slot, msg);
      if (!msg.ready) return gone(slot, new MadoguchiError('INTERNAL', `verification worker did not start: ${msg.message}`));
      slot.isReady = true;
      markReady();
      pump();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      gone(
        slot,
        outOfMemory
          ? refused(`needed more than the ${memoryLimitMb} MB a verification may use`)
          : new MadoguchiError('INTERNAL', `verification worker failed: ${error.name}`),
      );
    });
    worker.on('exit', () => gone(slot, new MadoguchiError('INTERNAL', 'verification worker exited')));
    return slot;
  }

  /** Stops a worker (with whatever it was doing); `respawn` puts a new one in its place at once. */
  function retire(slot: Slot, respawn: boolean): void {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    if (slot.running) clearTimeout(slot.running.timer);
    slot.running = undefined;
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    replacedWorkers++;
    slots[index] = respawn && !closed ? spawn() : undefined;
  }

  /** The worker died (out of memory, crashed, or never started): its job fails, the slot is refilled. */
  function gone(slot: Slot, error: MadoguchiError): void {
    if (!slots.includes(slot)) return;
    const running = slot.running?.job;
    const started = slot.isReady;
    slot.failReady(error);
    // A worker that could not start would not start on a second try either: the waiting uploads
    // fail, and the next upload tries again (no spawning in a loop).
    retire(slot, started);
    running?.reject(error);
    if (!started)
      for (const job of queue.splice(0))
        job.reject(new MadoguchiError('INTERNAL', `verification worker did not start: ${error.detail ?? error.code}`));
    pump();
  }

  function onReply(slot: Slot, reply: VerificationReplyMessage): void {
    const running = slot.running;
    if (!running || running.job.id !== reply.jobId) return;
    clearTimeout(running.timer);
    slot.running = undefined;
    if (reply.ok) running.job.resolve(reply.result);
    else if (reply.code && isErrorCode(reply.code)) running.job.reject(new MadoguchiError(reply.code, reply.detail));
    // Anything else is the verifier failing on this file: refused, without the message (it could quote the file).
    else running.job.reject(refused('the verifier could not read this file'));
    // pdf-lib keeps every name it has read for the life of the thread: a grown heap is shed by a new thread.
    if (reply.heapUsedBytes > recycleAboveBytes) retire(slot, true);
    pump();
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (!slot?.isReady || slot.running) continue;
      const job = queue.shift()!;
      const timer = setTimeout(() => {
        if (slot.running?.job !== job) return;
        retire(slot, true);
        job.reject(refused(`took longer than the ${deadlineMs} ms a verification may take`));
        pump();
      }, deadlineMs);
      slot.running = { job, timer };
      slot.worker.postMessage({ jobId: job.id, pdf: job.pdf } satisfies VerificationJobMessage, [job.pdf.buffer as ArrayBuffer]);
    }
  }

  function fillSlots(): void {
    for (let i = 0; i < slots.length; i++) if (!slots[i] && !closed) slots[i] = spawn();
  }

  return {
    verifyPayload: (qrText) => inProcess.verifyPayload(qrText),
    verifyDocument(pdf) {
      if (closed) return Promise.reject(new MadoguchiError('VERIFICATION_BUSY', 'verification closed'));
      if (queue.length >= queueLimit)
        return Promise.reject(new MadoguchiError('VERIFICATION_BUSY', `${queue.length} uploads already waiting`));
      fillSlots();
      // A copy of its own, so it can be transferred: the caller's bytes may share a pooled buffer.
      const own = new Uint8Array(pdf.byteLength);
      own.set(pdf);
      return new Promise<VerificationResult>((resolve, reject) => {
        queue.push({ id: nextId++, pdf: own, resolve, reject });
        pump();
      });
    },
    async ready() {
      fillSlots();
      await Promise.all(slots.map((slot) => slot?.ready));
    },
    get replacedWorkers() {
      return replacedWorkers;
    },
    async close() {
      closed = true;
      const error = new MadoguchiError('VERIFICATION_BUSY', 'verification closed');
      for (const job of queue.splice(0)) job.reject(error);
      await Promise.all(
        slots.splice(0).map(async (slot) => {
          if (!slot) return;
          if (slot.running) {
            clearTimeout(slot.running.timer);
            slot.running.job.reject(error);
          }
          slot.worker.removeAllListeners();
          slot.worker.on('error', () => undefined);
          await slot.worker.terminate();
        }),
      );
    },
  };
}

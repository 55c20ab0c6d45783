/**
 * A verification worker thread: verifies one uploaded document at a time and answers with the
 * job's own id and its heap use (the pool replaces a worker whose heap has grown: pdf-lib keeps
 * every name it has ever read in a process-wide table). It keeps nothing of a job after replying.
 */
import { MadoguchiError } from '@madoguchi/shared';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { createDocumentVerifier } from './document-verifier.js';
import type {
  VerificationJobMessage,
  VerificationReplyMessage,
  VerificationWorkerReadyMessage,
  VerificationWorkerSetup,
} from './verification-messages.js';

const port = parentPort;
if (!port) throw new Error('verification-worker must run in a worker thread');
const setup = workerData as VerificationWorkerSetup;

// pdf-lib warns on the console about every odd object it meets; uploads come from anyone, and
// none of that may flood the center's output.
console.warn = () => undefined;

try {
  const verifier = createDocumentVerifier(setup.publicKeys);
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (job: VerificationJobMessage) => {
    chain = chain.then(() => handle(job, verifier));
  });
  port.postMessage({ ready: true } satisfies VerificationWorkerReadyMessage);
} catch (error) {
  port.postMessage({ ready: false, message: (error as Error).message } satisfies VerificationWorkerReadyMessage);
}

async function handle(job: VerificationJobMessage, verifier: ReturnType<typeof createDocumentVerifier>): Promise<void> {
  let reply: VerificationReplyMessage;
  try {
    const result = await verifier.verifyDocument(job.pdf);
    reply = { jobId: job.jobId, ok: true, result, heapUsedBytes: getHeapStatistics().used_heap_size };
  } catch (error) {
    const e = error as Error;
    const heapUsedBytes = getHeapStatistics().used_heap_size;
    reply =
      error instanceof MadoguchiError
        ? { jobId: job.jobId, ok: false, code: error.code, detail: error.detail, message: e.message, heapUsedBytes }
        : { jobId: job.jobId, ok: false, message: e.message, heapUsedBytes };
  }
  port!.postMessage(reply);
}

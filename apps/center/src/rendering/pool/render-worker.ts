/**
 * A render worker thread: loads the fonts once, then renders one job at a time and answers with
 * the job's own id. It keeps nothing of a job after replying; the only thing kept across jobs is
 * the municipalities' official seal images (public, not personal data), received once each and
 * keyed by content hash, so a job message carries ~5 KB instead of ~74 KB. It also renders billing
 * reports (job kind `report`) with the same fonts.
 */
import { MadoguchiError } from '@madoguchi/shared';
import { parentPort, workerData } from 'node:worker_threads';
import { FontSet } from '../fonts/font-set.js';
import { renderDocument } from '../render-document.js';
import { renderReportPdf } from '../../billing/report-pdf.js';
import { WARM_UP_REPORT } from './warm-up-report.js';
import { signerFromWorkerData } from '../verification/signing.js';
import type { CertificateJobMessage, RenderJobMessage, RenderReplyMessage, WorkerReadyMessage, WorkerSetup } from './messages.js';

const port = parentPort;
if (!port) throw new Error('render-worker must run in a worker thread');
const setup = workerData as WorkerSetup;

type Env = Parameters<typeof renderDocument>[1];

try {
  const env: Env = {
    fonts: new FontSet({ fontDir: setup.fontDir }),
    signer: signerFromWorkerData(setup.signer),
    verifyBaseUrl: setup.verifyBaseUrl,
  };
  // Warm the subsetter (HarfBuzz face preprocessing) and load IPAmj明朝 (46 MB) before the first
  // job, so a resident with an MJ name does not pay ~0.3 s (and risk a timeout) at the kiosk.
  env.fonts.main.subset(new Set([0]));
  env.fonts.mjFace();
  // One report drawn before the first, so the first statement a clerk asks for is not the one that
  // pays for compiling the report path (its fonts' glyph runs, embedding, the writer).
  await renderReportPdf(WARM_UP_REPORT, env.fonts);
  // One job at a time, in arrival order: the pool may send the next job before this one ends.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (job: RenderJobMessage) => {
    chain = chain.then(() => handle(job, env));
  });
  port.postMessage({ ready: true } satisfies WorkerReadyMessage);
} catch (error) {
  port.postMessage({ ready: false, message: (error as Error).message } satisfies WorkerReadyMessage);
}

/** Official seals by content key. Updated in job order (inside `handle`), as the pool sent them. */
const seals = new Map<string, string>();

async function certificate(job: CertificateJobMessage, env: Env) {
  if (job.resetSeals) seals.clear();
  if (job.officialSeal.png !== undefined) seals.set(job.officialSeal.key, job.officialSeal.png);
  const officialSealPng = seals.get(job.officialSeal.key);
  if (officialSealPng === undefined) throw new Error('render worker: official seal not received');
  const input = { ...job.input, policy: { ...job.input.policy, officialSealPng } };
  return renderDocument(input, env, { fontMode: job.fontMode, officialSealKey: job.officialSeal.key });
}

async function handle(job: RenderJobMessage, env: Env): Promise<void> {
  let reply: RenderReplyMessage;
  try {
    if (job.kind === 'report') {
      const pdf = await renderReportPdf(job.report, env.fonts);
      if (job.delayMs) await new Promise((r) => setTimeout(r, job.delayMs));
      reply = { jobId: job.jobId, ok: true, pdf };
    } else {
      const document = await certificate(job, env);
      if (job.delayMs) await new Promise((r) => setTimeout(r, job.delayMs));
      reply = { jobId: job.jobId, ok: true, document };
    }
  } catch (error) {
    const e = error as Error;
    reply =
      error instanceof MadoguchiError
        ? { jobId: job.jobId, ok: false, code: error.code, detail: error.detail, message: e.message }
        : { jobId: job.jobId, ok: false, message: e.message };
  }
  const bytes = !reply.ok ? undefined : 'pdf' in reply ? reply.pdf : reply.document.pdf;
  port!.postMessage(reply, bytes ? [bytes.buffer as ArrayBuffer] : []);
}

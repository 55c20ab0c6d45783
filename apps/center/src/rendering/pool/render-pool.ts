/**
 * Worker pool for rendering (node:worker_threads, one worker per core by default).
 *
 * Misissuance guard (Yokohama 2023): a job is bound to the worker slot running it by its id; a reply
 * is delivered only to the job whose id it carries, and only while that job is still waiting. A
 * timeout or abort fails that job alone and terminates its worker, so a late document can never
 * be handed to anyone. Each delivered document is also checked to carry its own request's issue
 * number on every page.
 *
 * Each worker holds up to PREFETCH jobs (it renders them one after another), so it never idles
 * waiting for the main thread between jobs. When a worker is replaced, its jobs that had not
 * started are queued again (rendering is a pure function of the input, so a retry is safe).
 *
 * Billing reports (statements, settlements) are a second kind of job on the same workers, with the
 * same timeouts, aborts and replacement of a dead worker: a report is drawn with the same fonts and
 * writer, and drawing it on the main thread held kiosks' requests (the first one after a start took
 * 2.7 s there at load 20). A report carries no issue number, so it has no identity check.
 */
import { isErrorCode, MadoguchiError, pageIssueNumber, type RenderInput } from '@madoguchi/shared';
import { createHash, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { RenderedDocument } from '../render-document.js';
import type { Report } from '../../billing/report-pdf.js';
import type { CertificateJobMessage, RenderJobMessage, RenderReplyMessage, WorkerReadyMessage, WorkerSetup } from './messages.js';

export interface RenderCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Test hook: the worker holds the finished document this long before replying. */
  delayMs?: number;
  /** Test hook: embed whole fonts (glyph-integrity reference render). */
  fontMode?: 'subset' | 'full';
}

/** What a job renders: a resident's certificate, or a billing report. */
type Work = { kind: 'certificate'; input: RenderInput } | { kind: 'report'; report: Report };

interface Job {
  id: string;
  work: Work;
  options: RenderCallOptions;
  resolve(result: RenderedDocument | Uint8Array): void;
  reject(error: Error): void;
  settled: boolean;
  cleanup(): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  isReady: boolean;
  /** Jobs sent to this worker, in the order it renders them; [0] is the one running. */
  jobs: Job[];
  /** Content keys of the official seals this worker has received. */
  seals: Set<string>;
}

/** Official seals a worker keeps at most (one per municipality it serves); past this it starts over. */
const WORKER_SEAL_LIMIT = 64;

const PREFETCH = 2;

export const DEFAULT_RENDER_TIMEOUT_MS = 15_000;

export class RenderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;
  /** Replies that named no waiting job (counted for tests and monitoring; always discarded). */
  discardedReplies = 0;
  /** Official seal images posted to workers (each worker receives a seal once; for tests and monitoring). */
  sealImagesSent = 0;
  /** Last content key per municipality: a seal is hashed only when its text changes. */
  private readonly sealKeys = new Map<string, { png: string; key: string }>();

  constructor(
    private readonly setup: WorkerSetup,
    size: number = availableParallelism(),
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Resolves once every worker has loaded its fonts. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: this.setup });
    let markReady!: () => void;
    let failReady!: (e: Error) => void;
    const slot: Slot = {
      worker,
      jobs: [],
      seals: new Set(),
      isReady: false,
      ready: new Promise<void>((res, rej) => ((markReady = res), (failReady = rej))),
    };
    slot.ready.catch(() => undefined);
    worker.on('message', (msg: RenderReplyMessage | WorkerReadyMessage) => {
      if ('ready' in msg) {
        if (msg.ready) {
          slot.isReady = true;
          markReady();
          this.pump();
        } else failReady(new Error(msg.message));
        return;
      }
      this.onReply(slot, msg);
    });
    worker.on('error', (error) => this.onWorkerGone(slot, error));
    worker.on('exit', () => this.onWorkerGone(slot, new Error('render worker exited')));
    return slot;
  }

  render(input: RenderInput, options: RenderCallOptions = {}): Promise<RenderedDocument> {
    return this.submit<RenderedDocument>({ kind: 'certificate', input }, options);
  }

  /** A billing report's PDF, rendered by a worker (never on the calling thread). */
  renderReport(report: Report, options: Pick<RenderCallOptions, 'signal' | 'timeoutMs' | 'delayMs'> = {}): Promise<Uint8Array> {
    return this.submit<Uint8Array>({ kind: 'report', report }, options);
  }

  private submit<T extends RenderedDocument | Uint8Array>(work: Work, options: RenderCallOptions): Promise<T> {
    if (this.closed) return Promise.reject(new MadoguchiError('ISSUANCE_RENDER_FAILED', 'renderer closed'));
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
      const job: Job = {
        id: randomUUID(),
        work,
        options,
        settled: false,
        resolve: (result) => {
          if (job.settled) return;
          job.settled = true;
          job.cleanup();
          resolve(result as T);
        },
        reject: (error) => {
          if (job.settled) return;
          job.settled = true;
          job.cleanup();
          reject(error);
        },
        cleanup: () => undefined,
      };
      const timer = setTimeout(
        () => this.abandon(job, new MadoguchiError('ISSUANCE_RENDER_TIMEOUT', `render exceeded ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onAbort = () => this.abandon(job, new MadoguchiError('ISSUANCE_RENDER_FAILED', 'render aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      job.cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      if (options.signal?.aborted) return onAbort();
      this.queue.push(job);
      this.pump();
    });
  }

  /** Fails a job that timed out or was aborted; if a worker is on it, that worker is replaced. */
  private abandon(job: Job, error: Error): void {
    job.reject(error);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = this.slots.find((s) => s.jobs.includes(job));
    if (!slot) return;
    if (slot.jobs[0] === job) {
      // Running (or stuck): the worker goes, with anything it might still produce.
      this.replace(slot);
    } else {
      // Not started: its reply, if any, will name a settled job and be discarded.
      slot.jobs.splice(slot.jobs.indexOf(job), 1);
    }
    this.pump();
  }

  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    // Jobs queued behind the running one had not started: they go back to the front of the queue.
    const waiting = slot.jobs.slice(1).filter((j) => !j.settled);
    slot.jobs = [];
    this.queue.unshift(...waiting);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    if (!this.closed) this.slots[index] = this.spawn();
  }

  private pump(): void {
    // Fill the emptiest workers first, so load spreads before prefetching.
    for (let depth = 0; depth < PREFETCH; depth++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) return;
        // A worker that has not finished loading takes no job yet; `ready` re-pumps.
        if (!slot.isReady || slot.jobs.length > depth) continue;
        const job = this.queue.shift()!;
        slot.jobs.push(job);
        slot.worker.postMessage(this.message(slot, job));
      }
    }
  }

  /** The job as sent to this worker: the official seal by content key, its bytes only if new to the worker. */
  private message(slot: Slot, job: Job): RenderJobMessage {
    if (job.work.kind === 'report') return { kind: 'report', jobId: job.id, report: job.work.report, delayMs: job.options.delayMs };
    const input = job.work.input;
    const png = input.policy.officialSealPng;
    const code = input.municipality.code;
    let known = this.sealKeys.get(code);
    if (known?.png !== png) {
      known = { png, key: createHash('sha256').update(png).digest('base64url') };
      this.sealKeys.set(code, known);
    }
    let resetSeals: true | undefined;
    if (!slot.seals.has(known.key) && slot.seals.size >= WORKER_SEAL_LIMIT) {
      slot.seals.clear();
      resetSeals = true;
    }
    const officialSeal: CertificateJobMessage['officialSeal'] = { key: known.key };
    if (!slot.seals.has(known.key)) {
      officialSeal.png = png;
      slot.seals.add(known.key);
      this.sealImagesSent++;
    }
    return {
      kind: 'certificate',
      jobId: job.id,
      input: { ...input, policy: { ...input.policy, officialSealPng: '' } },
      officialSeal,
      ...(resetSeals ? { resetSeals } : {}),
      fontMode: job.options.fontMode,
      delayMs: job.options.delayMs,
    };
  }

  /** Event-loop utilisation of each worker since it started (diff two readings with performance.eventLoopUtilization). */
  eventLoopUtilization(): EventLoopUtilization[] {
    return this.slots.map((s) => s.worker.performance.eventLoopUtilization());
  }

  private onReply(slot: Slot, reply: RenderReplyMessage): void {
    const index = slot.jobs.findIndex((j) => j.id === reply.jobId);
    const job = index >= 0 ? slot.jobs[index] : undefined;
    if (index >= 0) slot.jobs.splice(index, 1);
    if (!job || job.settled) {
      this.discardedReplies++;
      this.pump();
      return;
    }
    if (reply.ok) {
      if (job.work.kind === 'report') {
        if ('pdf' in reply) job.resolve(reply.pdf);
        else job.reject(new MadoguchiError('ISSUANCE_RENDER_FAILED', 'a report job was answered with a certificate'));
      } else if ('document' in reply) {
        const mismatch = checkIdentity(job.work.input, reply.document);
        if (mismatch) job.reject(new MadoguchiError('ISSUANCE_DOCUMENT_MISMATCH', mismatch));
        else job.resolve(reply.document);
      } else job.reject(new MadoguchiError('ISSUANCE_DOCUMENT_MISMATCH', 'a certificate job was answered with a report'));
    } else {
      job.reject(
        isErrorCode(reply.code)
          ? new MadoguchiError(reply.code, reply.detail)
          : new MadoguchiError('ISSUANCE_RENDER_FAILED', reply.message),
      );
    }
    this.pump();
  }

  private onWorkerGone(slot: Slot, error: Error): void {
    if (!this.slots.includes(slot)) return;
    const running = slot.jobs[0];
    this.replace(slot);
    running?.reject(new MadoguchiError('ISSUANCE_RENDER_FAILED', error.message));
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new MadoguchiError('ISSUANCE_RENDER_FAILED', 'renderer closed'));
    await Promise.all(
      this.slots.map(async (s) => {
        for (const job of s.jobs) job.reject(new MadoguchiError('ISSUANCE_RENDER_FAILED', 'renderer closed'));
        s.worker.removeAllListeners();
        await s.worker.terminate();
      }),
    );
  }
}

/** Every page must carry the request's own issue number and n/N. */
export function checkIdentity(input: RenderInput, doc: RenderedDocument): string | undefined {
  if (doc.pageIssueNumbers.length !== doc.pageCount || doc.pageCount < 1) return 'page count does not match page issue numbers';
  for (let i = 0; i < doc.pageCount; i++) {
    if (doc.pageIssueNumbers[i] !== pageIssueNumber(input.issueNumber, i + 1, doc.pageCount))
      return `page ${i + 1} carries another issue number`;
  }
  return undefined;
}

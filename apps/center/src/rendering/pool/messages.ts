/**
 * Messages between the render pool and its worker threads. Every reply names the job it answers.
 * Two kinds of job share the workers (and their timeouts and restarts): a resident's certificate,
 * and a billing report (statement or settlement), so no PDF is drawn on the thread that serves kiosks.
 */
import type { RenderInput } from '@madoguchi/shared';
import type { Report } from '../../billing/report-pdf.js';
import type { RenderedDocument } from '../render-document.js';

export interface WorkerSetup {
  signer: { keyId: string; pkcs8Der: Uint8Array };
  fontDir?: string;
  /** Public address of the verification page (the QR code's URL). */
  verifyBaseUrl?: string;
}

export interface CertificateJobMessage {
  kind: 'certificate';
  jobId: string;
  /** The request, with `policy.officialSealPng` left empty: the seal travels as `officialSeal`. */
  input: RenderInput;
  /**
   * The municipality's official seal (~70 KB of base64, the same for every request of a
   * municipality), by content key; `png` is sent only the first time this worker needs it.
   */
  officialSeal: { key: string; png?: string };
  /** Forget every seal received so far (the pool bounds what a worker keeps). */
  resetSeals?: boolean;
  fontMode?: 'subset' | 'full';
  /** Test hook: hold the finished document this long before replying (a slow render). */
  delayMs?: number;
}

export interface ReportJobMessage {
  kind: 'report';
  jobId: string;
  report: Report;
  /** Test hook, as for a certificate. */
  delayMs?: number;
}

export type RenderJobMessage = CertificateJobMessage | ReportJobMessage;

export type RenderReplyMessage =
  | { jobId: string; ok: true; document: RenderedDocument }
  | { jobId: string; ok: true; pdf: Uint8Array }
  | { jobId: string; ok: false; code?: string; detail?: string; message: string };

export type WorkerReadyMessage = { ready: true } | { ready: false; message: string };

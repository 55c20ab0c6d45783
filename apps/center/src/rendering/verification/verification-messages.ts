/** Messages between the verification pool and its worker threads. Every reply names the job it answers. */
import type { VerificationResult } from './signing.js';

export interface VerificationWorkerSetup {
  /** Key id → public key (SPKI PEM): what the center's documents are signed with. */
  publicKeys: Record<string, string>;
}

export interface VerificationJobMessage {
  jobId: number;
  /** The upload, transferred (the pool copies it first: a request body may share a pooled buffer). */
  pdf: Uint8Array;
}

export type VerificationReplyMessage =
  | { jobId: number; ok: true; result: VerificationResult; heapUsedBytes: number }
  | { jobId: number; ok: false; code?: string; detail?: string; message: string; heapUsedBytes: number };

export type VerificationWorkerReadyMessage = { ready: true } | { ready: false; message: string };

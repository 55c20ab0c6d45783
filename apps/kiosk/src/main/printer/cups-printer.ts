/**
 * A store's printer: a CUPS queue, spoken to over IPP (ipp-client.ts says why IPP and not lp).
 *
 * A copy is one Print-Job: the PDF itself (application/pdf), named by its issuance id and copy
 * (CUPS keeps job names in its history and shows them to operators: never a resident's name). The
 * kiosk then follows the job with Get-Job-Attributes until CUPS calls it completed; aborted,
 * canceled, or no end before the deadline is a failed print, which the session refunds. A job
 * given up on is cancelled first, so a printer that comes back later cannot hand a refunded
 * certificate to whoever stands there next.
 *
 * Nothing of the resident stays on the kiosk: the PDF goes over the socket from memory, and once
 * the result is known the job is cancelled with `purge-job`, which removes CUPS' copy of the
 * document from its spool (CUPS keeps job files a day by default: PreserveJobFiles). What CUPS
 * keeps in its job history is the job name: an issuance id and a copy number.
 */
import { z } from 'zod';
import { IppError, ippCall, type IppRequest, type IppResponse } from './ipp-client.js';
import type { Printer, PrinterStatus, PrintJob } from './printer.js';
import { printerStatusFrom, unreachablePrinter } from './printer-status.js';

export interface CupsPrinterOptions {
  /** The queue, e.g. `ipp://127.0.0.1:631/printers/kiosk`. */
  printerUri: string;
  /** A copy not completed by then is cancelled and fails (default 120 s: a cold laser printer and a 戸籍 of many pages). */
  jobDeadlineMs?: number;
  /** How often the job is asked about while it prints (default 250 ms). */
  pollIntervalMs?: number;
  /** Each IPP request's own deadline (default 5 s); a local cupsd answers in milliseconds. */
  requestTimeoutMs?: number;
  /** requesting-user-name of the kiosk's jobs (default `madoguchi-kiosk`): the owner that may cancel them. */
  userName?: string;
}

const JobAttributes = z.object({
  'job-id': z.number().int().positive(),
  'job-state': z.union([z.string(), z.number()]).optional(),
  'job-state-reasons': z.union([z.string(), z.array(z.string())]).optional(),
});
const PrinterAttributes = z.object({
  'printer-state': z.union([z.string(), z.number()]).optional(),
  'printer-state-reasons': z.union([z.string(), z.array(z.string())]).optional(),
  'printer-is-accepting-jobs': z.boolean().optional(),
});

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isJobName = (name: string) => /^[0-9a-f-]+-\d{2}$/.test(name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CupsPrinter implements Printer {
  private readonly jobDeadlineMs: number;
  private readonly pollIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly userName: string;

  constructor(private readonly options: CupsPrinterOptions) {
    this.jobDeadlineMs = options.jobDeadlineMs ?? 120_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.userName = options.userName ?? 'madoguchi-kiosk';
  }

  async print(job: PrintJob): Promise<{ jobId: string }> {
    const jobName = `${job.issuanceId}-${String(job.copyIndex).padStart(2, '0')}`;
    if (!isJobName(jobName)) throw new Error('unsafe job name');
    const submitted = await this.call({
      operation: 'Print-Job',
      operationAttributes: { 'requesting-user-name': this.userName, 'job-name': jobName, 'document-format': 'application/pdf' },
      data: job.pdf,
    });
    const jobId = jobAttributes(submitted, 'Print-Job')['job-id'];
    try {
      await this.untilCompleted(jobId);
    } catch (error) {
      throw await this.withDiscard(jobId, error);
    }
    return { jobId: String(jobId) };
  }

  /** The result is known: CUPS' copy of the document goes (and the job, had it not ended). */
  async release(jobId: string): Promise<void> {
    const id = Number(jobId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error('unsafe job id');
    await this.discard(id);
  }

  async status(): Promise<PrinterStatus> {
    try {
      const answer = await this.call({
        operation: 'Get-Printer-Attributes',
        operationAttributes: {
          'requesting-user-name': this.userName,
          'requested-attributes': ['printer-state', 'printer-state-reasons', 'printer-is-accepting-jobs'],
        },
      });
      const attributes = PrinterAttributes.parse(firstGroup(answer, 'printer-attributes-tag'));
      return printerStatusFrom({
        state: attributes['printer-state'],
        reasons: asList(attributes['printer-state-reasons']),
        acceptingJobs: attributes['printer-is-accepting-jobs'],
      });
    } catch {
      return unreachablePrinter();
    }
  }

  /**
   * Resolves when CUPS reports the job completed; rejects when it is aborted or canceled, or when
   * the deadline passes first (a paused queue, a jam nobody clears). A question CUPS does not
   * answer is asked again until the deadline: a cupsd restarting keeps its jobs.
   */
  private async untilCompleted(jobId: number): Promise<void> {
    const deadline = Date.now() + this.jobDeadlineMs;
    let last = 'unknown';
    for (;;) {
      let state: string | number | undefined;
      try {
        const answer = await this.call({
          operation: 'Get-Job-Attributes',
          operationAttributes: {
            'job-id': jobId,
            'requesting-user-name': this.userName,
            'requested-attributes': ['job-id', 'job-state', 'job-state-reasons'],
          },
        });
        const attributes = jobAttributes(answer, 'Get-Job-Attributes');
        state = attributes['job-state'];
        last = [String(state), ...asList(attributes['job-state-reasons'])].join(' ');
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (state === 'completed' || state === 9) return;
      if (state === 'aborted' || state === 8 || state === 'canceled' || state === 7)
        throw new IppError(`print job ${jobId} ended without printing: ${last}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new IppError(`print job ${jobId} not completed within ${this.jobDeadlineMs} ms (last seen: ${last})`);
      await sleep(Math.min(this.pollIntervalMs, left));
    }
  }

  /** A failed job is cancelled and purged before the failure is reported; if that fails too, the error says so. */
  private async withDiscard(jobId: number, error: unknown): Promise<Error> {
    const failure = error instanceof Error ? error : new Error(String(error));
    try {
      await this.discard(jobId);
      return failure;
    } catch (discardError) {
      const why = discardError instanceof Error ? discardError.message : String(discardError);
      return new IppError(`${failure.message}; the job could not be cancelled: ${why}`);
    }
  }

  private async discard(jobId: number): Promise<void> {
    await this.call({
      operation: 'Cancel-Job',
      operationAttributes: { 'job-id': jobId, 'requesting-user-name': this.userName, 'purge-job': true },
    });
  }

  private call(request: IppRequest): Promise<IppResponse> {
    return ippCall(this.options.printerUri, request, this.requestTimeoutMs);
  }
}

function firstGroup(answer: IppResponse, tag: string): unknown {
  const group = answer[tag];
  return Array.isArray(group) ? group[0] : group;
}

function jobAttributes(answer: IppResponse, operation: string): z.infer<typeof JobAttributes> {
  const parsed = JobAttributes.safeParse(firstGroup(answer, 'job-attributes-tag'));
  if (!parsed.success) throw new IppError(`${operation}: the answer has no job id`);
  return parsed.data;
}

/**
 * What the session needs from a printer. Two implementations: the spool folder (spool-printer.ts),
 * the demo's printer, and a CUPS queue over IPP (cups-printer.ts), a store's printer. Either way a
 * job is keyed by its issuance id and copy from the start (docs/misissuance.md#yokohama), and
 * nothing of a resident's certificate stays on the kiosk once the job's result is known.
 */

export interface PrintJob {
  issuanceId: string;
  copyIndex: number;
  issueNumber: string;
  pdf: Uint8Array;
}

/**
 * Why a printer cannot print, or what it warns about: the IPP printer-state-reasons keyword
 * without its -error/-warning/-report suffix, or one of ours (`stopped`, `not-accepting-jobs`,
 * `unreachable`). The named ones are those the kiosk is known to meet; others pass through as CUPS
 * reports them.
 */
export type PrinterReason =
  | 'media-empty'
  | 'media-jam'
  | 'media-needed'
  | 'toner-low'
  | 'toner-empty'
  | 'offline'
  | 'paused'
  | 'stopped'
  | 'not-accepting-jobs'
  | 'unreachable'
  | (string & {});

export interface PrinterStatus {
  /** False: a job sent now would not come out (or not soon), so nothing is offered for sale. */
  canPrint: boolean;
  /** Every reason the printer gives, blocking or not (toner-low is a warning: canPrint stays true). */
  reasons: PrinterReason[];
}

export interface Printer {
  /** Resolves once the copy is printed; a failed print rejects and leaves nothing of the job behind. */
  print(job: PrintJob): Promise<{ jobId: string }>;
  /** The job's result is known: delete whatever of it the printer still holds. */
  release(jobId: string): Promise<void>;
  /** Whether a job sent now would print; never rejects (a printer that cannot be asked cannot print). */
  status(): Promise<PrinterStatus>;
}

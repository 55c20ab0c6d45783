/**
 * From what an IPP printer says about itself (Get-Printer-Attributes) to whether the kiosk may sell
 * a certificate now. A pure decision, tested on its own (printer-status.test.ts) and against a real
 * CUPS (test/kiosk/cups-printer.test.ts).
 */
import type { PrinterReason, PrinterStatus } from './printer.js';

export interface IppPrinterState {
  /** printer-state: 3 idle, 4 processing, 5 stopped (RFC 8011 §5.4.11), or its keyword. */
  state: number | string | undefined;
  /** printer-state-reasons keywords as sent, e.g. `media-jam-error`, `toner-low-warning`, `none`. */
  reasons: readonly string[];
  /** printer-is-accepting-jobs; a queue that rejects jobs (cupsreject) refuses the Print-Job. */
  acceptingJobs: boolean | undefined;
}

/**
 * Low supplies print on: a store refills them at its next round, and refusing a resident for a
 * warning would close the kiosk early for nothing.
 */
const isLowSupply = (base: string) => base.endsWith('-low');

/**
 * RFC 8011 §5.4.12: a reason without a suffix is an error. `-warning` and `-report` are not, except
 * `offline-report`, which CUPS backends send for a printer that does not answer. CUPS' own
 * `cups-*` keywords (a missing filter warning, waiting for a job to complete) describe the queue,
 * not the paper path.
 */
function blocks(keyword: string, base: string): boolean {
  if (keyword.endsWith('-warning')) return false;
  if (keyword.endsWith('-report')) return base === 'offline';
  if (keyword.endsWith('-error')) return true;
  return !isLowSupply(base) && !base.startsWith('cups-');
}

const baseOf = (keyword: string) => keyword.replace(/-(error|warning|report)$/, '');

export function printerStatusFrom(ipp: IppPrinterState): PrinterStatus {
  const reasons = new Set<PrinterReason>();
  let canPrint = true;
  for (const keyword of ipp.reasons) {
    if (keyword === 'none' || keyword === '') continue;
    const base = baseOf(keyword);
    reasons.add(base);
    if (blocks(keyword, base)) canPrint = false;
  }
  if (ipp.state === 5 || ipp.state === 'stopped') {
    canPrint = false;
    // CUPS says `paused` for a queue an operator stopped; a printer stopped by itself says why, or nothing.
    if (!reasons.has('paused')) reasons.add('stopped');
  }
  if (ipp.acceptingJobs === false) {
    canPrint = false;
    reasons.add('not-accepting-jobs');
  }
  return { canPrint, reasons: [...reasons] };
}

/** The printer could not be asked at all (no answer, an IPP error): nothing is sold until it answers. */
export const unreachablePrinter = (): PrinterStatus => ({ canPrint: false, reasons: ['unreachable'] });

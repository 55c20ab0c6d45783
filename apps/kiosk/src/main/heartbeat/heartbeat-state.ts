/**
 * What the kiosk reports about its devices, in the heartbeat's words (HeartbeatRequest in the
 * shared contract). Pure decisions, tested on their own (heartbeat-state.test.ts).
 */
import type { HeartbeatPrinterState } from '@madoguchi/shared';
import type { PrinterStatus } from '../printer/printer.js';

/**
 * The printer in one word. What stops printing wins over a warning (a jammed printer low on toner
 * is `media-jam`), and a printer that cannot print for a reason without a word of its own
 * (paused, stopped, toner empty, a queue refusing jobs) is `error`.
 */
export function printerStateOf(status: PrinterStatus): HeartbeatPrinterState {
  const has = (...reasons: string[]) => reasons.some((r) => status.reasons.includes(r));
  if (has('media-jam')) return 'media-jam';
  if (has('media-empty', 'media-needed')) return 'media-empty';
  if (has('offline', 'unreachable')) return 'offline';
  if (!status.canPrint) return 'error';
  return has('toner-low') ? 'toner-low' : 'ready';
}

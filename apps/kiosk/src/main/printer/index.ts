/**
 * The kiosk's printers (`@madoguchi/kiosk/printer`): kiosk-main.ts picks one from the
 * configuration; tests drive the CUPS one against a real cupsd (test/kiosk/cups-printer.test.ts).
 */
export type { Printer, PrinterReason, PrinterStatus, PrintJob } from './printer.js';
export { CupsPrinter, type CupsPrinterOptions } from './cups-printer.js';
export { SpoolPrinter, type SpoolPrinterOptions } from './spool-printer.js';
export { checkDeliveredDocument, type DocumentCheck, type ExpectedDocument } from './document-check.js';

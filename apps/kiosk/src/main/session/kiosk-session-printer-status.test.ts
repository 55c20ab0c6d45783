/**
 * The printer's state reaches the resident before any money does: a printer that cannot print
 * (paper out, a jam, paused) turns the menu's certificates into refusals with PRINTER_UNAVAILABLE,
 * and a printer that stops between the menu and the quote stops the quote. A warning (toner low)
 * sells as usual. The same with a real CUPS queue, and the refund of a job that fails after
 * payment: test/kiosk/cups-printer.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { errorMessage } from '@madoguchi/shared';
import type { Printer, PrinterStatus, PrintJob } from '../printer/printer.js';
import { SpoolPrinter } from '../printer/spool-printer.js';
import { cardKey, certificateDer, setup, toMenu } from './session-test-harness.js';

const newCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: '1234' });

/** The demo's spool printer, whose status the test sets as a store printer would report it. */
class PrinterWithStatus implements Printer {
  current: PrinterStatus = { canPrint: true, reasons: [] };
  statusCalls = 0;
  private readonly spool = new SpoolPrinter(mkdtempSync(join(tmpdir(), 'kiosk-spool-')));
  print = (job: PrintJob) => this.spool.print(job);
  release = (jobId: string) => this.spool.release(jobId);
  status = async () => {
    this.statusCalls++;
    return this.current;
  };
}

const withPrinter = () => {
  const printer = new PrinterWithStatus();
  return { printer, t: setup('none', { newCard, printer }) };
};

describe('kiosk session and the printer’s status', () => {
  it('a printer that cannot print makes every certificate unavailable on the menu, and nothing is quoted', async () => {
    const { printer, t } = withPrinter();
    printer.current = { canPrint: false, reasons: ['media-jam'] };
    await toMenu(t);
    const view = t.session.getView();
    expect(view.screen).toBe('menu');
    expect(view.menu!.filter((item) => item.available)).toEqual([]);
    expect(view.menu).toContainEqual(expect.objectContaining({ certificateType: 'residenceRecord', refusal: 'PRINTER_UNAVAILABLE' }));
    // What the center refused for the resident stays refused for that reason.
    expect(view.menu).toContainEqual(
      expect.objectContaining({ certificateType: 'sealCertificate', refusal: 'ELIGIBILITY_NO_SEAL_REGISTRATION' }),
    );
    await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    expect(t.session.getView()).toMatchObject({
      screen: 'refused',
      error: { code: 'PRINTER_UNAVAILABLE', message: errorMessage('PRINTER_UNAVAILABLE', 'ja') },
    });
    expect(t.fake.calls).toEqual(['challenge', 'authenticate']);
    expect(t.cash().escrowYen).toBe(0);
  });

  it('a printer that stops after the menu stops the quote: no issuance, no payment', async () => {
    const { printer, t } = withPrinter();
    await toMenu(t);
    expect(t.session.getView().menu).toContainEqual(expect.objectContaining({ certificateType: 'residenceRecord', available: true }));
    await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    printer.current = { canPrint: false, reasons: ['paused'] };
    await t.send({ type: 'confirm' });
    expect(t.session.getView()).toMatchObject({ screen: 'refused', error: { code: 'PRINTER_UNAVAILABLE' } });
    expect(t.session.getView().quote).toBeUndefined();
    expect(t.fake.calls).toEqual(['challenge', 'authenticate']);
  });

  it('a warning (toner low) still sells and prints', async () => {
    const { printer, t } = withPrinter();
    printer.current = { canPrint: true, reasons: ['toner-low'] };
    await toMenu(t);
    expect(t.session.getView().menu).toContainEqual(expect.objectContaining({ certificateType: 'residenceRecord', available: true }));
    await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    await t.send({ type: 'confirm' });
    await t.insertCash(500);
    expect(t.session.getView()).toMatchObject({ screen: 'done', printedDocuments: 1 });
    // Asked when the menu was built and again before the quote.
    expect(printer.statusCalls).toBe(2);
  });
});

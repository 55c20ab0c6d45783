/**
 * The kiosk's CUPS printer against a real cupsd (test/support/cups.ts) with cups-pdf queues: what
 * comes out is read back. cups-pdf runs every job through Ghostscript (ps2write, then pdfwrite), so
 * the paper is never the same bytes as the PDF sent: the same text on each page and the same page
 * count are what is checked. Failures: a paused queue (the job outlives its deadline), a queue
 * that rejects jobs, a job an operator cancels mid-way — each fails, and CUPS keeps no copy of the
 * document. Through the session: a printer that cannot print is refused before payment, and a job
 * that fails after payment is refunded.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { CupsPrinter, type PrintJob } from '@madoguchi/kiosk/printer';
import { cardKey, certificateDer, setup, toMenu, toPayment } from '@madoguchi/kiosk/session/test-harness';
import { cupsUnavailable, startCups, type CupsServer } from '../support/cups.js';

const unavailable = cupsUnavailable();
if (unavailable) console.warn(unavailable);

/** A small PDF of `pages` pages, each saying which page it is of the job (as certificates do). */
function pdfOf(label: string, pages: number): Uint8Array {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids: string[] = [];
  const font = 3;
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let n = 1; n <= pages; n++) {
    const stream = `BT /F1 18 Tf 72 720 Td (${label} page ${n}/${pages}) Tj ET`;
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
    const content = objects.length;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`,
    );
    kids.push(`${objects.length} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const offset = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const jobOf = (pdf: Uint8Array): PrintJob => ({ issuanceId: randomUUID(), copyIndex: 1, issueNumber: 'n', pdf });

async function pagesOf(file: string): Promise<string[]> {
  const document = await getDocumentProxy(new Uint8Array(readFileSync(file)));
  return (await extractText(document, { mergePages: false })).text as string[];
}

describe.skipIf(unavailable !== undefined)('CUPS printer (real cupsd, cups-pdf)', () => {
  let cups: CupsServer;
  const printed = () => readdirSync(cups.outputDir);
  const queue = async () => {
    const name = `kiosk-${randomUUID().slice(0, 8)}`;
    return { name, uri: await cups.addPdfQueue(name) };
  };

  beforeAll(async () => {
    cups = await startCups();
  }, 60_000);
  afterAll(async () => {
    await cups?.stop();
  });

  it('prints the PDF: the same text on each page and the same page count come out, and CUPS keeps no copy', async () => {
    const { uri } = await queue();
    const printer = new CupsPrinter({ printerUri: uri });
    expect(await printer.status()).toEqual({ canPrint: true, reasons: [] });
    const job = jobOf(pdfOf('Issue 0042', 3));
    const { jobId } = await printer.print(job);
    await printer.release(jobId);
    // The job name is the issuance id and copy: the file cups-pdf wrote is named after it.
    const [out, ...others] = printed().filter((name) => name.startsWith(`${job.issuanceId}-01`));
    expect(others).toEqual([]);
    const pages = await pagesOf(join(cups.outputDir, out!));
    expect(pages).toHaveLength(3);
    pages.forEach((text, i) => expect(text).toContain(`Issue 0042 page ${i + 1}/3`));
    expect(readFileSync(join(cups.outputDir, out!)).equals(Buffer.from(job.pdf))).toBe(false); // rewritten by Ghostscript
    expect(cups.spooledDocuments()).toEqual([]);
  }, 60_000);

  it('reads the printer’s state reasons: paper out and a jam stop printing, low toner does not', async () => {
    const { name, uri } = await queue();
    const printer = new CupsPrinter({ printerUri: uri });
    cups.setReasons(name, 'media-empty-error');
    expect(await printer.status()).toEqual({ canPrint: false, reasons: ['media-empty'] });
    cups.setReasons(name, 'media-jam-error');
    expect(await printer.status()).toEqual({ canPrint: false, reasons: ['media-jam'] });
    cups.setReasons(name, 'toner-low-warning');
    expect(await printer.status()).toEqual({ canPrint: true, reasons: ['toner-low'] });
    cups.setReasons(name, 'none');
    expect(await printer.status()).toEqual({ canPrint: true, reasons: [] });
    expect(await new CupsPrinter({ printerUri: `${uri}-gone` }).status()).toMatchObject({ canPrint: false });
  });

  it('a paused queue cannot print: the job does not complete by its deadline, fails, and is cancelled and purged', async () => {
    const { name, uri } = await queue();
    cups.pause(name);
    const printer = new CupsPrinter({ printerUri: uri, jobDeadlineMs: 2_000 });
    expect(await printer.status()).toEqual({ canPrint: false, reasons: ['paused'] });
    const job = jobOf(pdfOf('Issue 0043', 1));
    await expect(printer.print(job)).rejects.toThrow(/not completed within 2000 ms/);
    // Cancelled and purged: the queue coming back cannot print a refunded certificate.
    expect(cups.spooledDocuments()).toEqual([]);
    cups.resume(name);
    expect(printed().filter((file) => file.startsWith(job.issuanceId))).toEqual([]);
  }, 30_000);

  it('a queue that rejects jobs refuses the submission: the print fails at once', async () => {
    const { name, uri } = await queue();
    cups.reject(name);
    const printer = new CupsPrinter({ printerUri: uri });
    expect(await printer.status()).toEqual({ canPrint: false, reasons: ['not-accepting-jobs'] });
    await expect(printer.print(jobOf(pdfOf('Issue 0044', 1)))).rejects.toThrow(/not-accepting-jobs/);
    expect(cups.spooledDocuments()).toEqual([]);
  });

  it('a job an operator cancels mid-way fails, long before its deadline', async () => {
    const { name, uri } = await queue();
    cups.pause(name); // holds the job in the queue until it is cancelled
    const printer = new CupsPrinter({ printerUri: uri, jobDeadlineMs: 120_000 });
    const printing = printer.print(jobOf(pdfOf('Issue 0045', 1)));
    const failure = expect(printing).rejects.toThrow(/ended without printing: canceled/);
    while (cups.spooledDocuments().length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    cups.cancelAll(name);
    await failure;
    expect(cups.spooledDocuments()).toEqual([]);
  }, 30_000);

  describe('through the kiosk session', () => {
    const newCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: '1234' });

    it('prints a paid certificate on the CUPS queue', async () => {
      const { uri } = await queue();
      const t = setup('none', { newCard, printer: new CupsPrinter({ printerUri: uri }) });
      await toPayment(t);
      await t.insertCash(500);
      expect(t.session.getView(), t.logs.join('\n')).toMatchObject({ screen: 'done', printedDocuments: 1, refundYen: 200 });
      expect(t.fake.calls.at(-1)).toBe('print:printed');
      const [out] = printed().filter((name) => name.startsWith(`${t.fake.issuanceId()}-01`));
      // The harness's certificate has two pages, each with its issue number and n/N.
      const pages = await pagesOf(join(cups.outputDir, out!));
      expect(pages).toHaveLength(2);
      pages.forEach((text, i) => expect(text).toMatch(new RegExp(`P01 \\d+ ${i + 1}/2`)));
      expect(cups.spooledDocuments()).toEqual([]);
    }, 60_000);

    it('a paused printer is refused on the menu, before any payment', async () => {
      const { name, uri } = await queue();
      cups.pause(name);
      const t = setup('none', { newCard, printer: new CupsPrinter({ printerUri: uri }) });
      await toMenu(t);
      expect(t.session.getView().menu).toContainEqual(
        expect.objectContaining({ certificateType: 'residenceRecord', available: false, refusal: 'PRINTER_UNAVAILABLE' }),
      );
      expect(t.fake.calls).toEqual(['challenge', 'authenticate']);
    }, 30_000);

    it('a job that fails after payment (the queue paused while paying) is reported failed and refunded', async () => {
      const { name, uri } = await queue();
      const t = setup('none', { newCard, printer: new CupsPrinter({ printerUri: uri, jobDeadlineMs: 2_000 }) });
      await toPayment(t);
      const releasePrint = t.holds.hold('print');
      t.cashDevice.insert(500);
      await t.waitFor('printing');
      cups.pause(name);
      releasePrint();
      await t.session.idle();
      expect(t.session.getView(), t.logs.join('\n')).toMatchObject({
        screen: 'error',
        error: { code: 'ISSUANCE_PRINT_FAILED' },
        printedDocuments: 0,
        refundYen: 500, // the fee (300) and the change (200)
      });
      expect(t.fake.calls).toContain('print:failed');
      expect(t.cash().collectedYen).toBe(0);
      expect(cups.spooledDocuments()).toEqual([]);
      expect(printed().filter((file) => file.startsWith(t.fake.issuanceId()))).toEqual([]);
    }, 30_000);
  });
});

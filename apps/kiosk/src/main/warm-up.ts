/**
 * Before the first resident (issue 13, item 7): the first journey after a kiosk starts paid, on
 * top of its own work, for every first use on the way — the TLS handshake with the center, the
 * binding key, loading pdf.js and compiling its and pdf-lib's parsers for the last-hop check, the
 * first IPP exchange with the printer. Here the kiosk pays them at start, on a document of its own
 * (no resident's data), so the first resident's steps take what every later one's take. Nothing
 * here is needed: a step that fails (the center still down, say) is logged, and the journey pays
 * for it as before.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { DocumentBinding } from '@madoguchi/shared';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { checkDeliveredDocument, sha256 } from './printer/document-check.js';
import type { Printer } from './printer/printer.js';
import type { SessionLog } from './session/ports.js';

export interface WarmUpPorts {
  /** The binding key, fetched over the kiosk's mutual-TLS channel (which this opens and keeps) when not pinned. */
  centerPublicKey: () => Promise<KeyObject>;
  printer: Pick<Printer, 'status'>;
  log: SessionLog;
}

/** Each step is timed; none throws. Resolves when all have run. */
export async function warmUpKiosk(ports: WarmUpPorts): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await work();
    } catch (error) {
      ports.log('warm-up step failed', { step: name, error: error instanceof Error ? error.name : 'unknown' });
    }
    took[name] = Math.round(performance.now() - started);
  };
  // One after another: the kiosk has two cores, and the center's round trip overlaps nothing of ours anyway.
  await step('center', () => ports.centerPublicKey());
  await step('documentCheck', checkOwnDocument);
  await step('printer', () => ports.printer.status());
  ports.log('warmed up', took);
  return took;
}

/**
 * The last-hop check, whole, on a one-page PDF made here and bound with a throwaway key: the same
 * code a delivered certificate goes through, with nothing of anyone's in it.
 */
async function checkOwnDocument(): Promise<void> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('WARMUP-0000 1/1', { x: 72, y: 72, size: 10, font });
  const pdf = await doc.save();
  const key = generateKeyPairSync('ed25519');
  const certificate = Uint8Array.of(0x30, 0x00);
  const binding: DocumentBinding = {
    issuanceId: randomUUID(),
    issueNumber: 'WARMUP-0000',
    copyIndex: 1,
    pageCount: 1,
    pageIssueNumbers: ['WARMUP-0000 1/1'],
    documentSha256: sha256(pdf),
    authCertificateSha256: sha256(certificate),
    certificateType: 'residenceRecord',
    issuedAt: new Date().toISOString(),
  };
  const bindingJson = JSON.stringify(binding);
  const result = await checkDeliveredDocument(
    {
      binding,
      bindingJson,
      bindingSignature: sign(null, Buffer.from(bindingJson), key.privateKey).toString('base64'),
      pdf: Buffer.from(pdf).toString('base64'),
    },
    { issuanceId: binding.issuanceId, certificateType: 'residenceRecord', authCertificateDer: certificate, centerPublicKey: key.publicKey },
  );
  if (!result.ok) throw new Error(`own document refused: ${result.reason}`);
}

/**
 * Forgeries of issued PDFs must verify as not authentic. The content hash leaves out exactly one
 * stream (the last page's last content stream, the QR code); everything else a page shows is bound
 * by the signature, and the excluded stream must be the QR drawing rebuilt from the payload. The
 * forgeries are written with the renderer's own serialiser, so each one reaches the content checks
 * (a file in any other form is refused before them: see the last block).
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFString, type PDFPage } from 'pdf-lib';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import type { CertificateData, RenderInput } from '@madoguchi/shared';
import { FontSet } from '../fonts/font-set.js';
import { renderDocument, type RenderedDocument } from '../render-document.js';
import { qrOps } from '../pdf/qr-code.js';
import { serializeDocument } from '../pdf/writer.js';
import { createDocumentVerifier, VERIFICATION_BASE_URL_KEY, VERIFICATION_CATALOG_KEY } from './document-verifier.js';
import { verificationQrRect, verificationUrl } from './qr-placement.js';
import { createVerificationSigner } from './signing.js';

const keys = generateKeyPairSync('ed25519');
const env = { fonts: new FontSet(), signer: createVerificationSigner(keys.privateKey, 'center-1') };
const verifier = createDocumentVerifier({ 'center-1': keys.publicKey });
const notAuthentic = { authentic: false, reason: 'content-mismatch' };
const refused = { code: 'VERIFICATION_DOCUMENT_REFUSED' };

const demo = generateDemoData();

function input(issueNumber: string, data: CertificateData, municipalityCode: string): RenderInput {
  return {
    issuanceId: issueNumber,
    copyIndex: 0,
    issueNumber,
    municipality: demo.batch.municipalities.find((m) => m.code === municipalityCode)!,
    policy: demo.policies.find((p) => p.municipalityCode === municipalityCode)!,
    issuedOn: '2026-11-23',
    data,
  };
}

let single: RenderedDocument;
let multiA: RenderedDocument;
let multiB: RenderedDocument;

beforeAll(async () => {
  const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
  const registration = demo.batch.sealRegistrations.find((s) => s.residentId === r.residentId && s.status === 'active')!;
  single = await renderDocument(
    input('S-000001', { certificateType: 'sealCertificate', resident: r, address: 'テスト住所', registration }, r.municipalityCode),
    env,
  );
  const register = demo.batch.familyRegisters.find((f) => f.persons.some((p) => p.residentId === demo.featured.multiPageFamilyRegister))!;
  const data: CertificateData = { certificateType: 'familyRegisterFull', register, persons: register.persons };
  multiA = await renderDocument(input('F-000001', data, register.municipalityCode), env);
  // The same register issued again: another genuine document (its own issue number and QR code).
  multiB = await renderDocument(input('F-000002', data, register.municipalityCode), env);
});

function contentsOf(page: PDFPage): PDFArray {
  return page.node.lookup(PDFName.of('Contents'), PDFArray);
}

/** A stream flagged as the verification stream, painting a white band (the auditor's overlay). */
function flaggedOverlay(doc: PDFDocument, ops = 'q 1 g 40 300 515 300 re f Q') {
  return doc.context.register(PDFRawStream.of(doc.context.obj({ MdgVerification: true }), Buffer.from(ops, 'latin1')));
}

describe('forged documents', () => {
  it('accepts the genuine documents (control)', async () => {
    for (const d of [single, multiA, multiB]) expect(await verifier.verifyDocument(d.pdf)).toMatchObject({ authentic: true });
    expect(multiA.pageCount).toBeGreaterThan(2);
  });

  it('rejects a flagged overlay that paints white over the body of page 1', async () => {
    for (const d of [single, multiA]) {
      const doc = await PDFDocument.load(d.pdf);
      contentsOf(doc.getPage(0)).push(flaggedOverlay(doc));
      expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual(notAuthentic);
    }
  });

  it('rejects a flagged overlay on the last page, before or after the QR stream', async () => {
    for (const position of ['before-qr', 'after-qr'] as const) {
      const doc = await PDFDocument.load(multiA.pdf);
      const contents = contentsOf(doc.getPage(doc.getPageCount() - 1));
      if (position === 'after-qr') contents.push(flaggedOverlay(doc));
      else contents.insert(contents.size() - 1, flaggedOverlay(doc));
      expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual(notAuthentic);
    }
  });

  it('rejects a verification stream that draws more than the QR code', async () => {
    const doc = await PDFDocument.load(single.pdf);
    const contents = contentsOf(doc.getPage(0));
    const qr = doc.context.lookup(contents.get(contents.size() - 1)) as PDFRawStream;
    const extended = Buffer.concat([Buffer.from(qr.getContents()), Buffer.from('\nq 1 g 40 300 515 300 re f Q', 'latin1')]);
    contents.set(contents.size() - 1, flaggedOverlay(doc, extended.toString('latin1')));
    expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual(notAuthentic);
  });

  it('rejects a document whose QR stream was removed or unflagged', async () => {
    const removed = await PDFDocument.load(single.pdf);
    const contents = contentsOf(removed.getPage(0));
    contents.remove(contents.size() - 1);
    expect(await verifier.verifyDocument(serializeDocument(removed))).toEqual(notAuthentic);

    const unflagged = await PDFDocument.load(single.pdf);
    const c2 = contentsOf(unflagged.getPage(0));
    const qr = unflagged.context.lookup(c2.get(c2.size() - 1)) as PDFRawStream;
    qr.dict.delete(PDFName.of('MdgVerification'));
    expect(await verifier.verifyDocument(serializeDocument(unflagged))).toEqual(notAuthentic);
  });

  it('rejects a QR code pointed at another address (the base URL is signed content)', async () => {
    const doc = await PDFDocument.load(single.pdf);
    const payload = (doc.catalog.get(PDFName.of(VERIFICATION_CATALOG_KEY)) as PDFString).decodeText();
    const evil = 'https://verify.example.com';
    doc.catalog.set(PDFName.of(VERIFICATION_BASE_URL_KEY), PDFString.of(evil));
    const contents = contentsOf(doc.getPage(0));
    const municipality = (await verifier.verifyDocument(single.pdf)) as { claims: { municipalityCode: string } };
    contents.set(
      contents.size() - 1,
      flaggedOverlay(doc, qrOps(verificationUrl(evil, payload), verificationQrRect(municipality.claims.municipalityCode))),
    );
    expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual(notAuthentic);
  });

  it('rejects a crop box or rotation inherited from the page tree root', async () => {
    for (const [key, value] of [
      ['CropBox', [0, 400, 595.28, 841.89]],
      ['Rotate', 180],
    ] as const) {
      const doc = await PDFDocument.load(multiA.pdf);
      doc.catalog.lookup(PDFName.of('Pages'), PDFDict).set(PDFName.of(key), doc.context.obj(value as never));
      expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual(notAuthentic);
    }
  });

  it('rejects an extra page', async () => {
    const doc = await PDFDocument.load(multiA.pdf);
    const [copy] = await doc.copyPages(doc, [0]);
    doc.insertPage(1, copy!);
    expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual(notAuthentic);
  });

  it('rejects a removed page', async () => {
    const doc = await PDFDocument.load(multiA.pdf);
    doc.removePage(1);
    expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual(notAuthentic);
  });

  it('rejects a page swapped in from another genuine document', async () => {
    const doc = await PDFDocument.load(multiA.pdf);
    const other = await PDFDocument.load(multiB.pdf);
    const [foreign] = await doc.copyPages(other, [1]);
    doc.removePage(1);
    doc.insertPage(1, foreign!);
    expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual(notAuthentic);
  });
});

describe("files that are not the renderer's serialisation of their objects", () => {
  /**
   * A second copy of page 1's content stream (a white box), placed before the genuine one with the
   * cross-reference table pointing at it: viewers and printers follow the table and show the box;
   * a parser that keeps the last copy in file order would hash the genuine stream.
   */
  function shadowPageContent(genuine: Uint8Array): Uint8Array {
    const text = Buffer.from(genuine).toString('latin1');
    const xrefAt = text.lastIndexOf('\nxref\n') + 1;
    const table = text.slice(xrefAt, text.indexOf('trailer', xrefAt)).split('\n');
    // The first content stream of page 1: the object after the first "/Contents [" reference.
    const contentsObject = Number(/\/Contents \[ ?(\d+) 0 R/.exec(text)![1]);
    const body = 'q 1 g 0 0 600 850 re f Q';
    const shadow = `${contentsObject} 0 obj\n<< /Length ${body.length} >>\nstream\n${body}\nendstream\nendobj\n\n`;
    const headerEnd = text.indexOf('\n\n') + 2;
    const rows = table.map((row, i) => {
      const m = /^(\d{10}) (\d{5}) n ?$/.exec(row);
      if (!m) return row;
      const offset = i - 2 === contentsObject ? headerEnd : Number(m[1]) + shadow.length;
      return `${String(offset).padStart(10, '0')} ${m[2]} n `;
    });
    const moved = text.slice(0, headerEnd) + shadow + text.slice(headerEnd);
    const newXrefAt = xrefAt + shadow.length;
    const tableEnd = moved.indexOf('trailer', newXrefAt);
    const startxref = moved.lastIndexOf('startxref');
    return Buffer.from(
      `${moved.slice(0, newXrefAt)}${rows.join('\n')}${moved.slice(tableEnd, startxref)}startxref\n${newXrefAt}\n%%EOF`,
      'latin1',
    );
  }

  it('refuses a content stream shadowed through the cross-reference table', async () => {
    const forged = shadowPageContent(single.pdf);
    // The forgery really is what a viewer would see: pdf-lib alone still reads the genuine stream.
    const parsed = await PDFDocument.load(forged, { updateMetadata: false });
    expect(parsed.getPageCount()).toBe(single.pageCount);
    // Refused before parsing: the renderer writes each object once, numbered upwards.
    await expect(verifier.verifyDocument(forged)).rejects.toMatchObject(refused);
  });

  it('refuses anything appended after the document (an incremental update)', async () => {
    const update = Buffer.from('\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1');
    await expect(verifier.verifyDocument(Buffer.concat([single.pdf, update]))).rejects.toMatchObject(refused);
  });

  it('refuses a page tree that lists one node twice at every level (2^20 pages from 20 objects) before walking it', async () => {
    const doc = await PDFDocument.load(single.pdf, { updateMetadata: false });
    const root = doc.catalog.lookup(PDFName.of('Pages'), PDFDict);
    let node = root.lookup(PDFName.of('Kids'), PDFArray).get(0);
    for (let level = 1; level <= 20; level++)
      node = doc.context.register(doc.context.obj({ Type: 'Pages', Kids: [node, node], Count: 2 ** level }));
    root.set(PDFName.of('Kids'), doc.context.obj([node]));
    root.set(PDFName.of('Count'), doc.context.obj(2 ** 20));
    // The renderer's own serialisation and the genuine payload: only the page tree gives it away.
    await expect(verifier.verifyDocument(serializeDocument(doc))).rejects.toMatchObject(refused);
  });

  it('refuses the genuine objects written in another form (pdf-lib with object streams)', async () => {
    const doc = await PDFDocument.load(single.pdf, { updateMetadata: false });
    await expect(verifier.verifyDocument(await doc.save({ useObjectStreams: true }))).rejects.toMatchObject(refused);
    // The renderer's own form of the same objects is the genuine document again.
    expect(await verifier.verifyDocument(serializeDocument(doc))).toMatchObject({ authentic: true });
  });
});

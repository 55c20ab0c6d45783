import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import type { RenderInput } from '@madoguchi/shared';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { FontSet } from '../fonts/font-set.js';
import { serializeDocument } from '../pdf/writer.js';
import { renderDocument, type RenderedDocument } from '../render-document.js';
import { createDocumentVerifier, VERIFICATION_CATALOG_KEY } from './document-verifier.js';
import { createVerificationSigner } from './signing.js';

const keys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const signer = createVerificationSigner(keys.privateKey, 'center-1');
const verifier = createDocumentVerifier({ 'center-1': keys.publicKey });
const fonts = new FontSet();

function input(index: number, issueNumber: string): RenderInput {
  const demo = generateDemoData();
  const r = demo.batch.residents.filter((x) => x.status === 'active')[index]!;
  return {
    issuanceId: issueNumber,
    copyIndex: 0,
    issueNumber,
    municipality: demo.batch.municipalities.find((m) => m.code === r.municipalityCode)!,
    policy: demo.policies.find((p) => p.municipalityCode === r.municipalityCode)!,
    issuedOn: '2026-11-23',
    data: {
      certificateType: 'residenceRecord',
      household: demo.batch.households.find((h) => h.householdId === r.householdId)!,
      members: [r],
      wholeHousehold: false,
      householdHeadName: r.name,
      options: {
        scope: 'selected',
        memberIds: [],
        form: 'household',
        householdHeadAndRelationship: true,
        domicile: false,
        myNumber: false,
        foreignResidentItems: true,
      },
    },
  };
}

let docA: RenderedDocument;
let docB: RenderedDocument;
beforeAll(async () => {
  docA = await renderDocument(input(0, 'A-000001'), { fonts, signer });
  docB = await renderDocument(input(1, 'B-000002'), { fonts, signer });
});

async function payloadOf(pdf: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(pdf);
  return (doc.catalog.get(PDFName.of(VERIFICATION_CATALOG_KEY)) as PDFString).decodeText();
}

describe('document verification', () => {
  it('accepts an issued document and its payload, with the signed claims', async () => {
    const result = await verifier.verifyDocument(docA.pdf);
    expect(result).toMatchObject({
      authentic: true,
      keyId: 'center-1',
      claims: { issueNumber: 'A-000001', certificateType: 'residenceRecord', issuedOn: '2026-11-23', contentSha256: docA.contentSha256 },
    });
    expect(verifier.verifyPayload(await payloadOf(docA.pdf)).authentic).toBe(true);
  });

  it('reports a tampered content stream as not authentic', async () => {
    const doc = await PDFDocument.load(docA.pdf);
    const page = doc.getPage(0);
    // Redraw: append an extra text-free mark to the page's body stream (any visible change).
    const ref = doc.context.register(doc.context.stream('0 0 10 10 re f'));
    const contents = page.node.Contents()!;
    (contents as unknown as { insert(i: number, v: unknown): void }).insert(0, ref);
    const tampered = serializeDocument(doc);
    expect(await verifier.verifyDocument(tampered)).toEqual({ authentic: false, reason: 'content-mismatch' });
  });

  it('reports a valid payload moved onto another document as not authentic', async () => {
    const doc = await PDFDocument.load(docB.pdf);
    doc.catalog.set(PDFName.of(VERIFICATION_CATALOG_KEY), PDFString.of(await payloadOf(docA.pdf)));
    expect(await verifier.verifyDocument(serializeDocument(doc))).toEqual({ authentic: false, reason: 'content-mismatch' });
  });

  it('reports an edited payload, an unknown key and garbage as not authentic', async () => {
    const payload = await payloadOf(docA.pdf);
    const [prefix, body, sig] = payload.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    claims.n = 'B-000002';
    const edited = `${prefix}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    expect(verifier.verifyPayload(edited)).toEqual({ authentic: false, reason: 'bad-signature' });
    const stranger = createVerificationSigner(otherKeys.privateKey, 'center-9').sign({
      issueNumber: 'X',
      municipalityCode: '131016',
      certificateType: 'residenceRecord',
      issuedOn: '2026-11-23',
      contentSha256: docA.contentSha256,
    });
    expect(verifier.verifyPayload(stranger)).toEqual({ authentic: false, reason: 'unknown-key' });
    const forged = createVerificationSigner(otherKeys.privateKey, 'center-1').sign({
      issueNumber: 'X',
      municipalityCode: '131016',
      certificateType: 'residenceRecord',
      issuedOn: '2026-11-23',
      contentSha256: docA.contentSha256,
    });
    expect(verifier.verifyPayload(forged)).toEqual({ authentic: false, reason: 'bad-signature' });
    expect(verifier.verifyPayload('hello')).toEqual({ authentic: false, reason: 'malformed' });
    await expect(verifier.verifyDocument(new TextEncoder().encode('%PDF-1.7 nonsense'))).rejects.toMatchObject({
      code: 'VERIFICATION_DOCUMENT_REFUSED',
    });
  });

  it('gives the same content hash for the same input, a different one for another resident', async () => {
    const again = await renderDocument(input(0, 'A-000001'), { fonts, signer });
    expect(again.contentSha256).toBe(docA.contentSha256);
    expect(docB.contentSha256).not.toBe(docA.contentSha256);
  });
});

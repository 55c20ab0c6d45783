import { generateKeyPairSync } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { MadoguchiError } from '@madoguchi/shared';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { FontSet } from './fonts/font-set.js';
import { serializeDocument } from './pdf/writer.js';
import { renderDocument, type RenderedDocument } from './render-document.js';
import { verificationRoutes } from './verification-routes.js';
import { createDocumentVerifier, VERIFICATION_CATALOG_KEY } from './verification/document-verifier.js';
import { createVerificationSigner } from './verification/signing.js';

const keys = generateKeyPairSync('ed25519');
let app: FastifyInstance;
let doc: RenderedDocument;
let payload: string;

beforeAll(async () => {
  const demo = generateDemoData();
  const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
  const registration = demo.batch.sealRegistrations.find((s) => s.residentId === r.residentId && s.status === 'active')!;
  doc = await renderDocument(
    {
      issuanceId: 'v1',
      copyIndex: 0,
      issueNumber: '20261123 横浜市 KIOSK-0001 P01 000042',
      municipality: demo.batch.municipalities.find((m) => m.code === r.municipalityCode)!,
      policy: demo.policies.find((p) => p.municipalityCode === r.municipalityCode)!,
      issuedOn: '2026-11-23',
      data: { certificateType: 'sealCertificate', resident: r, address: 'テスト住所', registration },
    },
    { fonts: new FontSet(), signer: createVerificationSigner(keys.privateKey, 'center-1') },
  );
  const loaded = await PDFDocument.load(doc.pdf);
  payload = (loaded.catalog.get(PDFName.of(VERIFICATION_CATALOG_KEY)) as PDFString).decodeText();
  app = Fastify();
  await app.register(verificationRoutes, { verifier: createDocumentVerifier({ 'center-1': keys.publicKey }) });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('verification routes', () => {
  it('shows an authentic QR payload on the public page, without personal data', async () => {
    const res = await app.inject({ method: 'GET', url: `/verify?p=${encodeURIComponent(payload)}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('authentic');
    expect(res.body).toContain('20261123 横浜市 KIOSK-0001 P01 000042');
    expect(res.body).toContain('印鑑登録証明書');
    expect(res.body).not.toContain('山田');
  });

  it('answers not authentic for a tampered payload and for a tampered PDF', async () => {
    const bad = payload.slice(0, -4) + (payload.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const page = await app.inject({ method: 'GET', url: `/verify?p=${encodeURIComponent(bad)}` });
    expect(page.body).toContain('not authentic');
    const json = await app.inject({ method: 'POST', url: '/verify/payload', payload: { payload: bad } });
    expect(json.json()).toEqual({ authentic: false, reason: 'bad-signature' });

    const loaded = await PDFDocument.load(doc.pdf);
    loaded.getPage(0).node.set(PDFName.of('MediaBox'), loaded.context.obj([0, 0, 600, 842]));
    const tampered = serializeDocument(loaded);
    const res = await app.inject({
      method: 'POST',
      url: '/verify/document',
      headers: { 'content-type': 'application/pdf' },
      payload: Buffer.from(tampered),
    });
    expect(res.json()).toEqual({ authentic: false, reason: 'content-mismatch' });
  });

  it('verifies an issued PDF and rejects one signed by an unknown key', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/verify/document',
      headers: { 'content-type': 'application/pdf' },
      payload: Buffer.from(doc.pdf),
    });
    expect(res.json()).toMatchObject({
      authentic: true,
      claims: { issueNumber: '20261123 横浜市 KIOSK-0001 P01 000042', certificateType: 'sealCertificate' },
    });
    const loaded = await PDFDocument.load(doc.pdf);
    const other = createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'center-x').sign({
      issueNumber: 'x',
      municipalityCode: '141003',
      certificateType: 'sealCertificate',
      issuedOn: '2026-11-23',
      contentSha256: doc.contentSha256,
    });
    loaded.catalog.set(PDFName.of(VERIFICATION_CATALOG_KEY), PDFString.of(other));
    const res2 = await app.inject({
      method: 'POST',
      url: '/verify/document',
      headers: { 'content-type': 'application/pdf' },
      payload: Buffer.from(serializeDocument(loaded)),
    });
    expect(res2.json()).toEqual({ authentic: false, reason: 'unknown-key' });
  });

  it('refuses a file no issued document looks like with VERIFICATION_DOCUMENT_REFUSED (422) and what it has', async () => {
    const loaded = await PDFDocument.load(doc.pdf);
    const res = await app.inject({
      method: 'POST',
      url: '/verify/document',
      headers: { 'content-type': 'application/pdf' },
      payload: Buffer.from(await loaded.save({ useObjectStreams: true })),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: { code: 'VERIFICATION_DOCUMENT_REFUSED', issues: [{ path: 'body', message: expect.stringMatching(/ObjStm/) }] },
    });
  });

  it('answers VERIFICATION_BUSY (503) without its detail when the verifier is busy', async () => {
    const busy = Fastify();
    const verifier = {
      verifyPayload: () => ({ authentic: false, reason: 'malformed' }) as const,
      verifyDocument: () => Promise.reject(new MadoguchiError('VERIFICATION_BUSY', '8 uploads already waiting')),
    };
    await busy.register(verificationRoutes, { verifier });
    const res = await busy.inject({
      method: 'POST',
      url: '/verify/document',
      headers: { 'content-type': 'application/pdf' },
      payload: Buffer.from(doc.pdf),
    });
    await busy.close();
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('VERIFICATION_BUSY');
    expect(res.body).not.toContain('8 uploads');
  });

  it('rejects a payload body of the wrong shape', async () => {
    const res = await app.inject({ method: 'POST', url: '/verify/payload', payload: { nope: 1 } });
    expect(res.statusCode).toBe(400);
  });
});

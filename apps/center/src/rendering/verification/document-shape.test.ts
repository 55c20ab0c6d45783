/**
 * The shape check before parsing: every issued document passes; what an issued document never
 * has (object or xref streams, chained filters, escaped names, deep nesting, too many objects, a
 * second section, stray bytes) is refused without pdf-lib seeing it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import type { CertificateData, RenderInput } from '@madoguchi/shared';
import { FontSet } from '../fonts/font-set.js';
import { renderDocument, type RenderedDocument } from '../render-document.js';
import {
  checkDocumentShape,
  DocumentShapeError,
  MAX_DOCUMENT_BYTES,
  MAX_NESTING,
  MAX_OBJECTS,
  MAX_SYNTAX_BYTES,
} from './document-shape.js';
import { createVerificationSigner } from './signing.js';

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
let multi: RenderedDocument;

beforeAll(async () => {
  const env = { fonts: new FontSet(), signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'shape') };
  const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
  const registration = demo.batch.sealRegistrations.find((s) => s.residentId === r.residentId && s.status === 'active')!;
  single = await renderDocument(
    input('S-1', { certificateType: 'sealCertificate', resident: r, address: 'テスト住所', registration }, r.municipalityCode),
    env,
  );
  const register = demo.batch.familyRegisters.find((f) => f.persons.some((p) => p.residentId === demo.featured.multiPageFamilyRegister))!;
  multi = await renderDocument(
    input('F-1', { certificateType: 'familyRegisterFull', register, persons: register.persons }, register.municipalityCode),
    env,
  );
});

/** A file laid out as the renderer lays documents out: header, objects 1…n, xref, trailer. */
function layout(objects: (string | Buffer)[], trailer = '<<\n/Size SIZE\n/Root 1 0 R\n>>'): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\x81\x81\x81\x81\n\n', 'latin1')];
  const offsets: number[] = [];
  let size = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(size);
    const part = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n\n', 'latin1'),
    ]);
    parts.push(part);
    size += part.length;
  });
  const rows = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${rows}` +
        `\ntrailer\n${trailer.replace('SIZE', String(objects.length + 1))}\n\nstartxref\n${size}\n%%EOF`,
      'latin1',
    ),
  );
  return Buffer.concat(parts);
}

const catalog = '<<\n/Type /Catalog\n/Pages 2 0 R\n>>';
const pages = '<<\n/Type /Pages\n/Kids [ ]\n/Count 0\n>>';

function stream(dict: string, contents: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`<<\n${dict}\n/Length ${contents.length}\n>>\nstream\n`, 'latin1'),
    contents,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

function refusal(bytes: Uint8Array): string {
  try {
    checkDocumentShape(bytes);
  } catch (error) {
    if (error instanceof DocumentShapeError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('document shape before parsing', () => {
  it('accepts issued documents, one page and several, and a minimal file in the same layout', async () => {
    expect(refusal(single.pdf)).toBe('accepted');
    expect(refusal(multi.pdf)).toBe('accepted');
    expect(multi.pageCount).toBeGreaterThan(2);
    expect(refusal(layout([catalog, pages, stream('/Filter /FlateDecode', deflateSync(Buffer.from('q Q')))]))).toBe('accepted');
  });

  it('refuses an object stream whose contents are deflated twice (the nested-deflate bomb), and an xref stream', () => {
    const bomb = deflateSync(deflateSync(Buffer.alloc(8 << 20)));
    expect(refusal(layout([catalog, pages, stream('/Type /ObjStm\n/N 1\n/First 0\n/Filter [ /FlateDecode /FlateDecode ]', bomb)]))).toMatch(
      /ObjStm/,
    );
    expect(refusal(layout([catalog, pages, stream('/Type /XRef\n/W [ 1 2 1 ]', Buffer.alloc(8))]))).toMatch(/XRef/);
  });

  it('refuses a name spelled with #xx escapes (pdf-lib would read /Obj#53tm as /ObjStm)', () => {
    expect(refusal(layout([catalog, pages, stream('/Type /Obj#53tm\n/N 1\n/First 0', Buffer.alloc(8))]))).toMatch(/escaped name/);
  });

  it('refuses a filter array, a filter other than FlateDecode, and decode parameters, on any stream', () => {
    expect(refusal(layout([catalog, pages, stream('/Filter [ /FlateDecode ]', deflateSync(Buffer.from('q Q')))]))).toMatch(/filter/);
    expect(refusal(layout([catalog, pages, stream('/Filter /LZWDecode', Buffer.alloc(8))]))).toMatch(/filter/);
    expect(
      refusal(layout([catalog, pages, stream('/Filter /FlateDecode\n/DecodeParms << /Predictor 12 >>', deflateSync(Buffer.from('q Q')))])),
    ).toMatch(/DecodeParms/);
  });

  it(`refuses dictionaries and arrays nested deeper than ${MAX_NESTING}, at once however deep the file goes`, () => {
    const nested = (depth: number) => `<<\n/Type /Catalog\n/Pages 2 0 R\n/X ${'['.repeat(depth)}${']'.repeat(depth)}\n>>`;
    expect(refusal(layout([nested(MAX_NESTING - 1), pages]))).toBe('accepted');
    expect(refusal(layout([nested(MAX_NESTING), pages]))).toMatch(/nested deeper/);
    expect(refusal(layout([nested(1_000_000), pages]))).toMatch(/nested deeper/);
  });

  it(`refuses more than ${MAX_OBJECTS} objects, and a file over ${MAX_DOCUMENT_BYTES} bytes`, () => {
    const many = [catalog, pages, ...Array.from({ length: MAX_OBJECTS - 1 }, () => 'null')];
    expect(refusal(layout(many))).toMatch(/more than/);
    expect(refusal(layout(many.slice(0, MAX_OBJECTS)))).toBe('accepted');
    expect(refusal(new Uint8Array(MAX_DOCUMENT_BYTES + 1))).toMatch(/larger than/);
  });

  it(`refuses more than ${MAX_SYNTAX_BYTES} bytes of syntax outside streams, but not large stream contents`, () => {
    const numbers = `[ ${'1 '.repeat(MAX_SYNTAX_BYTES / 2)}]`;
    expect(refusal(layout([catalog, pages, numbers]))).toMatch(/outside stream contents/);
    expect(refusal(layout([catalog, pages, stream('', Buffer.alloc(2 * MAX_SYNTAX_BYTES, 0x31))]))).toBe('accepted');
  });

  it('refuses objects out of order or repeated (a second copy that viewers and pdf-lib would read differently)', () => {
    const text = layout([catalog, pages]).toString('latin1').replace('2 0 obj', '1 0 obj');
    expect(refusal(Buffer.from(text, 'latin1'))).toMatch(/out of order/);
  });

  it('refuses bytes after %%EOF, a comment, a stream without a direct length, and a length past the end', async () => {
    expect(refusal(Buffer.concat([single.pdf, Buffer.from('\n', 'latin1')]))).toMatch(/startxref/);
    expect(refusal(layout(['<<\n/Type /Catalog % a note\n/Pages 2 0 R\n>>', pages]))).toMatch(/comment/);
    expect(refusal(layout([catalog, pages, Buffer.from('<<\n/Length 3 0 R\n>>\nstream\nq Q\nendstream', 'latin1')]))).toMatch(
      /direct \/Length/,
    );
    expect(refusal(layout([catalog, pages, Buffer.from('<<\n/Length 99999\n>>\nstream\nq Q\nendstream', 'latin1')]))).toMatch(
      /past the end/,
    );
  });

  it("refuses what pdf-lib itself writes by default (object streams): only the renderer's layout is a document", async () => {
    const doc = await PDFDocument.load(single.pdf, { updateMetadata: false });
    expect(refusal(await doc.save())).toMatch(/ObjStm|XRef/);
  });

  it('refuses truncations of an issued document wherever they cut', () => {
    for (const at of [0, 5, 100, Math.floor(single.pdf.length / 2), single.pdf.length - 1])
      expect(refusal(single.pdf.subarray(0, at))).not.toBe('accepted');
  });
});

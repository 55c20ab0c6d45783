/**
 * The last hop before paper (docs/misissuance.md#r4). A document is printed only if:
 * the center signed its binding; the binding names THIS issuance, THIS certificate type and THIS
 * card's certificate; the bytes are the bytes the center hashed; and every page of the PDF carries
 * this request's issue number with its own `n/N`. Anything else: do not print, refund, report.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import { DocumentBinding, type CertificateType, type DeliveredDocument } from '@madoguchi/shared';
import { PDFDocument } from 'pdf-lib';
import { extractText, getDocumentProxy } from 'unpdf';

export interface ExpectedDocument {
  issuanceId: string;
  certificateType: CertificateType;
  authCertificateDer: Uint8Array;
  centerPublicKey: KeyObject;
}

export type DocumentCheck = { ok: true; binding: DocumentBinding; pdf: Uint8Array } | { ok: false; reason: string };

export async function checkDeliveredDocument(doc: DeliveredDocument, expected: ExpectedDocument): Promise<DocumentCheck> {
  const fail = (reason: string): DocumentCheck => ({ ok: false, reason });
  const bindingBytes = Buffer.from(doc.bindingJson, 'utf8');
  if (!verify(null, bindingBytes, expected.centerPublicKey, Buffer.from(doc.bindingSignature, 'base64')))
    return fail('binding signature does not verify with the center key');
  let signed: DocumentBinding;
  try {
    signed = DocumentBinding.parse(JSON.parse(doc.bindingJson));
  } catch {
    return fail('binding is not a DocumentBinding');
  }
  if (signed.issuanceId !== expected.issuanceId) return fail('binding belongs to another issuance');
  if (signed.certificateType !== expected.certificateType) return fail('binding is for another certificate type');
  if (signed.authCertificateSha256 !== sha256(expected.authCertificateDer)) return fail('binding is for another card');
  const pdf = Uint8Array.from(Buffer.from(doc.pdf, 'base64'));
  if (sha256(pdf) !== signed.documentSha256) return fail('document bytes differ from what the center signed');
  if (signed.pageIssueNumbers.length !== signed.pageCount) return fail('page issue numbers do not match the page count');

  let pageCount: number;
  try {
    pageCount = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
  } catch {
    return fail('document is not a readable PDF');
  }
  if (pageCount !== signed.pageCount) return fail(`document has ${pageCount} pages, binding says ${signed.pageCount}`);

  // pdf.js transfers (detaches) the buffer it is given: hand it a copy, keep ours for the printer.
  const proxy = await getDocumentProxy(pdf.slice());
  const { text } = await extractText(proxy, { mergePages: false }).finally(() => void proxy.destroy());
  const pages = Array.isArray(text) ? text : [text];
  for (let i = 0; i < pageCount; i++) {
    const want = signed.pageIssueNumbers[i]!;
    if (!want.startsWith(signed.issueNumber) || !want.endsWith(`${i + 1}/${pageCount}`))
      return fail(`page ${i + 1} issue number is not ${signed.issueNumber} ${i + 1}/${pageCount}`);
    if (!squash(pages[i] ?? '').includes(squash(want))) return fail(`page ${i + 1} does not carry its issue number`);
  }
  return { ok: true, binding: signed, pdf };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function squash(s: string): string {
  return s.replace(/\s+/g, '');
}

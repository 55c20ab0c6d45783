/**
 * What a kiosk checks before printing, done here with the center's published key, and PDF text
 * extraction (pdf.js via unpdf) to see whose certificate a document really is.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { extractText, getDocumentProxy } from 'unpdf';
import { DocumentBinding, pageIssueNumber, type DeliveredDocument } from '@madoguchi/shared';

export function checkDelivered(
  document: DeliveredDocument,
  centerPublicKeyPem: string,
  expected: { authCertificateSha256: string; issuanceId: string },
): { pdf: Buffer; binding: DocumentBinding } {
  const ok = verify(
    null,
    Buffer.from(document.bindingJson, 'utf8'),
    createPublicKey(centerPublicKeyPem),
    Buffer.from(document.bindingSignature, 'base64'),
  );
  if (!ok) throw new Error('binding signature does not verify');
  const binding = DocumentBinding.parse(JSON.parse(document.bindingJson));
  const pdf = Buffer.from(document.pdf, 'base64');
  if (createHash('sha256').update(pdf).digest('hex') !== binding.documentSha256) throw new Error('PDF digest does not match the binding');
  if (binding.authCertificateSha256 !== expected.authCertificateSha256) throw new Error('document is bound to another card');
  if (binding.issuanceId !== expected.issuanceId) throw new Error('document belongs to another issuance');
  const pages = binding.pageIssueNumbers;
  if (pages.length !== binding.pageCount || pages.some((p, i) => p !== pageIssueNumber(binding.issueNumber, i + 1, binding.pageCount)))
    throw new Error('page issue numbers do not match');
  return { pdf, binding };
}

export async function pdfPageTexts(pdf: Uint8Array): Promise<string[]> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: false });
  await doc.destroy();
  return text.map((t) => t.replace(/\s+/g, ''));
}

/**
 * Verifies a certificate: the QR payload's signature, and for a whole PDF also that the content
 * hash in the signed payload matches the document's content. Tampered or unknown → not authentic.
 */
import type { KeyObject } from 'node:crypto';
import { PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { contentDigest } from './content-digest.js';
import { publicKeyMap, verifyPayload, type VerificationResult } from './signing.js';

export const VERIFICATION_CATALOG_KEY = 'MadoguchiVerification';

export interface DocumentVerifier {
  /** The signed claims of a QR payload (the reader compares them with the paper). */
  verifyPayload(payload: string): VerificationResult;
  /** A PDF as issued: signature and content hash. */
  verifyDocument(pdf: Uint8Array): Promise<VerificationResult>;
}

export function createDocumentVerifier(publicKeys: Record<string, KeyObject | string> | ReadonlyMap<string, KeyObject>): DocumentVerifier {
  const keys = publicKeys instanceof Map ? new Map(publicKeys) : publicKeyMap(publicKeys as Record<string, KeyObject | string>);
  return {
    verifyPayload: (payload) => verifyPayload(payload, keys),
    async verifyDocument(pdf) {
      let doc: PDFDocument;
      let payload: string | undefined;
      try {
        doc = await PDFDocument.load(pdf, { updateMetadata: false });
        const entry = doc.catalog.get(PDFName.of(VERIFICATION_CATALOG_KEY));
        payload = entry instanceof PDFString || entry instanceof PDFHexString ? entry.decodeText() : undefined;
      } catch {
        return { authentic: false, reason: 'malformed' };
      }
      if (!payload) return { authentic: false, reason: 'no-payload' };
      const result = verifyPayload(payload, keys);
      if (!result.authentic) return result;
      let digest: string;
      try {
        digest = contentDigest(doc);
      } catch {
        return { authentic: false, reason: 'malformed' };
      }
      return digest === result.claims.contentSha256 ? result : { authentic: false, reason: 'content-mismatch' };
    },
  };
}

/**
 * Verifies a certificate: the QR payload's signature, and for a whole PDF also that the content
 * hash in the signed payload matches the document's content, and that the one stream the hash
 * leaves out (the last page's last content stream) is exactly the QR code drawing rebuilt from the
 * payload. Any other stream flagged as the verification stream is a forgery. Tampered or unknown →
 * not authentic.
 */
import type { KeyObject } from 'node:crypto';
import { PDFBool, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, type PDFObject } from 'pdf-lib';
import { qrStream } from '../pdf/qr-code.js';
import { serializeDocument } from '../pdf/writer.js';
import { analyseContent, VERIFICATION_STREAM_KEY, type DocumentContent } from './content-digest.js';
import { payloadFromQrText, verificationQrRect, verificationUrl } from './qr-placement.js';
import { publicKeyMap, verifyPayload, type VerificationResult } from './signing.js';

export const VERIFICATION_CATALOG_KEY = 'MadoguchiVerification';
/** The verification page address the QR code points at (hashed into the content digest). */
export const VERIFICATION_BASE_URL_KEY = 'MadoguchiVerificationBaseUrl';

export interface DocumentVerifier {
  /** The signed claims of what a QR code holds: the verification URL or the bare payload (the reader compares them with the paper). */
  verifyPayload(qrText: string): VerificationResult;
  /** A PDF as issued: signature and content hash. */
  verifyDocument(pdf: Uint8Array): Promise<VerificationResult>;
}

export function createDocumentVerifier(publicKeys: Record<string, KeyObject | string> | ReadonlyMap<string, KeyObject>): DocumentVerifier {
  const keys = publicKeys instanceof Map ? new Map(publicKeys) : publicKeyMap(publicKeys as Record<string, KeyObject | string>);
  return {
    verifyPayload(qrText) {
      const payload = payloadFromQrText(qrText);
      return payload ? verifyPayload(payload, keys) : { authentic: false, reason: 'malformed' };
    },
    async verifyDocument(pdf) {
      let doc: PDFDocument;
      let payload: string | undefined;
      let baseUrl = '';
      try {
        doc = await PDFDocument.load(pdf, { updateMetadata: false });
        payload = catalogText(doc, VERIFICATION_CATALOG_KEY);
        baseUrl = catalogText(doc, VERIFICATION_BASE_URL_KEY) ?? '';
      } catch {
        return { authentic: false, reason: 'malformed' };
      }
      if (!payload) return { authentic: false, reason: 'no-payload' };
      const result = verifyPayload(payload, keys);
      if (!result.authentic) return result;
      // What pdf-lib parsed must be the whole file, byte for byte as the renderer writes it. pdf-lib
      // reads objects in file order and keeps the last copy of each, while viewers and printers
      // follow the cross-reference table: a file with a second copy of a content stream (or an
      // incremental update, or anything after %%EOF) can show one thing and hash to another. A
      // genuine document is exactly the renderer's serialisation of its objects, so anything else
      // is not authentic.
      if (!Buffer.from(serializeDocument(doc)).equals(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength))) return { authentic: false, reason: 'content-mismatch' };
      let content: DocumentContent;
      try {
        content = analyseContent(doc, baseUrl);
      } catch {
        return { authentic: false, reason: 'malformed' };
      }
      if (content.digest !== result.claims.contentSha256) return { authentic: false, reason: 'content-mismatch' };
      if (content.strayVerificationStreams !== 0) return { authentic: false, reason: 'content-mismatch' };
      const qrText = baseUrl ? verificationUrl(baseUrl, payload) : payload;
      const expected = qrStream(qrText, verificationQrRect(result.claims.municipalityCode));
      if (!isExactQrStream(content.verificationStream, expected)) return { authentic: false, reason: 'content-mismatch' };
      return result;
    },
  };
}

function catalogText(doc: PDFDocument, key: string): string | undefined {
  const entry = doc.catalog.get(PDFName.of(key));
  return entry instanceof PDFString || entry instanceof PDFHexString ? entry.decodeText() : undefined;
}

const QR_STREAM_KEYS = new Set(['/Length', `/${VERIFICATION_STREAM_KEY}`]);

/** The excluded stream: stored raw (no filter), flagged, and byte for byte the expected drawing. */
function isExactQrStream(stream: PDFObject | undefined, expected: Uint8Array): boolean {
  if (!(stream instanceof PDFRawStream)) return false;
  const keys = stream.dict.keys().map((k) => k.asString());
  if (keys.some((k) => !QR_STREAM_KEYS.has(k))) return false;
  if (stream.dict.get(PDFName.of(VERIFICATION_STREAM_KEY)) !== PDFBool.True) return false;
  return Buffer.from(stream.getContents()).equals(expected);
}

/**
 * Verifies a certificate: the QR payload's signature, and for a whole PDF also that the content
 * hash in the signed payload matches the document's content, and that the one stream the hash
 * leaves out (the last page's last content stream) is exactly the QR code drawing rebuilt from the
 * payload. Any other stream flagged as the verification stream is a forgery. Tampered or unknown →
 * not authentic.
 *
 * A file that is not shaped like an issued document (document-shape.ts), or whose page tree is not
 * the flat one the renderer writes, is refused (VERIFICATION_DOCUMENT_REFUSED) before the work it
 * would cause: this runs on uploads from anyone. The center runs it in a worker thread with a
 * deadline and a memory limit (verification-pool.ts); the offline CLI runs it in its own process.
 */
import type { KeyObject } from 'node:crypto';
import { MadoguchiError } from '@madoguchi/shared';
import {
  ParseSpeeds,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFString,
  type PDFObject,
} from 'pdf-lib';
import { qrStream } from '../pdf/qr-code.js';
import { serializeDocument } from '../pdf/writer.js';
import { analyseContent, VERIFICATION_STREAM_KEY, type DocumentContent } from './content-digest.js';
import { checkDocumentShape, DocumentShapeError } from './document-shape.js';
import { payloadFromQrText, verificationQrRect, verificationUrl } from './qr-placement.js';
import { publicKeyMap, verifyPayload, type VerificationResult } from './signing.js';

export const VERIFICATION_CATALOG_KEY = 'MadoguchiVerification';
/** The verification page address the QR code points at (hashed into the content digest). */
export const VERIFICATION_BASE_URL_KEY = 'MadoguchiVerificationBaseUrl';

export interface DocumentVerifier {
  /** The signed claims of what a QR code holds: the verification URL or the bare payload (the reader compares them with the paper). */
  verifyPayload(qrText: string): VerificationResult;
  /**
   * A PDF as issued: signature and content hash. Rejects with a MadoguchiError
   * (VERIFICATION_DOCUMENT_REFUSED) for a file no issued document looks like.
   */
  verifyDocument(pdf: Uint8Array): Promise<VerificationResult>;
  /** Releases what the verifier holds (worker threads); the in-process verifier holds nothing. */
  close?(): Promise<void>;
}

function refused(detail: string): MadoguchiError {
  return new MadoguchiError('VERIFICATION_DOCUMENT_REFUSED', detail);
}

export function createDocumentVerifier(publicKeys: Record<string, KeyObject | string> | ReadonlyMap<string, KeyObject>): DocumentVerifier {
  const keys = publicKeys instanceof Map ? new Map(publicKeys) : publicKeyMap(publicKeys as Record<string, KeyObject | string>);
  return {
    verifyPayload(qrText) {
      const payload = payloadFromQrText(qrText);
      return payload ? verifyPayload(payload, keys) : { authentic: false, reason: 'malformed' };
    },
    async verifyDocument(pdf) {
      try {
        checkDocumentShape(pdf);
      } catch (error) {
        if (error instanceof DocumentShapeError) throw refused(error.message);
        throw error;
      }
      let doc: PDFDocument;
      let payload: string | undefined;
      let baseUrl = '';
      try {
        // Fastest: no pause every 100 objects (the shape check bounds the count; the caller bounds
        // the time). Invalid objects are errors rather than something to scan past for "endobj".
        doc = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest, throwOnInvalidObject: true });
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
      if (!Buffer.from(serializeDocument(doc)).equals(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength)))
        return { authentic: false, reason: 'content-mismatch' };
      const pageTree = flatPageTreeRefusal(doc);
      if (pageTree) throw refused(pageTree);
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

const PAGES = PDFName.of('Pages');
const KIDS = PDFName.of('Kids');
const COUNT = PDFName.of('Count');
const TYPE = PDFName.of('Type');
const PARENT = PDFName.of('Parent');
const PAGE = PDFName.of('Page');

/**
 * The renderer writes one /Pages node whose /Kids are the pages. pdf-lib's page walk follows /Kids
 * wherever they lead, so a tree that repeats a node (40 nodes, each listing the next twice: 2^40
 * pages) would take forever: anything but the flat tree is refused before pages are walked.
 */
function flatPageTreeRefusal(doc: PDFDocument): string | undefined {
  const rootRef = doc.catalog.get(PAGES);
  const root = rootRef instanceof PDFRef ? doc.context.lookup(rootRef) : undefined;
  if (!(root instanceof PDFDict) || root.has(PARENT)) return 'the page tree root is not a /Pages dictionary of its own';
  const kids = root.get(KIDS);
  if (!(kids instanceof PDFArray) || kids.size() === 0) return 'the page tree root lists no pages';
  const count = root.get(COUNT);
  if (!(count instanceof PDFNumber) || count.asNumber() !== kids.size()) return 'the page count is not the number of pages';
  const seen = new Set<string>();
  for (const kid of kids.asArray()) {
    if (!(kid instanceof PDFRef) || seen.has(kid.tag)) return 'a page is listed twice or not by reference';
    seen.add(kid.tag);
    const page = doc.context.lookup(kid);
    if (!(page instanceof PDFDict) || page.get(TYPE) !== PAGE || page.get(PARENT) !== rootRef)
      return 'the page tree is not the flat tree an issued document has';
  }
  return undefined;
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

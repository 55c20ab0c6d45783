/**
 * Stream helpers. Each zlib call costs ~0.2 ms of setup whatever the size, so per-request streams
 * are stored uncompressed; cached images carry bytes deflated once.
 */
import { PDFRawStream, type PDFContext } from 'pdf-lib';

export type PdfLiteral = NonNullable<Parameters<PDFContext['stream']>[1]>;

/** A stream whose bytes were deflated earlier (cached images). */
export function precompressedStream(context: PDFContext, compressed: Uint8Array, extra: PdfLiteral = {}): PDFRawStream {
  return PDFRawStream.of(context.obj({ Filter: 'FlateDecode', ...extra }), compressed);
}

export function plainStream(context: PDFContext, raw: Uint8Array, extra: PdfLiteral = {}): PDFRawStream {
  return PDFRawStream.of(context.obj({ ...extra }), raw);
}

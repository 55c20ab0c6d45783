/**
 * Stream helpers. Each zlib call costs ~0.2 ms of setup whatever the size, so only the big streams
 * (font programs, page content) are compressed. The renderer remembers the bytes it compressed, so
 * the content digest need not inflate them again (a verifier reading a file does inflate).
 */
import { deflateSync } from 'node:zlib';
import { PDFRawStream, type PDFContext } from 'pdf-lib';

export type PdfLiteral = NonNullable<Parameters<PDFContext['stream']>[1]>;

const decoded = new WeakMap<PDFRawStream, Uint8Array>();

export function knownDecodedBytes(stream: PDFRawStream): Uint8Array | undefined {
  return decoded.get(stream);
}

export function flateStream(context: PDFContext, raw: Uint8Array, extra: PdfLiteral = {}): PDFRawStream {
  const stream = PDFRawStream.of(context.obj({ Filter: 'FlateDecode', ...extra }), deflateSync(raw, { level: 1 }));
  decoded.set(stream, raw);
  return stream;
}

/** A stream whose compressed bytes were made earlier (cached images). */
export function precompressedStream(context: PDFContext, compressed: Uint8Array, raw: Uint8Array, extra: PdfLiteral = {}): PDFRawStream {
  const stream = PDFRawStream.of(context.obj({ Filter: 'FlateDecode', ...extra }), compressed);
  decoded.set(stream, raw);
  return stream;
}

export function plainStream(context: PDFContext, raw: Uint8Array, extra: PdfLiteral = {}): PDFRawStream {
  return PDFRawStream.of(context.obj({ ...extra }), raw);
}

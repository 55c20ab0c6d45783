/**
 * Serialises a document exactly as pdf-lib's `PDFWriter` does (`doc.save({ useObjectStreams: false,
 * addDefaultPage: false })` on a document with nothing pending: same header, objects in ascending
 * number, xref, trailer — byte for byte), in one synchronous pass. pdf-lib measures every object
 * twice and copies stream contents a byte at a time; here small objects are written as text and
 * stream contents (the font program, content streams, the QR drawing) with one `set`.
 */
import { PDFCrossRefSection, PDFHeader, PDFName, PDFNumber, PDFRawStream, PDFTrailer, PDFTrailerDict, type PDFDocument } from 'pdf-lib';

const LENGTH = PDFName.of('Length');

export function serializeDocument(doc: PDFDocument): Uint8Array {
  const context = doc.context;
  const xref = PDFCrossRefSection.create();
  // Text runs between stream contents; every string is latin1 (one byte per code unit, the low
  // byte — what pdf-lib's copyStringIntoBuffer writes).
  const parts: (string | Uint8Array)[] = [];
  let text = `${PDFHeader.forVersion(1, 7).toString()}\n\n`;
  let size = 0;
  for (const [ref, object] of context.enumerateIndirectObjects()) {
    xref.addEntry(ref, size + text.length);
    text += `${ref.objectNumber} ${ref.generationNumber} obj\n`;
    if (object instanceof PDFRawStream) {
      const contents = object.getContents();
      object.dict.set(LENGTH, PDFNumber.of(contents.length));
      text += `${object.dict.toString()}\nstream\n`;
      parts.push(text, contents);
      size += text.length + contents.length;
      text = '\nendstream';
    } else {
      text += object.toString();
    }
    text += '\nendobj\n\n';
  }
  const xrefOffset = size + text.length;
  text += `${xref.toString()}\n`;
  const trailerDict = PDFTrailerDict.of(
    context.obj({
      Size: context.largestObjectNumber + 1,
      Root: context.trailerInfo.Root,
      Encrypt: context.trailerInfo.Encrypt,
      Info: context.trailerInfo.Info,
      ID: context.trailerInfo.ID,
    }),
  );
  text += `${trailerDict.toString()}\n\n${PDFTrailer.forLastCrossRefSectionOffset(xrefOffset).toString()}`;
  parts.push(text);
  size += text.length;

  const out = new Uint8Array(size);
  const view = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  let offset = 0;
  for (const part of parts) {
    if (typeof part === 'string') offset += view.write(part, offset, 'latin1');
    else {
      out.set(part, offset);
      offset += part.length;
    }
  }
  if (offset !== size) throw new Error(`PDF serialisation wrote ${offset} of ${size} bytes`);
  return out;
}

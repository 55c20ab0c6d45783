/**
 * What an upload must look like before any PDF parser sees it. A genuine document is exactly the
 * renderer's serialisation (`pdf/writer.ts`): the 1.7 header, indirect objects numbered upwards,
 * each `N 0 obj … endobj`, streams with a direct /Length, one classic xref table, a trailer and
 * `%%EOF` as the last bytes. Its objects nest three levels deep, its only filter is a single
 * /FlateDecode on the seal image, and it has neither object streams nor xref streams.
 *
 * pdf-lib inflates object streams and xref streams while it loads (chained filters included), its
 * page tree walk follows /Kids wherever they lead, and it interns every name it reads for the life
 * of the process: so a 10 KB upload can cost gigabytes or minutes. This scan is linear, reads only
 * the bytes outside stream contents (those it skips by /Length, as pdf-lib does), and refuses
 * anything a genuine document never has — so what reaches pdf-lib is bounded in size, object
 * count and depth, and holds nothing that pdf-lib would inflate.
 *
 * The scan decides nothing about authenticity: the verifier still requires the whole file to be
 * the renderer's serialisation of what pdf-lib parsed, and the signed content hash.
 */
import { PDFHeader } from 'pdf-lib';

/** Issued documents are 55–100 KB (the 4-page 戸籍 is the largest); this leaves room for ~40x. */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** An issued document has ~13 objects plus 2 per page. */
export const MAX_OBJECTS = 2048;
/**
 * Bytes of PDF syntax, outside stream contents: what pdf-lib tokenises, at ~3 µs a number (a
 * well-formed 4 MB file of numbers took 5.7 s and 97 MB). Issued documents have 3–4 KB.
 */
export const MAX_SYNTAX_BYTES = 128 * 1024;
/** Dictionaries and arrays inside each other: 3 in an issued document. */
export const MAX_NESTING = 8;
/** Longest name or number token (the longest name written is /MadoguchiVerificationBaseUrl). */
const MAX_TOKEN = 127;

const HEADER = Buffer.from(`${PDFHeader.forVersion(1, 7).toString()}\n\n`, 'latin1');
const OBJ_START = Buffer.from(' 0 obj\n', 'latin1');
const OBJ_END = Buffer.from('\nendobj\n\n', 'latin1');
const STREAM_START = Buffer.from('\nstream\n', 'latin1');
const STREAM_END = Buffer.from('\nendstream', 'latin1');
const XREF = Buffer.from('xref\n', 'latin1');
const TRAILER = Buffer.from('trailer\n', 'latin1');
const TAIL = /^\n\nstartxref\n\d{1,10}\n%%EOF$/;

/** Names that make pdf-lib decode a stream while loading (object and cross-reference streams). */
const DECODED_ON_LOAD = new Set(['/ObjStm', '/XRef']);

const enum Byte {
  Nul = 0x00,
  Tab = 0x09,
  Lf = 0x0a,
  Ff = 0x0c,
  Cr = 0x0d,
  Space = 0x20,
  ParenOpen = 0x28,
  ParenClose = 0x29,
  Percent = 0x25,
  Slash = 0x2f,
  Less = 0x3c,
  Greater = 0x3e,
  BracketOpen = 0x5b,
  BracketClose = 0x5d,
  BraceOpen = 0x7b,
  BraceClose = 0x7d,
  Backslash = 0x5c,
  Hash = 0x23,
}

function isWhitespace(b: number): boolean {
  return b === Byte.Space || b === Byte.Lf || b === Byte.Cr || b === Byte.Tab || b === Byte.Ff || b === Byte.Nul;
}

function isDelimiter(b: number): boolean {
  return (
    b === Byte.ParenOpen ||
    b === Byte.ParenClose ||
    b === Byte.Less ||
    b === Byte.Greater ||
    b === Byte.BracketOpen ||
    b === Byte.BracketClose ||
    b === Byte.BraceOpen ||
    b === Byte.BraceClose ||
    b === Byte.Slash ||
    b === Byte.Percent
  );
}

/** Why the shape check refused a file (the text is for the uploader and the log: no content). */
export class DocumentShapeError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} (at byte ${offset})`);
    this.name = 'DocumentShapeError';
  }
}

type Value = { kind: 'dict'; length?: number } | { kind: 'name'; name: string } | { kind: 'other' };

class Scanner {
  pos = 0;
  /** Stream contents skipped so far (not syntax). */
  private streamBytes = 0;
  /** The same bytes as a Buffer, for latin1 slices without a copy per token. */
  private readonly text: Buffer;
  constructor(private readonly bytes: Uint8Array) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  refuse(reason: string): never {
    throw new DocumentShapeError(reason, this.pos);
  }

  startsWith(expected: Uint8Array, at = this.pos): boolean {
    if (at + expected.length > this.bytes.length) return false;
    for (let i = 0; i < expected.length; i++) if (this.bytes[at + i] !== expected[i]) return false;
    return true;
  }

  expect(expected: Uint8Array, what: string): void {
    if (!this.startsWith(expected)) this.refuse(`expected ${what}`);
    this.pos += expected.length;
  }

  private skipWhitespace(): void {
    while (this.pos < this.bytes.length && isWhitespace(this.bytes[this.pos]!)) this.pos++;
    if (this.bytes[this.pos] === Byte.Percent) this.refuse('a comment inside the document, which an issued document never has');
  }

  /** Digits only (object numbers, offsets). */
  unsignedInt(): number {
    const start = this.pos;
    while (this.pos < this.bytes.length && this.pos - start < 10 && this.bytes[this.pos]! >= 0x30 && this.bytes[this.pos]! <= 0x39)
      this.pos++;
    if (this.pos === start) this.refuse('expected an object number');
    return Number(this.text.toString('latin1', start, this.pos));
  }

  private token(): string {
    const start = this.pos;
    while (this.pos < this.bytes.length) {
      const b = this.bytes[this.pos]!;
      if (isWhitespace(b) || (isDelimiter(b) && this.pos > start)) break;
      if (b === Byte.Hash) this.refuse('an escaped name (#xx), which an issued document never has');
      this.pos++;
      if (this.pos - start > MAX_TOKEN) this.refuse('a name or number longer than any in an issued document');
    }
    return this.text.toString('latin1', start, this.pos);
  }

  /** After an integer: ` G R` makes it a reference; anything else leaves the position alone. */
  private referenceTail(): void {
    const at = this.pos;
    this.skipWhitespace();
    const generation = this.pos;
    while (this.pos < this.bytes.length && this.bytes[this.pos]! >= 0x30 && this.bytes[this.pos]! <= 0x39 && this.pos - generation < 5)
      this.pos++;
    if (this.pos > generation) {
      this.skipWhitespace();
      const next = this.bytes[this.pos + 1];
      if (this.bytes[this.pos] === 0x52 /* R */ && (next === undefined || isWhitespace(next) || isDelimiter(next))) {
        this.pos++;
        return;
      }
    }
    this.pos = at;
  }

  /** One PDF value; `depth` counts the dictionaries and arrays it sits in. */
  value(depth: number): Value {
    if (this.pos - this.streamBytes > MAX_SYNTAX_BYTES) this.refuse(`more than ${MAX_SYNTAX_BYTES} bytes outside stream contents`);
    this.skipWhitespace();
    if (this.pos >= this.bytes.length) this.refuse('the file ends inside an object');
    const b = this.bytes[this.pos]!;
    if (b === Byte.Less && this.bytes[this.pos + 1] === Byte.Less) return this.dict(depth + 1);
    if (b === Byte.Less) return this.hexString();
    if (b === Byte.BracketOpen) return this.array(depth + 1);
    if (b === Byte.ParenOpen) return this.literalString();
    if (b === Byte.Slash) {
      const name = this.token();
      if (DECODED_ON_LOAD.has(name)) this.refuse(`${name}: an issued document has no object or cross-reference streams`);
      return { kind: 'name', name };
    }
    if (isDelimiter(b)) this.refuse(`an unexpected "${String.fromCharCode(b)}"`);
    const word = this.token();
    if (/^\d+$/.test(word)) {
      this.referenceTail();
      return { kind: 'other' };
    }
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word) || word === 'true' || word === 'false' || word === 'null') return { kind: 'other' };
    return this.refuse('an unexpected keyword');
  }

  private nested(depth: number): void {
    if (depth > MAX_NESTING) this.refuse(`dictionaries and arrays nested deeper than ${MAX_NESTING}`);
  }

  private dict(depth: number): Value {
    this.nested(depth);
    this.pos += 2;
    let length: number | undefined;
    for (;;) {
      this.skipWhitespace();
      if (this.bytes[this.pos] === Byte.Greater && this.bytes[this.pos + 1] === Byte.Greater) {
        this.pos += 2;
        return { kind: 'dict', length };
      }
      if (this.bytes[this.pos] !== Byte.Slash) this.refuse('a dictionary key that is not a name');
      const key = this.value(depth);
      if (key.kind !== 'name') this.refuse('a dictionary key that is not a name');
      const valueAt = this.pos;
      const value = this.value(depth);
      if (key.name === '/Filter' && !(value.kind === 'name' && value.name === '/FlateDecode'))
        this.refuse('a filter other than a single /FlateDecode (an issued document chains none)');
      if (key.name === '/DecodeParms') this.refuse('/DecodeParms, which an issued document never has');
      if (key.name === '/Length' && value.kind === 'other') {
        const text = this.text.toString('latin1', valueAt, this.pos).trim();
        if (/^\d+$/.test(text)) length = Number(text);
      }
    }
  }

  private array(depth: number): Value {
    this.nested(depth);
    this.pos++;
    for (;;) {
      this.skipWhitespace();
      if (this.bytes[this.pos] === Byte.BracketClose) {
        this.pos++;
        return { kind: 'other' };
      }
      this.value(depth);
    }
  }

  private literalString(): Value {
    let open = 0;
    while (this.pos < this.bytes.length) {
      const b = this.bytes[this.pos++]!;
      if (b === Byte.Backslash) this.pos++;
      else if (b === Byte.ParenOpen) open++;
      else if (b === Byte.ParenClose && --open === 0) return { kind: 'other' };
    }
    return this.refuse('the file ends inside a string');
  }

  private hexString(): Value {
    this.pos++;
    while (this.pos < this.bytes.length) {
      const b = this.bytes[this.pos++]!;
      if (b === Byte.Greater) return { kind: 'other' };
      const hex = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
      if (!hex && !isWhitespace(b)) this.refuse('a hex string with a non-hex character');
    }
    return this.refuse('the file ends inside a hex string');
  }

  /** `<stream contents>` after `stream\n`, skipped by its /Length as pdf-lib skips it. */
  streamContents(length: number | undefined): void {
    if (length === undefined) this.refuse('a stream without a direct /Length');
    if (this.pos + length > this.bytes.length) this.refuse('a stream /Length past the end of the file');
    this.pos += length;
    this.streamBytes += length;
    this.expect(STREAM_END, 'endstream right after the stream contents');
  }

  get done(): boolean {
    return this.pos === this.bytes.length;
  }

  /** The rest of the file, if it is short enough to be the tail of a document. */
  get tail(): string | undefined {
    return this.bytes.length - this.pos <= 64 ? this.text.toString('latin1', this.pos) : undefined;
  }
}

/**
 * Throws DocumentShapeError for a file that is not laid out as the renderer writes documents, or
 * that holds something an issued document never has. Linear in the size of the file.
 */
export function checkDocumentShape(pdf: Uint8Array): void {
  if (pdf.byteLength > MAX_DOCUMENT_BYTES) throw new DocumentShapeError(`larger than ${MAX_DOCUMENT_BYTES} bytes`, 0);
  // Annotated, so calls to refuse() (never returns) narrow types below.
  const s: Scanner = new Scanner(pdf);
  s.expect(HEADER, 'the PDF 1.7 header an issued document starts with');
  let objects = 0;
  let lastNumber = 0;
  while (!s.startsWith(XREF)) {
    const number = s.unsignedInt();
    if (number <= lastNumber) s.refuse('objects out of order (an issued document numbers them upwards, each once)');
    lastNumber = number;
    if (++objects > MAX_OBJECTS) s.refuse(`more than ${MAX_OBJECTS} objects`);
    s.expect(OBJ_START, '"0 obj" after the object number');
    const value = s.value(0);
    if (s.startsWith(STREAM_START)) {
      if (value.kind !== 'dict') s.refuse('a stream without a dictionary');
      s.pos += STREAM_START.length;
      s.streamContents(value.length);
    }
    s.expect(OBJ_END, 'endobj');
  }
  if (objects === 0) s.refuse('no objects');
  s.pos += XREF.length;
  // The xref table: subsection headers and 20-byte rows, nothing else (its size follows from the
  // object count, so a table can be no longer than one row per object plus a header per object).
  const tableLimit = s.pos + (objects + 1) * 21 + (objects + 1) * 24;
  while (!s.startsWith(TRAILER)) {
    if (s.pos >= tableLimit || s.done) s.refuse('a cross-reference table longer than the objects need');
    const b = pdf[s.pos]!;
    const allowed = (b >= 0x30 && b <= 0x39) || b === Byte.Space || b === Byte.Lf || b === 0x6e /* n */ || b === 0x66; /* f */
    if (!allowed) s.refuse('something other than a cross-reference table after "xref"');
    s.pos++;
  }
  s.pos += TRAILER.length;
  if (s.value(0).kind !== 'dict') s.refuse('a trailer that is not a dictionary');
  if (!TAIL.test(s.tail ?? '')) s.refuse('anything but startxref and %%EOF after the trailer');
}

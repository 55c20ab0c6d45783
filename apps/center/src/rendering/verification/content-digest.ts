/**
 * The content hash a verification QR code signs: SHA-256 over everything a page shows — page
 * dictionaries, content streams, fonts, images and patterns reached from them, streams as stored
 * (encoded bytes plus their /Filter, so nothing is inflated) — except the verification stream
 * itself (which carries the QR code drawn from this very hash).
 *
 * The one stream left out is positional: the last /Contents entry of the last page, and only if it
 * carries the verification flag. Any other stream carrying the flag — on any page, in any position,
 * or reached through resources — is hashed like every other stream and also reported as stray, so
 * the verifier rejects it (a flagged overlay painting over the body must not escape the hash). The
 * verifier then requires the excluded stream to be exactly the QR drawing rebuilt from the signed
 * payload, so it can show nothing else.
 *
 * The same function runs on the renderer's in-memory document and on a PDF loaded back from bytes,
 * so one walk defines the hash for both sides.
 */
import { createHash, type Hash } from 'node:crypto';
import {
  PDFArray,
  PDFBool,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';

export const VERIFICATION_STREAM_KEY = 'MdgVerification';
const IGNORED_STREAM_KEYS = new Set(['/Length']);

// Names looked up once (PDFName.of decodes its argument on every call).
const VERIFICATION_NAME = PDFName.of(VERIFICATION_STREAM_KEY);
const PARENT = PDFName.of('Parent');
const CONTENTS = PDFName.of('Contents');
const NOTHING_IGNORED: ReadonlySet<string> = new Set();

export function isVerificationStream(obj: PDFObject | undefined): boolean {
  return obj instanceof PDFStream && obj.dict.get(VERIFICATION_NAME) !== undefined;
}

function storedStreamBytes(stream: PDFStream): Uint8Array {
  if (stream instanceof PDFRawStream) return stream.getContents();
  throw new Error('only raw streams are expected in issued documents');
}

const INHERITABLE = ['Resources', 'MediaBox', 'CropBox', 'Rotate'].map((key) => [key, PDFName.of(key)] as const);

function inherited(node: PDFDict, key: PDFName): PDFObject | undefined {
  const seen = new Set<PDFDict>([node]);
  let parent = node.lookupMaybe(PARENT, PDFDict);
  while (parent && !seen.has(parent)) {
    const value = parent.get(key);
    if (value !== undefined) return value;
    seen.add(parent);
    parent = parent.lookupMaybe(PARENT, PDFDict);
  }
  return undefined;
}

class Walker {
  private readonly seen = new Map<string, number>();
  /** Streams carrying the verification flag that were hashed (i.e. not the excluded one). */
  strayVerificationStreams = 0;
  constructor(
    private readonly doc: PDFDocument,
    private readonly hash: Hash,
  ) {}

  private pending = '';

  /** Small tokens are batched: one hash update per token costs more than the hashing. */
  private put(s: string): void {
    this.pending += s;
    if (this.pending.length > 4096) this.flush();
  }

  flush(): void {
    if (this.pending) this.hash.update(this.pending);
    this.pending = '';
  }

  private bytes(b: Uint8Array): void {
    this.flush();
    this.hash.update(b);
  }

  walk(obj: PDFObject | undefined): void {
    if (obj === undefined) return this.put('u;');
    if (obj instanceof PDFRef) {
      const key = obj.tag; // what toString() returns, without building it
      const n = this.seen.get(key);
      if (n !== undefined) return this.put(`r${n};`);
      this.seen.set(key, this.seen.size);
      this.put('R{');
      this.walk(this.doc.context.lookup(obj));
      return this.put('}');
    }
    if (obj instanceof PDFStream) {
      if (isVerificationStream(obj)) this.strayVerificationStreams++;
      this.put('S<');
      this.dictEntries(obj.dict, IGNORED_STREAM_KEYS);
      const bytes = storedStreamBytes(obj);
      this.put(`>${bytes.byteLength}:`);
      this.bytes(bytes);
      return this.put(';');
    }
    if (obj instanceof PDFDict) {
      this.put('D<');
      this.dictEntries(obj, NOTHING_IGNORED);
      return this.put('>');
    }
    if (obj instanceof PDFArray) {
      this.put('A[');
      for (let i = 0; i < obj.size(); i++) this.walk(obj.get(i));
      return this.put(']');
    }
    if (obj instanceof PDFName) return this.put(`N${obj.asString()};`);
    if (obj instanceof PDFNumber) return this.put(`n${obj.asNumber()};`);
    if (obj instanceof PDFString || obj instanceof PDFHexString) {
      const bytes = obj.asBytes();
      this.put(`s${bytes.byteLength}:`);
      this.bytes(bytes);
      return this.put(';');
    }
    if (obj instanceof PDFBool) return this.put(`b${obj.asBoolean()};`);
    if (obj === PDFNull) return this.put('z;');
    throw new Error(`unexpected PDF object ${obj.constructor.name}`);
  }

  private dictEntries(dict: PDFDict, ignored: ReadonlySet<string>): void {
    const all = dict.entries();
    const entries = ignored.size === 0 ? all : all.filter(([k]) => !ignored.has(k.asString()));
    entries.sort((a, b) => (a[0].asString() < b[0].asString() ? -1 : 1));
    for (const [k, v] of entries) {
      this.put(`${k.asString()}=`);
      this.walk(v);
    }
  }

  /** Walks one page; on the last page, returns the excluded verification stream (if it is there). */
  page(node: PDFDict, last: boolean): PDFObject | undefined {
    const entries = node.entries().filter(([k]) => k.asString() !== '/Parent' && k.asString() !== '/Contents');
    entries.sort((a, b) => (a[0].asString() < b[0].asString() ? -1 : 1));
    for (const [k, v] of entries) {
      this.put(`${k.asString()}=`);
      this.walk(v);
    }
    // Attributes a page inherits from its ancestors change what it shows (a /CropBox or /Rotate on
    // the page tree root would crop or turn every page): hashed like the page's own entries.
    for (const [key, name] of INHERITABLE) {
      if (node.has(name)) continue;
      const value = inherited(node, name);
      if (value === undefined) continue;
      this.put(`^/${key}=`);
      this.walk(value);
    }
    const contents = node.get(CONTENTS);
    const refs = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
    let excluded: PDFObject | undefined;
    if (last && refs.length > 0) {
      const tail = refs[refs.length - 1]!;
      const stream = tail instanceof PDFRef ? this.doc.context.lookup(tail) : tail;
      if (isVerificationStream(stream)) {
        excluded = stream;
        refs.pop();
      }
    }
    this.put('C[');
    for (const ref of refs) this.walk(ref);
    this.put(']');
    return excluded;
  }
}

export interface DocumentContent {
  /** SHA-256 (hex) of everything the pages show except the excluded verification stream. */
  digest: string;
  /** The last page's last content stream, when it carries the verification flag. */
  verificationStream?: PDFObject;
  /** Other streams carrying the verification flag (a genuine document has none). */
  strayVerificationStreams: number;
}

/**
 * `verifyBaseUrl` (where the QR code points) is hashed first, so the printed address is bound by the
 * signature like the rest of the page. '' for documents whose QR code holds the bare payload.
 */
export function analyseContent(doc: PDFDocument, verifyBaseUrl = ''): DocumentContent {
  const hash = createHash('sha256');
  const walker = new Walker(doc, hash);
  const pages = doc.getPages();
  if (verifyBaseUrl) hash.update(`verify:${Buffer.byteLength(verifyBaseUrl)}:${verifyBaseUrl};`);
  hash.update(`pages:${pages.length};`);
  let verificationStream: PDFObject | undefined;
  pages.forEach((p, i) => {
    walker.flush();
    hash.update(`page:${i};`);
    const excluded = walker.page(p.node, i === pages.length - 1);
    if (excluded) verificationStream = excluded;
  });
  walker.flush();
  return { digest: hash.digest('hex'), verificationStream, strayVerificationStreams: walker.strayVerificationStreams };
}

export function contentDigest(doc: PDFDocument, verifyBaseUrl = ''): string {
  return analyseContent(doc, verifyBaseUrl).digest;
}

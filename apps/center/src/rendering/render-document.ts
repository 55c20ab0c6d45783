/**
 * One certificate, start to finish, in the calling thread: template → blocks → pages → PDF with
 * subset fonts, background, seal, and the signed verification QR code. Everything is derived from
 * `input` alone; the only process-level state is read-only (parsed fonts, decoded seal images).
 */
import { formatEraDate, pageIssueNumber, type RenderInput } from '@madoguchi/shared';
import { createHash } from 'node:crypto';
import { PDFDocument, PDFName, PDFString, type PDFRef } from 'pdf-lib';
import { MAIN_FONT, MJ_FONT, type FontSet } from './fonts/font-set.js';
import type { SubsetStrategy } from './fonts/font-face.js';
import { fit, type Block, type Geometry } from './layout/blocks.js';
import { FRAME, layoutFor, mm } from './layout/layout-profile.js';
import { paginate } from './layout/paginate.js';
import { backgroundPatterns, drawBackground } from './pdf/background.js';
import { ContentBuilder, GlyphUsage, type CidMapper } from './pdf/content-builder.js';
import { decodeInkImage, embedInkImage, type InkImage } from './pdf/ink-image.js';
import { embedFont } from './pdf/pdf-font.js';
import { plainStream } from './pdf/streams.js';
import { qrStream } from './pdf/qr-code.js';
import { serializeDocument } from './pdf/writer.js';
import { applyTemplate } from './templates/index.js';
import { contentDigest, VERIFICATION_STREAM_KEY } from './verification/content-digest.js';
import { DEFAULT_VERIFY_BASE_URL, normaliseVerifyBaseUrl, PAGE_H, PAGE_W, verificationQrRect, verificationUrl } from './verification/qr-placement.js';
import { VERIFICATION_BASE_URL_KEY, VERIFICATION_CATALOG_KEY } from './verification/document-verifier.js';
import type { VerificationSigner } from './verification/signing.js';

export interface RenderedDocument {
  pdf: Uint8Array;
  pageCount: number;
  pageIssueNumbers: string[];
  contentSha256: string;
}

export interface RenderEnvironment {
  fonts: FontSet;
  signer: VerificationSigner;
  /** Public address of the verification page the QR code points at (center configuration). */
  verifyBaseUrl?: string;
}

export interface RenderDocumentOptions {
  /** 'full' embeds whole fonts: only for the glyph-integrity reference render in tests. */
  fontMode?: 'subset' | 'full';
  /** Benchmark hook: receives the wall time of each phase. */
  phases?: (phase: string, ms: number) => void;
  /** Content key of `input.policy.officialSealPng` when the caller has one (the render workers): the decoded-image cache key. */
  officialSealKey?: string;
}

export { verificationQrRect } from './verification/qr-placement.js';

const RESOURCES = PDFName.of('Resources');
const CONTENTS = PDFName.of('Contents');

export async function renderDocument(input: RenderInput, env: RenderEnvironment, options: RenderDocumentOptions = {}): Promise<RenderedDocument> {
  let mark = performance.now();
  const phase = (name: string) => {
    if (!options.phases) return;
    const now = performance.now();
    options.phases(name, now - mark);
    mark = now;
  };
  const profile = layoutFor(input.municipality.code);
  const margin = mm(profile.marginMm);
  const g: Geometry = { left: margin, right: PAGE_W - margin, profile, labelWidth: mm(profile.labelWidthMm) };
  const usage = new GlyphUsage();
  const measure = new ContentBuilder(env.fonts, usage);
  const images = new Map<string, InkImage>();
  images.set('Seal', decodeInkImage(input.policy.officialSealPng, options.officialSealKey));

  const t = applyTemplate({ c: measure, g, input, images }, input.data);

  // Frame geometry: title band, body, certification block on the last page.
  const titleY = PAGE_H - margin - profile.titleSize;
  const bodyTop = titleY - FRAME.titleGap;
  const bodyBottom = margin + FRAME.bodyBottomPad;
  const sealSize = mm(profile.sealSizeMm);
  const qrSize = mm(profile.qrSizeMm);
  const certHeight = Math.max(qrSize + FRAME.certBelowQr, FRAME.certAboveSeal + sealSize);
  const headerHeight = t.header.reduce((s, b) => s + b.height, 0);
  phase('template');
  const pages = paginate(t.body, bodyTop - bodyBottom, headerHeight, certHeight);
  const pageCount = pages.length;
  const pageIssueNumbers = pages.map((_, i) => pageIssueNumber(input.issueNumber, i + 1, pageCount));

  const title = fit(measure, t.title, g.right - g.left, profile.titleSize, profile.minTextSize, 'title');
  const certText = fit(measure, t.certification, g.right - g.left, profile.bodySize + FRAME.certSizeStep, profile.minTextSize, 'certification');
  const dateText = fit(measure, formatEraDate(input.issuedOn), g.right - g.left, profile.bodySize + FRAME.certSizeStep, profile.minTextSize, 'issuedOn');
  const m = input.municipality;
  const headText = fit(measure, `${m.prefecture}${m.head.title}\u3000${m.head.name}`, (g.right - g.left) * FRAME.headWidthShare, profile.bodySize + FRAME.headSizeStep, profile.minTextSize, 'head');
  const sealNote = fit(measure, input.policy.fixedTexts.sealNote, sealSize * FRAME.sealNoteWidthFactor, profile.labelSize, profile.minTextSize, 'sealNote');

  const builders: ContentBuilder[] = [];
  for (let i = 0; i < pageCount; i++) {
    const c = new ContentBuilder(env.fonts, usage);
    drawBackground(c, PAGE_W, PAGE_H);
    c.glyphRun(title.glyphs, (PAGE_W - title.width) / 2, titleY, title.size);
    const issue = fit(c, pageIssueNumbers[i]!, g.right - g.left, profile.labelSize + FRAME.issueSizeStep, profile.minTextSize, 'issueNumber');
    const issueY = profile.issueNumberAt === 'top' ? PAGE_H - margin / 2 - issue.size : margin / 2 - FRAME.issueBottomDrop;
    c.glyphRun(issue.glyphs, g.right - issue.width, issueY, issue.size);
    let y = bodyTop;
    const place = (b: Block) => {
      b.draw(c, y);
      y -= b.height;
    };
    t.header.forEach(place);
    pages[i]!.forEach(place);
    if (i === pageCount - 1) {
      const top = y - FRAME.certTopGap;
      c.glyphRun(certText.glyphs, g.left, top - certText.size - FRAME.certBaselineGap, certText.size);
      c.glyphRun(dateText.glyphs, g.left + 2 * dateText.size, top - certText.size - dateText.size - FRAME.dateGap, dateText.size);
      const headBaseline = top - FRAME.headDrop;
      const headRight = g.right - sealSize * FRAME.headRightOfSeal;
      c.glyphRun(headText.glyphs, headRight - headText.width, headBaseline, headText.size);
      const sealX = headRight - sealSize * FRAME.sealOverName;
      const sealY = headBaseline + headText.size * FRAME.sealCentreOnName - sealSize / 2;
      c.image('Seal', sealX, sealY, sealSize, sealSize);
      c.glyphRun(sealNote.glyphs, g.right - sealNote.width, sealY - sealNote.size - FRAME.sealNoteGap, sealNote.size);
    }
    builders.push(c);
  }

  phase('draw');
  const doc = await PDFDocument.create({ updateMetadata: false });
  const context = doc.context;
  const strategy: SubsetStrategy | undefined = options.fontMode === 'full' ? 'full' : undefined;
  const main = embedFont(context, env.fonts.face(MAIN_FONT), usage.used[MAIN_FONT], strategy);
  const mj = usage.used[MJ_FONT].size > 0 ? embedFont(context, env.fonts.face(MJ_FONT), usage.used[MJ_FONT], strategy) : undefined;
  phase('subset+fonts');
  const fontDict: Record<string, PDFRef> = { F0: main.ref };
  if (mj) fontDict.F1 = mj.ref;
  const cidOf: CidMapper = (font, gid) => (font === MAIN_FONT ? main.cidOf(gid) : mj!.cidOf(gid));
  const patterns = backgroundPatterns(context, profile.backgroundTint);
  const xobjects: Record<string, PDFRef> = {};
  for (const [name, image] of images) xobjects[name] = embedInkImage(context, image);
  const resources = context.register(context.obj({ Font: fontDict, Pattern: { P0: patterns.fine, P1: patterns.coarse }, XObject: xobjects }));

  phase('resources');
  const bodyStreams: PDFRef[] = [];
  for (const builder of builders) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    page.node.set(RESOURCES, resources);
    // Uncompressed: a zlib call costs ~0.2 ms of setup per stream, the text is ~10 KB.
    const stream = context.register(plainStream(context, builder.toBytes(cidOf)));
    page.node.set(CONTENTS, context.obj([stream]));
    bodyStreams.push(stream);
  }

  phase('fonts+objects');
  // The URL the QR code points at is part of the signed content: a changed address fails verification.
  const verifyBaseUrl = normaliseVerifyBaseUrl(env.verifyBaseUrl ?? DEFAULT_VERIFY_BASE_URL);
  const contentSha256 = contentDigest(doc, verifyBaseUrl);
  phase('digest');
  const payload = env.signer.sign({
    issueNumber: input.issueNumber,
    municipalityCode: input.municipality.code,
    certificateType: input.data.certificateType,
    ...(input.data.certificateType === 'taxCertificate' ? { taxKind: input.data.kind } : {}),
    issuedOn: input.issuedOn,
    contentSha256,
  });
  const last = doc.getPage(pageCount - 1);
  const qrRef = context.register(plainStream(context, qrStream(verificationUrl(verifyBaseUrl, payload), verificationQrRect(input.municipality.code)), { [VERIFICATION_STREAM_KEY]: true }));
  last.node.set(CONTENTS, context.obj([bodyStreams[pageCount - 1]!, qrRef]));
  doc.catalog.set(PDFName.of(VERIFICATION_CATALOG_KEY), PDFString.of(payload));
  doc.catalog.set(PDFName.of(VERIFICATION_BASE_URL_KEY), PDFString.of(verifyBaseUrl));

  phase('sign+qr');
  // What doc.save({ useObjectStreams: false, addDefaultPage: false }) writes, byte for byte (nothing is pending in `doc`).
  const pdf = serializeDocument(doc);
  phase('save');
  return { pdf, pageCount, pageIssueNumbers, contentSha256 };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

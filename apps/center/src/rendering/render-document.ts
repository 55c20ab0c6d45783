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
import { fit, type Block, type FittedText, type Geometry } from './layout/blocks.js';
import { FRAME, layoutFor, MAX_SEAL_MM, mm, type LayoutProfile } from './layout/layout-profile.js';
import { paginate } from './layout/paginate.js';
import { backgroundPatterns, drawBackground } from './pdf/background.js';
import { ContentBuilder, GlyphUsage, type CidMapper } from './pdf/content-builder.js';
import { decodeInkImage, embedInkImage, type InkImage } from './pdf/ink-image.js';
import { embedFont } from './pdf/pdf-font.js';
import { plainStream } from './pdf/streams.js';
import { qrStream } from './pdf/qr-code.js';
import { serializeDocument } from './pdf/writer.js';
import { applyTemplate } from './templates/index.js';
import type { TemplateOutput } from './templates/template.js';
import { contentDigest, VERIFICATION_STREAM_KEY } from './verification/content-digest.js';
import {
  DEFAULT_VERIFY_BASE_URL,
  normaliseVerifyBaseUrl,
  PAGE_H,
  PAGE_W,
  verificationQrRect,
  verificationUrl,
} from './verification/qr-placement.js';
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

export async function renderDocument(
  input: RenderInput,
  env: RenderEnvironment,
  options: RenderDocumentOptions = {},
): Promise<RenderedDocument> {
  const phase = phaseTimer(options.phases);
  const usage = new GlyphUsage();
  const images = new Map<string, InkImage>();
  images.set('Seal', decodeInkImage(input.policy.officialSealPng, options.officialSealKey));
  const { frame, t, pages, texts } = layOut(input, new ContentBuilder(env.fonts, usage), images, phase);
  const pageCount = pages.length;
  const pageIssueNumbers = pages.map((_, i) => pageIssueNumber(input.issueNumber, i + 1, pageCount));

  const builders = pages.map((blocks, i) => {
    const c = new ContentBuilder(env.fonts, usage);
    drawPage(c, frame, texts, [...t.header, ...blocks], pageIssueNumbers[i]!, i === pageCount - 1);
    if (input.sample) drawSampleMark(c, frame);
    return c;
  });

  phase('draw');
  const doc = await PDFDocument.create({ updateMetadata: false });
  const bodyStreams = writePages(doc, builders, env.fonts, usage, images, frame.profile, options.fontMode, phase);

  phase('fonts+objects');
  // A sample has no verification code: nothing about it can be checked as an issued certificate.
  const contentSha256 = input.sample ? '' : attachVerification(doc, input, env, bodyStreams, phase);

  phase('sign+qr');
  // What doc.save({ useObjectStreams: false, addDefaultPage: false }) writes, byte for byte (nothing is pending in `doc`).
  const pdf = serializeDocument(doc);
  phase('save');
  return { pdf, pageCount, pageIssueNumbers, contentSha256 };
}

type PhaseMark = (name: string) => void;

/** What the pages hold before anything is drawn: the frame, the template's blocks split into pages, the frame's texts fitted. */
interface Layout {
  frame: Frame;
  t: TemplateOutput;
  pages: Block[][];
  texts: FrameTexts;
}

/**
 * Template → blocks → pages, and the frame's texts fitted: every ISSUANCE_TEXT_OVERFLOW the renderer
 * can throw is thrown here (fit() and paginate()), before a page is drawn. The order of fitting is the
 * order glyphs are first used, so the PDF's bytes depend on it.
 */
function layOut(input: RenderInput, measure: ContentBuilder, images: Map<string, InkImage>, phase: PhaseMark = () => undefined): Layout {
  const frame = frameFor(input.municipality.code, input.policy.officialSealSizeMm);
  const t = applyTemplate({ c: measure, g: frame.g, input, images }, input.data);
  const headerHeight = t.header.reduce((s, b) => s + b.height, 0);
  phase('template');
  const pages = paginate(t.body, frame.bodyTop - frame.bodyBottom, headerHeight, frame.certHeight);
  return { frame, t, pages, texts: fitFrameTexts(measure, frame, t, input) };
}

/**
 * The layout alone, with no PDF, for the check before payment (printable.ts): throws ISSUANCE_TEXT_OVERFLOW
 * exactly where renderDocument would, from the same code. The last page's issue number is fitted too
 * (`input.issueNumber` is a stand-in before payment). Returns the page count.
 */
export function layoutDocument(input: RenderInput, fonts: FontSet): number {
  const { frame, pages } = layOut(input, new ContentBuilder(fonts, new GlyphUsage()), new Map());
  const { g, profile } = frame;
  const last = pageIssueNumber(input.issueNumber, pages.length, pages.length);
  fit(
    new ContentBuilder(fonts, new GlyphUsage()),
    last,
    g.right - g.left,
    profile.labelSize + FRAME.issueSizeStep,
    profile.minTextSize,
    'issueNumber',
  );
  return pages.length;
}

/** Reports the wall time since the previous mark to the benchmark hook, when there is one. */
function phaseTimer(report: RenderDocumentOptions['phases']): PhaseMark {
  let mark = performance.now();
  return (name) => {
    if (!report) return;
    const now = performance.now();
    report(name, now - mark);
    mark = now;
  };
}

/** Where the frame puts the title band, the body and the certification block on the last page. */
interface Frame {
  profile: LayoutProfile;
  margin: number;
  g: Geometry;
  titleY: number;
  bodyTop: number;
  bodyBottom: number;
  sealSize: number;
  certHeight: number;
}

function frameFor(municipalityCode: string, sealSizeMm: number | undefined): Frame {
  const profile = layoutFor(municipalityCode);
  // The size the municipality set with its seal image, under the same cap as the profile's.
  if (sealSizeMm !== undefined) profile.sealSizeMm = Math.min(sealSizeMm, MAX_SEAL_MM);
  const margin = mm(profile.marginMm);
  const g: Geometry = { left: margin, right: PAGE_W - margin, profile, labelWidth: mm(profile.labelWidthMm) };
  const titleY = PAGE_H - margin - profile.titleSize;
  const sealSize = mm(profile.sealSizeMm);
  const qrSize = mm(profile.qrSizeMm);
  return {
    profile,
    margin,
    g,
    titleY,
    bodyTop: titleY - FRAME.titleGap,
    bodyBottom: margin + FRAME.bodyBottomPad,
    sealSize,
    certHeight: Math.max(qrSize + FRAME.certBelowQr, FRAME.certAboveSeal + sealSize),
  };
}

/** The frame's own texts, fitted once for every page (the order of fitting is the order glyphs are first used). */
interface FrameTexts {
  title: FittedText;
  certText: FittedText;
  dateText: FittedText;
  headText: FittedText;
  sealNote: FittedText;
}

function fitFrameTexts(measure: ContentBuilder, frame: Frame, t: TemplateOutput, input: RenderInput): FrameTexts {
  const { g, profile, sealSize } = frame;
  const m = input.municipality;
  return {
    title: fit(measure, t.title, g.right - g.left, profile.titleSize, profile.minTextSize, 'title'),
    certText: fit(measure, t.certification, g.right - g.left, profile.bodySize + FRAME.certSizeStep, profile.minTextSize, 'certification'),
    dateText: fit(
      measure,
      formatEraDate(input.issuedOn),
      g.right - g.left,
      profile.bodySize + FRAME.certSizeStep,
      profile.minTextSize,
      'issuedOn',
    ),
    headText: fit(
      measure,
      `${m.prefecture}${m.head.title}\u3000${m.head.name}`,
      (g.right - g.left) * FRAME.headWidthShare,
      profile.bodySize + FRAME.headSizeStep,
      profile.minTextSize,
      'head',
    ),
    sealNote: fit(
      measure,
      input.policy.fixedTexts.sealNote,
      sealSize * FRAME.sealNoteWidthFactor,
      profile.labelSize,
      profile.minTextSize,
      'sealNote',
    ),
  };
}

/** One page: background, title, the page's issue number, the header and body blocks, and on the last page the certification. */
function drawPage(c: ContentBuilder, frame: Frame, texts: FrameTexts, blocks: Block[], issueNumber: string, last: boolean): void {
  const { g, profile, margin, titleY } = frame;
  drawBackground(c, PAGE_W, PAGE_H);
  c.glyphRun(texts.title.glyphs, (PAGE_W - texts.title.width) / 2, titleY, texts.title.size);
  const issue = fit(c, issueNumber, g.right - g.left, profile.labelSize + FRAME.issueSizeStep, profile.minTextSize, 'issueNumber');
  const issueY = profile.issueNumberAt === 'top' ? PAGE_H - margin / 2 - issue.size : margin / 2 - FRAME.issueBottomDrop;
  c.glyphRun(issue.glyphs, g.right - issue.width, issueY, issue.size);
  let y = frame.bodyTop;
  for (const b of blocks) {
    b.draw(c, y);
    y -= b.height;
  }
  if (last) drawCertification(c, frame, texts, y - FRAME.certTopGap);
}

/** 認証文, date, the head of the municipality with the official seal over the name, and the seal note. */
function drawCertification(c: ContentBuilder, frame: Frame, texts: FrameTexts, top: number): void {
  const { g, sealSize } = frame;
  const { certText, dateText, headText, sealNote } = texts;
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

/** 見本 (SAMPLE) across the middle of a console preview's page, over everything else on it. */
function drawSampleMark(c: ContentBuilder, frame: Frame): void {
  const { g, profile } = frame;
  const mark = fit(c, '見本 SAMPLE', (g.right - g.left) * SAMPLE_MARK.widthShare, SAMPLE_MARK.size, profile.minTextSize, 'sample');
  c.glyphRun(mark.glyphs, (PAGE_W - mark.width) / 2, PAGE_H / 2, mark.size, SAMPLE_MARK.gray);
}

const SAMPLE_MARK = { size: 72, widthShare: 0.9, gray: 0.55 } as const;

/**
 * Embeds the fonts (subset to the glyphs used), patterns and images once, and adds one page per builder;
 * returns each page's content stream.
 */
function writePages(
  doc: PDFDocument,
  builders: ContentBuilder[],
  fonts: FontSet,
  usage: GlyphUsage,
  images: Map<string, InkImage>,
  profile: LayoutProfile,
  fontMode: RenderDocumentOptions['fontMode'],
  phase: PhaseMark,
): PDFRef[] {
  const context = doc.context;
  const strategy: SubsetStrategy | undefined = fontMode === 'full' ? 'full' : undefined;
  const main = embedFont(context, fonts.face(MAIN_FONT), usage.used[MAIN_FONT], strategy);
  const mj = usage.used[MJ_FONT].size > 0 ? embedFont(context, fonts.face(MJ_FONT), usage.used[MJ_FONT], strategy) : undefined;
  phase('subset+fonts');
  const fontDict: Record<string, PDFRef> = { F0: main.ref };
  if (mj) fontDict.F1 = mj.ref;
  const cidOf: CidMapper = (font, gid) => (font === MAIN_FONT ? main.cidOf(gid) : mj!.cidOf(gid));
  const patterns = backgroundPatterns(context, profile.backgroundTint);
  const xobjects: Record<string, PDFRef> = {};
  for (const [name, image] of images) xobjects[name] = embedInkImage(context, image);
  const resources = context.register(
    context.obj({ Font: fontDict, Pattern: { P0: patterns.fine, P1: patterns.coarse }, XObject: xobjects }),
  );

  phase('resources');
  return builders.map((builder) => {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    page.node.set(RESOURCES, resources);
    // Uncompressed: a zlib call costs ~0.2 ms of setup per stream, the text is ~10 KB.
    const stream = context.register(plainStream(context, builder.toBytes(cidOf)));
    page.node.set(CONTENTS, context.obj([stream]));
    return stream;
  });
}

/** Signs the content digest and draws the QR code on the last page; returns the digest. */
function attachVerification(doc: PDFDocument, input: RenderInput, env: RenderEnvironment, bodyStreams: PDFRef[], phase: PhaseMark): string {
  const context = doc.context;
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
  const lastIndex = bodyStreams.length - 1;
  const last = doc.getPage(lastIndex);
  const qrRef = context.register(
    plainStream(context, qrStream(verificationUrl(verifyBaseUrl, payload), verificationQrRect(input.municipality.code)), {
      [VERIFICATION_STREAM_KEY]: true,
    }),
  );
  last.node.set(CONTENTS, context.obj([bodyStreams[lastIndex]!, qrRef]));
  doc.catalog.set(PDFName.of(VERIFICATION_CATALOG_KEY), PDFString.of(payload));
  doc.catalog.set(PDFName.of(VERIFICATION_BASE_URL_KEY), PDFString.of(verifyBaseUrl));
  return contentSha256;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

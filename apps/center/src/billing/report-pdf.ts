/**
 * Billing's PDFs (statements, settlements): a title, a few header lines and tables, drawn with the
 * certificate renderer's pieces — BIZ UDMincho through the FontSet (HarfBuzz subsets, never
 * pdf-lib's fontkit subsetting, which drops Japanese glyphs: docs/stack), ContentBuilder, the
 * same embedding and serialiser. Nothing but the report goes in: no date, no random id, so the
 * same report is the same bytes.
 *
 * The center renders reports in its render pool (`rendering/pool/`, job kind `report`), never on the
 * thread that serves kiosks: the first report after a start cost 2.7-3.3 s there at load 20 (issue 14, the console fuzz).
 * `renderReportInProcess` is for the operator CLIs, whose process serves nobody.
 */
import { PDFDocument, PDFName } from 'pdf-lib';
import { FontSet, MAIN_FONT } from '../rendering/fonts/font-set.js';
import { ContentBuilder, GlyphUsage } from '../rendering/pdf/content-builder.js';
import { embedFont } from '../rendering/pdf/pdf-font.js';
import { plainStream } from '../rendering/pdf/streams.js';
import { serializeDocument } from '../rendering/pdf/writer.js';
import { PAGE_H, PAGE_W } from '../rendering/verification/qr-placement.js';

export interface ReportTable {
  heading: string;
  columns: { label: string; width: number; align?: 'left' | 'right' }[];
  rows: string[][];
}

export interface Report {
  title: string;
  lines: string[];
  tables: ReportTable[];
  /** Printed at the foot of every page with the page number. */
  footer: string;
}

const MARGIN = 42;
const ROW = 15;
const SIZE = 9;

/** Renders a report to PDF bytes: the pool's `renderReport` at the center, `renderReportInProcess` in a CLI. */
export type ReportRenderer = (report: Report) => Promise<Uint8Array>;

let cliFonts: FontSet | undefined;
/** The CLI's renderer: the main face loaded once per process on first use (billing text never needs IPAmj明朝). */
export const renderReportInProcess: ReportRenderer = (report) => renderReportPdf(report, (cliFonts ??= new FontSet()));

type Line = { kind: 'title' | 'text' | 'heading' | 'row' | 'rule' | 'gap'; cells?: string[]; table?: ReportTable; text?: string };

function linesOf(report: Report): Line[] {
  const out: Line[] = [{ kind: 'title', text: report.title }, ...report.lines.map((text): Line => ({ kind: 'text', text }))];
  for (const table of report.tables) {
    out.push({ kind: 'gap' }, { kind: 'heading', text: table.heading }, { kind: 'row', table, cells: table.columns.map((c) => c.label) });
    out.push({ kind: 'rule', table }, ...table.rows.map((cells): Line => ({ kind: 'row', table, cells })));
  }
  return out;
}

function drawText(c: ContentBuilder, text: string, x: number, y: number, size: number, align: 'left' | 'right' = 'left', width = 0) {
  const glyphs = c.fonts.glyphs(text);
  const w = c.width(glyphs, size);
  c.glyphRun(glyphs, align === 'right' ? x + width - w : x, y, size);
}

function drawLine(c: ContentBuilder, line: Line, y: number): void {
  if (line.kind === 'title') drawText(c, line.text!, MARGIN, y - 6, 15);
  else if (line.kind === 'text' || line.kind === 'heading') drawText(c, line.text!, MARGIN, y, line.kind === 'heading' ? 11 : SIZE);
  else if (line.kind === 'rule') c.line(MARGIN, y + ROW - 3, PAGE_W - MARGIN, y + ROW - 3, 0.5);
  else if (line.kind === 'row') {
    let x = MARGIN;
    line.table!.columns.forEach((col, i) => {
      drawText(c, line.cells![i] ?? '', x, y, SIZE, col.align, col.width - 6);
      x += col.width;
    });
  }
}

export function renderReportPdf(report: Report, fonts: FontSet): Promise<Uint8Array> {
  const usage = new GlyphUsage();
  const perPage = Math.floor((PAGE_H - 2 * MARGIN - 2 * ROW) / ROW);
  const lines = linesOf(report);
  const pages: Line[][] = [];
  for (let i = 0; i < lines.length; i += perPage) pages.push(lines.slice(i, i + perPage));
  const builders = pages.map((page, p) => {
    const c = new ContentBuilder(fonts, usage);
    page.forEach((line, i) => drawLine(c, line, PAGE_H - MARGIN - (i + 1) * ROW));
    drawText(c, `${report.footer}  ${p + 1} / ${pages.length}`, MARGIN, MARGIN - 10, 8);
    return c;
  });
  return writePdf(builders, usage, fonts);
}

async function writePdf(builders: ContentBuilder[], usage: GlyphUsage, fonts: FontSet): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const context = doc.context;
  const main = embedFont(context, fonts.face(MAIN_FONT), usage.used[MAIN_FONT]);
  const resources = context.register(context.obj({ Font: { F0: main.ref } }));
  for (const builder of builders) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    page.node.set(PDFName.of('Resources'), resources);
    const stream = context.register(
      plainStream(
        context,
        builder.toBytes((_font, gid) => main.cidOf(gid)),
      ),
    );
    page.node.set(PDFName.of('Contents'), context.obj([stream]));
  }
  return serializeDocument(doc);
}

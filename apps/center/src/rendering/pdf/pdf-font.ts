/**
 * Embeds a subset font as a Type0/CIDFontType2 font with Identity-H encoding. CIDs are the glyph
 * ids of the full font; when the embedded program is renumbered (fontkit subset), a CIDToGIDMap
 * stream maps them back, so content streams are the same whichever subset strategy was used.
 */
import { PDFName, PDFString, type PDFContext, type PDFRef } from 'pdf-lib';
import { flateStream, plainStream } from './streams.js';
import type { FontFace, SubsetStrategy } from '../fonts/font-face.js';

function subsetTag(gids: Iterable<number>): string {
  // Subset tag (6 capitals) derived from the glyph set, so identical input gives identical bytes.
  let h = 2166136261;
  for (const g of gids) h = Math.imul(h ^ g, 16777619) >>> 0;
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag += String.fromCharCode(65 + (h % 26));
    h = Math.floor(h / 26) + i * 7919;
  }
  return tag;
}

function utf16Hex(text: string): string {
  let hex = '';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return hex;
}

function toUnicodeCMap(used: Map<number, string>): Uint8Array {
  const entries = [...used.entries()].sort((a, b) => a[0] - b[0]);
  const lines = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    lines.push(`${chunk.length} beginbfchar`);
    for (const [gid, text] of chunk) lines.push(`<${gid.toString(16).padStart(4, '0')}> <${utf16Hex(text)}>`);
    lines.push('endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  return Buffer.from(lines.join('\n'), 'latin1');
}

export interface EmbeddedFont {
  ref: PDFRef;
  /** The font program as embedded (uncompressed), for the content digest. */
  program: Uint8Array;
}

export function embedFont(context: PDFContext, face: FontFace, used: Map<number, string>, strategy?: SubsetStrategy): EmbeddedFont {
  const gids = [...used.keys()].sort((a, b) => a - b);
  const subset = face.subset(new Set(gids), strategy);
  const scale = 1000 / face.unitsPerEm;
  const f = face.font;
  const baseFont = `${subsetTag(gids)}+${face.name}`;

  const fontFile = context.register(flateStream(context, subset.bytes, { Length1: subset.bytes.byteLength }));
  const descriptor = context.register(
    context.obj({
      Type: 'FontDescriptor',
      FontName: baseFont,
      Flags: 4,
      FontBBox: [f.bbox.minX * scale, f.bbox.minY * scale, f.bbox.maxX * scale, f.bbox.maxY * scale].map(Math.round),
      ItalicAngle: 0,
      Ascent: Math.round(f.ascent * scale),
      Descent: Math.round(f.descent * scale),
      CapHeight: Math.round((f.capHeight || f.ascent) * scale),
      StemV: 80,
      FontFile2: fontFile,
    }),
  );
  const widths: (number | number[])[] = [];
  for (const gid of gids) widths.push(gid, [Math.round(face.advance(gid) * scale)]);

  let cidToGid: PDFRef | string = 'Identity';
  const identity = gids.every((g) => subset.cidOf(g) === g);
  if (!identity) {
    const max = gids[gids.length - 1] ?? 0;
    const map = new Uint8Array((max + 1) * 2);
    for (const g of gids) {
      const n = subset.cidOf(g);
      map[g * 2] = n >> 8;
      map[g * 2 + 1] = n & 0xff;
    }
    cidToGid = context.register(flateStream(context, map));
  }
  const cidFont = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: baseFont,
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
      FontDescriptor: descriptor,
      DW: 1000,
      W: widths,
      CIDToGIDMap: typeof cidToGid === 'string' ? PDFName.of(cidToGid) : cidToGid,
    }),
  );
  const toUnicode = context.register(plainStream(context, toUnicodeCMap(used)));
  const ref = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: baseFont,
      Encoding: 'Identity-H',
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    }),
  );
  return { ref, program: subset.bytes };
}


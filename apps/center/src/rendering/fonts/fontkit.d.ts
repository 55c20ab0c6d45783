// fontkit 2 ships no types; this declares only the parts the renderer uses.
declare module 'fontkit' {
  export interface FontkitCmapSelector {
    varSelector: number;
    defaultUVS?: { startUnicodeValue: number; additionalCount: number }[] | null;
    nonDefaultUVS?: { unicodeValue: number; glyphID: number }[] | null;
  }
  export interface FontkitGlyph {
    id: number;
    advanceWidth: number;
  }
  export interface FontkitSubset {
    includeGlyph(glyph: number | FontkitGlyph): number;
    encode(): Uint8Array;
  }
  export interface FontkitFont {
    postscriptName: string;
    unitsPerEm: number;
    ascent: number;
    descent: number;
    capHeight: number;
    bbox: { minX: number; minY: number; maxX: number; maxY: number };
    numGlyphs: number;
    getGlyph(id: number): FontkitGlyph;
    createSubset(): FontkitSubset;
    _cmapProcessor: {
      lookup(codePoint: number): number;
      uvs?: { varSelectors: { toArray(): FontkitCmapSelector[] } } | null;
    };
  }
  export function create(buffer: Uint8Array): FontkitFont;
}

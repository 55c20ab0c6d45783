/**
 * What varies between municipalities' printed forms, as data. A municipality without an entry uses
 * the default; adding a municipality's format is adding a row here, not a code branch.
 */
export interface LayoutProfile {
  marginMm: number;
  titleSize: number;
  bodySize: number;
  labelSize: number;
  /** Overflowing text shrinks down to this size; below it the certificate is refused. */
  minTextSize: number;
  rowHeight: number;
  labelWidthMm: number;
  /** Where the issue number and page n/N go on every page. */
  issueNumberAt: 'top' | 'bottom';
  /** Household form (世帯連記式): persons per page. */
  personsPerPage: number;
  /** Printed size of the official seal; capped at 25 mm whatever the data says. */
  sealSizeMm: number;
  /** Gray level of the anti-copy background (1 = white). */
  backgroundTint: number;
  sealCertificateShowsSex: boolean;
  showFurigana: boolean;
  qrSizeMm: number;
}

export const MAX_SEAL_MM = 25;

/**
 * Typographic constants every form shares (points unless named otherwise); what varies between
 * municipalities is in LayoutProfile. Named so a change to the look is one edit, and the pixel
 * comparison tests (test/rendering) show its effect.
 */
export const TYPOGRAPHY = {
  /** A text line's height as a multiple of its size, and where its baseline sits below the top. */
  lineHeight: 1.55,
  baselineDrop: 1.15,
  /** Font sizes are shrunk in steps of 1/this (0.1 pt) when fitting text. */
  fitSteps: 10,
  /** A cell's label takes at most this share of the cell's width. */
  labelShareMax: 0.45,
  cellPadding: 3,
  /** Baseline of a cell's value above the row's bottom rule; furigana gap under the top rule. */
  valueBaseline: 4,
  rubyGap: 2,
  /** Extra row height for a furigana line, and how much smaller furigana is than a label. */
  rubyRowExtra: 2,
  rubySizeStep: 1,
  /** Nudges a label's glyphs up to sit optically centred in the row. */
  labelOpticalLift: 1,
  /** Rule weights: table frame and cell separators; the thinner label/value separator; the seal frame. */
  rule: 0.4,
  hairline: 0.25,
  sealFrameRule: 0.6,
  /** 戸籍 style indents: an event's heading, a person's 【item】 lines, an event's details. */
  indent: { eventHeading: 12, personItem: 24, eventDetail: 36 },
  /** A 戸籍 divider's height and where its rule sits. */
  divider: { height: 8, ruleAt: 4 },
} as const;

/**
 * The page frame every certificate shares (points): the title band, the body's bottom margin, the
 * certification block on the last page (認証文, date, the head's name with the 公印 overlapping its
 * end, the seal note) and the issue number's place.
 */
export const FRAME = {
  /** Space between the title's baseline and the body's top. */
  titleGap: 16,
  bodyBottomPad: 6,
  /** The certification block is at least the QR code plus this, or the seal plus the text above it. */
  certBelowQr: 40,
  certAboveSeal: 60,
  /** The 認証文 and date are one point larger than body text; the head's name four. */
  certSizeStep: 1,
  headSizeStep: 4,
  /** The head's name may take this share of the body width. */
  headWidthShare: 0.7,
  certTopGap: 4,
  certBaselineGap: 2,
  dateGap: 12,
  /** The head's baseline below the block's top; the seal's overlap with the name's end. */
  headDrop: 62,
  headRightOfSeal: 0.8,
  sealOverName: 0.12,
  sealCentreOnName: 0.35,
  sealNoteGap: 3,
  /** The seal note may be up to twice as wide as the seal. */
  sealNoteWidthFactor: 2,
  /** The issue number is one point larger than a label; at the bottom it sits this far below the margin's middle. */
  issueSizeStep: 1,
  issueBottomDrop: 2,
} as const;

/** 印鑑登録証明書: the framed 印影 box and the margin between frame and image (mm). */
export const SEAL_IMPRESSION = { boxMm: 36, insetMm: 6, gap: 4 } as const;

export const defaultLayout: LayoutProfile = {
  marginMm: 15,
  titleSize: 16,
  bodySize: 9,
  labelSize: 7,
  minTextSize: 5,
  rowHeight: 15,
  labelWidthMm: 26,
  issueNumberAt: 'top',
  personsPerPage: 4,
  sealSizeMm: 22,
  backgroundTint: 0.88,
  sealCertificateShowsSex: true,
  showFurigana: true,
  // Holds a version-14 code (the verification URL, ~370 bytes) at ~0.3 mm per module.
  qrSizeMm: 25,
};

/** Keyed by 全国地方公共団体コード. */
export const municipalityLayouts: Readonly<Record<string, Partial<LayoutProfile>>> = {
  '141003': { issueNumberAt: 'bottom', sealSizeMm: 24, labelWidthMm: 28 }, // 横浜市
  '131016': { issueNumberAt: 'top', sealSizeMm: 21 }, // 千代田区
  '133086': { sealCertificateShowsSex: false, backgroundTint: 0.9 }, // 奥多摩町
};

export function layoutFor(municipalityCode: string): LayoutProfile {
  const p = { ...defaultLayout, ...municipalityLayouts[municipalityCode] };
  p.sealSizeMm = Math.min(p.sealSizeMm, MAX_SEAL_MM);
  return p;
}

export const mm = (v: number): number => (v * 72) / 25.4;

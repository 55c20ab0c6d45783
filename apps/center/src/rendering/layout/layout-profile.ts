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

/**
 * Where the verification QR code sits on the last page, and the text it encodes. Shared by the
 * renderer and the verifier: the verifier redraws the QR code from the signed payload and requires
 * the document's verification stream to be exactly that drawing.
 */
import { layoutFor, mm } from '../layout/layout-profile.js';

export const PAGE_W = 595.28;
export const PAGE_H = 841.89;

export interface QrRect {
  x: number;
  y: number;
  size: number;
  pageWidth: number;
  pageHeight: number;
}

/** Points, origin bottom-left. */
export function verificationQrRect(municipalityCode: string): QrRect {
  const profile = layoutFor(municipalityCode);
  const margin = mm(profile.marginMm);
  return { x: margin, y: margin + 6 + 2, size: mm(profile.qrSizeMm), pageWidth: PAGE_W, pageHeight: PAGE_H };
}

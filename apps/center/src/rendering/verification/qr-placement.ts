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

/** Used when the center configures no public address (the center's own default listen address). */
export const DEFAULT_VERIFY_BASE_URL = 'https://localhost:8443';

/** `https://host[/prefix]` without a trailing slash; anything else is a configuration error. */
export function normaliseVerifyBaseUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`verification base URL must be http(s): ${base}`);
  if (url.search || url.hash) throw new Error(`verification base URL must not carry a query or fragment: ${base}`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** What the QR code encodes: the public verification page with the signed payload (a phone opens it). */
export function verificationUrl(base: string, payload: string): string {
  // The payload is base64url and '.', safe in a query as it is.
  return `${base}/verify?p=${payload}`;
}

/** The signed payload from what a QR code holds: the verification URL, or a bare `MDG1.…` payload. */
export function payloadFromQrText(text: string): string | undefined {
  const t = text.trim();
  if (t.startsWith('MDG1.')) return t;
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return undefined;
  }
  if (!url.pathname.endsWith('/verify')) return undefined;
  return url.searchParams.get('p') ?? undefined;
}

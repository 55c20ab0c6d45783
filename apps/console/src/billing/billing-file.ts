/**
 * Statements and settlements arrive as JSON (`BillingFile`: name, type, base64 bytes, SHA-256), so
 * the session cookie and the API's error answers work as for any other call; the browser saves
 * them from a blob: URL (a navigation to a download, which the console's CSP does not restrict).
 */
import type { z } from 'zod';
import type { BillingFile } from '@madoguchi/shared';
import { fromBase64 } from '../seal/seal-file.js';

export type BillingFileData = z.infer<typeof BillingFile>;

export function billingFileBlob(file: BillingFileData): Blob {
  return new Blob([fromBase64(file.contentBase64)], { type: file.contentType });
}

/**
 * A name safe to offer the browser's save dialog: the center's own name without any folder part
 * or control character (the browser sanitises too; this keeps what the clerk sees predictable).
 */
export function downloadName(fileName: string, fallback: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '' || clean === '.' || clean === '..' ? fallback : clean;
}

export interface SaveDeps {
  createObjectURL: (blob: Blob) => string;
  revokeObjectURL: (url: string) => void;
  /** Clicks a temporary `<a download>` for the URL (the DOM part, kept out of the tested logic). */
  click: (url: string, name: string) => void;
  later: (run: () => void) => void;
}

export function saveBillingFile(file: BillingFileData, fallbackName: string, deps: SaveDeps): void {
  const url = deps.createObjectURL(billingFileBlob(file));
  try {
    deps.click(url, downloadName(file.fileName, fallbackName));
  } finally {
    // Revoked after the click's navigation has taken the blob, not at once (Chromium would save nothing).
    deps.later(() => deps.revokeObjectURL(url));
  }
}

export const browserSaveDeps: SaveDeps = {
  createObjectURL: (blob) => URL.createObjectURL(blob),
  revokeObjectURL: (url) => URL.revokeObjectURL(url),
  click: (url, name) => {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  },
  later: (run) => window.setTimeout(run, 60_000),
};

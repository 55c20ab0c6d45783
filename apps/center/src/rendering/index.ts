/**
 * Certificate rendering: the API the issuance service calls.
 *
 *   const renderer = createRenderer({ signer: createVerificationSigner(key, 'center-2026') });
 *   const doc = await renderer.render(input, { timeoutMs: 10_000, signal });
 *   await renderer.close();
 *
 * `checkPrintable({ data, municipality, policy, issuedOn })` runs before payment (eligibility) with the same glyph coverage
 * (pass `checkerFonts(fontDir)` when the center configures a font directory).
 * `verificationRoutes` is the public verification plugin: `app.register(verificationRoutes, { verifier })`.
 *
 * Also `@madoguchi/center/rendering`, for tests and benchmarks that render in their own thread
 * (renderDocument with a FontSet, no worker pool) or run the verification pool on its own.
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { RenderInput } from '@madoguchi/shared';
import type { Report } from '../billing/report-pdf.js';
import type { RenderedDocument } from './render-document.js';
import { RenderPool, type RenderCallOptions } from './pool/render-pool.js';
import type { VerificationSigner } from './verification/signing.js';
import { DEFAULT_VERIFY_BASE_URL, normaliseVerifyBaseUrl } from './verification/qr-placement.js';

export { renderDocument, type RenderedDocument, type RenderEnvironment, type RenderDocumentOptions } from './render-document.js';
export { FontSet, MAIN_FONT, MJ_FONT } from './fonts/font-set.js';
export type { RenderCallOptions } from './pool/render-pool.js';
export { checkCharacters, checkFits, checkPrintable, checkerFonts, type Printability, type PrintableInput } from './printable.js';
export { verificationRoutes, type VerificationRoutesOptions } from './verification-routes.js';
export {
  createVerificationSigner,
  type VerificationClaims,
  type VerificationSigner,
  type VerificationResult,
} from './verification/signing.js';
export { createDocumentVerifier, type DocumentVerifier } from './verification/document-verifier.js';
export { createVerificationPool, type VerificationPool, type VerificationPoolOptions } from './verification/verification-pool.js';
export {
  DEFAULT_VERIFY_BASE_URL,
  normaliseVerifyBaseUrl,
  payloadFromQrText,
  verificationQrRect,
  verificationUrl,
} from './verification/qr-placement.js';
export { layoutFor, municipalityLayouts, type LayoutProfile } from './layout/layout-profile.js';

export interface RendererOptions {
  /** Worker threads; defaults to the number of cores. */
  workers?: number;
  signer: VerificationSigner;
  /** Directory holding IPAmj明朝 (ipamjm.ttf); defaults to Debian's fonts-ipamj-mincho path. */
  fontDir?: string;
  /**
   * Public address of the verification page, e.g. `https://verify.example.lg.jp`: the QR code
   * encodes `<verifyBaseUrl>/verify?p=<payload>`. Defaults to DEFAULT_VERIFY_BASE_URL.
   */
  verifyBaseUrl?: string;
}

export interface Renderer {
  /** Number of worker threads. */
  readonly size: number;
  render(input: RenderInput, opts?: RenderCallOptions): Promise<RenderedDocument>;
  /** A billing report's PDF, drawn by a worker with the same timeouts (job kind `report`). */
  renderReport(report: Report, opts?: Pick<RenderCallOptions, 'signal' | 'timeoutMs'>): Promise<Uint8Array>;
  /** Resolves when every worker has its fonts loaded (optional: render waits anyway). */
  ready(): Promise<void>;
  /** Each worker's event-loop utilisation since it started (for benchmarks and monitoring). */
  eventLoopUtilization(): EventLoopUtilization[];
  close(): Promise<void>;
}

export function createRenderer(options: RendererOptions): Renderer {
  // Checked here, so a bad address fails at start rather than on every render.
  const verifyBaseUrl = normaliseVerifyBaseUrl(options.verifyBaseUrl ?? DEFAULT_VERIFY_BASE_URL);
  const pool = new RenderPool({ signer: options.signer.exportForWorker(), fontDir: options.fontDir, verifyBaseUrl }, options.workers);
  return {
    size: pool.size,
    render: (input, opts) => pool.render(input, opts),
    renderReport: (report, opts) => pool.renderReport(report, opts),
    ready: () => pool.ready(),
    eventLoopUtilization: () => pool.eventLoopUtilization(),
    close: () => pool.close(),
  };
}

/**
 * Public certificate verification (no kiosk certificate needed): anyone holding a printed
 * certificate can check its QR code, and anyone holding the PDF can check the whole document.
 *
 *   GET  /verify?p=<payload>        HTML page (what a phone opens after scanning the QR code)
 *   POST /verify/payload            { payload } → VerificationResult
 *   POST /verify/document           application/pdf body → VerificationResult, or refused:
 *                                   VERIFICATION_DOCUMENT_REFUSED (422) for a file no issued
 *                                   document looks like or one too costly to check,
 *                                   VERIFICATION_BUSY (503) when too many uploads are waiting
 *
 * Register with `app.register(verificationRoutes, { verifier })`; the plugin is encapsulated (its
 * PDF body parser applies to its own routes only) and closes the verifier when the app closes. The
 * center passes a verification pool (verification/verification-pool.ts): documents are parsed in
 * worker threads, never on the thread that serves kiosks. Responses never contain personal data:
 * the signed claims are an issue number, a municipality code, a type, a date and a hash.
 */
import type { FastifyPluginAsync } from 'fastify';
import { certificateTypeLabels, formatEraDate, isValidIsoDate, MadoguchiError, taxCertificateKindLabels } from '@madoguchi/shared';
import { z } from 'zod';
import { sendError } from '../http/error-handler.js';
import type { DocumentVerifier } from './verification/document-verifier.js';
import { MAX_DOCUMENT_BYTES } from './verification/document-shape.js';
import type { VerificationResult } from './verification/signing.js';

export interface VerificationRoutesOptions {
  verifier: DocumentVerifier;
}

const PayloadBody = z.object({ payload: z.string().min(1).max(4096) });
const rateLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };

const reasonsJa: Record<Exclude<VerificationResult, { authentic: true }>['reason'], string> = {
  'no-payload': '検証用の情報がありません。',
  malformed: '検証用コードを読み取れません。',
  'unknown-key': '発行元を確認できません。',
  'bad-signature': '署名が一致しません。改ざんされている可能性があります。',
  'content-mismatch': '内容が発行時と一致しません。改ざんされている可能性があります。',
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(body: string): string {
  return (
    '<!doctype html><html lang="ja"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>証明書の検証</title>\n' +
    '<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}dt{font-weight:bold}' +
    '.ok{color:#075}.ng{color:#b00}textarea{width:100%}</style></head>\n' +
    `<body><h1>証明書の検証 (Certificate verification)</h1>${body}\n` +
    '<form method="get" action="verify"><p><label>検証用コードの内容 (QR payload)<br>' +
    '<textarea name="p" rows="4" maxlength="4096"></textarea></label></p><button>検証する</button></form></body></html>'
  );
}

export function resultHtml(result: VerificationResult): string {
  if (!result.authentic)
    return `<p class="ng"><strong>確認できませんでした (not authentic)</strong><br>${escapeHtml(reasonsJa[result.reason])}</p>`;
  const c = result.claims;
  const type = c.taxKind ? taxCertificateKindLabels[c.taxKind].ja : (certificateTypeLabels[c.certificateType]?.ja ?? c.certificateType);
  const date = isValidIsoDate(c.issuedOn) ? formatEraDate(c.issuedOn) : c.issuedOn;
  return (
    `<p class="ok"><strong>この証明書は発行されたものです (authentic)</strong></p>
<p>お手元の証明書の記載と一致することを確認してください。</p>
<dl><dt>発行番号</dt><dd>${escapeHtml(c.issueNumber)}</dd><dt>団体コード</dt><dd>${escapeHtml(c.municipalityCode)}</dd>
<dt>証明書</dt><dd>${escapeHtml(type)}</dd><dt>発行日</dt><dd>${escapeHtml(date)}</dd>` +
    `<dt>内容ハッシュ</dt><dd><code>${escapeHtml(c.contentSha256)}</code></dd></dl>`
  );
}

export const verificationRoutes: FastifyPluginAsync<VerificationRoutesOptions> = async (app, { verifier }) => {
  app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES }, (_request, body, done) =>
    done(null, body),
  );
  app.addHook('onClose', async () => verifier.close?.());

  app.get('/verify', { config: rateLimit, schema: { hide: true } }, async (request, reply) => {
    const p = (request.query as { p?: unknown }).p;
    const body = typeof p === 'string' && p.length > 0 && p.length <= 4096 ? resultHtml(verifier.verifyPayload(p)) : '';
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(body));
  });

  app.post('/verify/payload', { config: rateLimit, schema: { hide: true } }, async (request, reply) => {
    const parsed = PayloadBody.safeParse(request.body);
    if (!parsed.success)
      return sendError(
        reply,
        'INPUT_INVALID',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    return reply.send(verifier.verifyPayload(parsed.data.payload));
  });

  app.post('/verify/document', { config: rateLimit, schema: { hide: true }, bodyLimit: MAX_DOCUMENT_BYTES }, async (request, reply) => {
    if (!Buffer.isBuffer(request.body))
      return sendError(reply, 'INPUT_INVALID', [{ path: 'body', message: 'send the PDF as application/pdf' }]);
    try {
      return reply.send(
        await verifier.verifyDocument(new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength)),
      );
    } catch (error) {
      if (!(error instanceof MadoguchiError)) throw error;
      // A 5xx says only its code (busy, or a worker that could not start): the detail is for the log.
      if (error.status >= 500) {
        request.log.warn({ code: error.code, detail: error.detail }, 'verification unavailable');
        return sendError(reply, error.code);
      }
      // The detail says what the file has that no issued document has (never its content).
      request.log.info({ code: error.code, detail: error.detail }, 'verification refused');
      return sendError(reply, error.code, error.detail ? [{ path: 'body', message: error.detail }] : undefined);
    }
  });
};

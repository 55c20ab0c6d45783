/**
 * Quote → pay → deliver → print result, and cancel. Every request works only on its own issuance,
 * keyed by its own id from the quote to the kiosk's print report: no shared files, no "current
 * job", nothing another request could pick up (docs/misissuance.md#r1). Each state change, its
 * documents and its audit row commit in one transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  MadoguchiError,
  isErrorCode,
  japanDate,
  pageIssueNumber,
  yen,
  type CertificateOptions,
  type CertificateType,
  type DeliveryResponse,
  type DocumentBinding,
  type ErrorCode,
  type PrintResultResponse,
  type QuoteResponse,
} from '@madoguchi/shared';
import { loadSession, sessionOf, type Session } from '../auth/sessions.js';
import { runUnit, type CenterDatabase } from '../db/database.js';
import type { Kiosk } from '../kiosks/registry.js';
import { signBinding, type BindingKey } from './binding.js';
import { recordQuoteRefusal } from '../statistics/refusal-records.js';
import type { IssuanceRow } from './issuance-history.js';
import * as units from './issuance-units.js';
import {
  checkPayable,
  issuanceAndSession,
  issuanceFor,
  type DeliveredCopy,
  type PaidIssuance,
  type PrintReport,
} from './issuance-units.js';
import type { CenterServices, EligibilityRequest, RenderedDocument } from './services.js';

/** Sweeper and tests refund through the same code (issuance-units.ts). */
export { refund } from './issuance-units.js';

export interface IssuanceContext {
  database: CenterDatabase;
  services: CenterServices;
  bindingKey: BindingKey;
  renderTimeoutMs: number;
}

export interface QuoteInput {
  sessionId: string;
  certificateType: CertificateType;
  options: CertificateOptions;
  copies: number;
}

/** What the issuance asks for, as stored at the quote. */
function selectionOf(row: IssuanceRow): { certificateType: CertificateType; options: CertificateOptions; copies: number } {
  return {
    certificateType: row.certificate_type as CertificateType,
    options: JSON.parse(row.options_json) as CertificateOptions,
    copies: row.copies,
  };
}

/** The eligibility question, the same at the quote and again at payment. */
function eligibilityRequest(
  residentId: string,
  session: Session,
  selection: Pick<EligibilityRequest, 'certificateType' | 'options' | 'copies'>,
  now: Date,
): EligibilityRequest {
  return {
    residentId,
    certificateType: selection.certificateType,
    options: selection.options,
    copies: selection.copies,
    now,
    authCertificateNotAfter: session.authNotAfter,
    ...(session.cardUsableFrom ? { cardUsableFrom: session.cardUsableFrom } : {}),
  };
}

function asCode(code: string): ErrorCode {
  return isErrorCode(code) ? code : 'INTERNAL';
}

// ---------------------------------------------------------------- quote

export async function quote(ctx: IssuanceContext, kiosk: Kiosk, input: QuoteInput, now: Date): Promise<QuoteResponse> {
  const session = await loadSession(ctx.database.db, input.sessionId, kiosk.terminalId, now);
  const decision = await ctx.services.checkEligibility(eligibilityRequest(session.residentId, session, input, now));
  if (!decision.ok) {
    // Counted for the statistics (codes only): a refused quote leaves no issuance row.
    const site = { municipalityCode: session.municipalityCode, terminalId: kiosk.terminalId };
    await recordQuoteRefusal(ctx.database.db, site, input.certificateType, decision.code, now);
    throw new MadoguchiError(asCode(decision.code), 'refused before payment');
  }
  const issuanceId = randomUUID();
  const totalYen = decision.feeYen * input.copies;
  const row: IssuanceRow = {
    issuance_id: issuanceId,
    session_id: session.sessionId,
    terminal_id: kiosk.terminalId,
    resident_id: session.residentId,
    municipality_code: decision.municipalityCode,
    certificate_type: input.certificateType,
    options_json: JSON.stringify(input.options),
    copies: input.copies,
    fee_yen: decision.feeYen,
    total_yen: totalYen,
    paid_yen: null,
    refund_yen: 0,
    state: 'quoted',
    failure_code: null,
    auth_certificate_sha256: session.authCertificateSha256,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  await runUnit(ctx.database, units.insertQuote, { row, kiosk, now });
  return {
    issuanceId,
    state: 'quoted',
    certificateType: input.certificateType,
    copies: input.copies,
    feeYen: yen(decision.feeYen),
    totalYen: yen(totalYen),
  };
}

// ---------------------------------------------------------------- pay + deliver

async function renderWithTimeout(
  ctx: IssuanceContext,
  render: (signal: AbortSignal) => Promise<RenderedDocument>,
): Promise<RenderedDocument> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Settle the race as a timeout first; aborting makes the renderer fail (and replace) the job.
      reject(new MadoguchiError('ISSUANCE_RENDER_TIMEOUT', `render exceeded ${ctx.renderTimeoutMs} ms`));
      controller.abort();
    }, ctx.renderTimeoutMs);
  });
  try {
    // A late result after the timeout is dropped with its promise: a timed-out job fails itself
    // and never hands its slot, or its output, to anyone (docs/misissuance.md#r2, docs/misissuance.md#yokohama).
    return await Promise.race([render(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The whole eligibility decision again, at payment and before the money is taken: hours, declared
 * outages, offerings, options, copies and the records, as at the quote. A quote at 22:59:50 paid
 * at 23:00:10, or an outage declared between quote and payment, is refused here. The quote is
 * voided (nothing was charged, so the kiosk returns the cash it holds) and the refusal thrown.
 */
async function recheckAtPayment(
  ctx: IssuanceContext,
  kiosk: Kiosk,
  row: IssuanceRow,
  session: Session,
  now: Date,
): Promise<{ municipalityName?: string | undefined }> {
  const decision = await ctx.services.checkEligibility(eligibilityRequest(row.resident_id, session, selectionOf(row), now));
  let refusal: ErrorCode;
  if (!decision.ok) refusal = asCode(decision.code);
  // The fee in force or the certifying municipality moved since the quote (a fee change day, a
  // new 本籍): the quoted amount is no longer what this issuance costs. Quote again.
  else if (decision.feeYen !== row.fee_yen || decision.municipalityCode !== row.municipality_code) refusal = 'ISSUANCE_INVALID_STATE';
  else return { municipalityName: decision.municipalityName };
  await runUnit(ctx.database, units.voidAtPayment, { kiosk, issuanceId: row.issuance_id, refusal, now });
  throw new MadoguchiError(refusal, 'refused at payment, before the money was taken');
}

/**
 * Payment in three steps, each in its own transaction: commit the payment (paid, issue numbers),
 * render and sign every copy (a failure refunds at once), then reconcile against the session and
 * deliver. The whole eligibility decision is checked again before any money is taken.
 */
export async function pay(ctx: IssuanceContext, kiosk: Kiosk, issuanceId: string, paidYen: number, now: Date): Promise<DeliveryResponse> {
  const { row: quoted, session } = await issuanceAndSession(ctx.database.db, issuanceId, kiosk);
  checkPayable(quoted, paidYen);
  const certifier = await recheckAtPayment(ctx, kiosk, quoted, sessionOf(session, kiosk.terminalId, now), now);
  // The certifying municipality's name, as the eligibility check at payment just read it (read here when it did not say).
  const municipalityName = certifier.municipalityName ?? (await ctx.services.municipalityName(quoted.municipality_code));
  const paid = await runUnit(ctx.database, units.commitPayment, { kiosk, quoted, paidYen, municipalityName, now });
  const copies = await renderAndSign(ctx, kiosk, paid, now);
  await runUnit(ctx.database, units.deliver, { kiosk, issuanceId, copies, now });
  return {
    issuanceId,
    state: 'delivered',
    documents: copies.map((c) => ({
      binding: c.signed.binding,
      bindingJson: c.signed.bindingJson,
      bindingSignature: c.signed.bindingSignature,
      pdf: c.pdfBase64,
    })),
  };
}

/**
 * Reads the approved record once, renders each copy within the render timeout and signs its
 * binding. Any failure refunds the paid issuance at once (render failures and timeouts are also an
 * operator incident) and is thrown.
 */
async function renderAndSign(ctx: IssuanceContext, kiosk: Kiosk, paid: PaidIssuance, now: Date): Promise<DeliveredCopy[]> {
  const { row, documents } = paid;
  const issuanceId = row.issuance_id;
  try {
    const { certificateType, options } = selectionOf(row);
    const { data, ...context } = await ctx.services.certificateToRender(
      { residentId: row.resident_id, certificateType, options, now },
      row.municipality_code,
    );
    const issuedOn = japanDate(now);
    const signed: DeliveredCopy[] = [];
    for (const doc of documents) {
      const rendered = await renderWithTimeout(ctx, (signal) =>
        ctx.services.render(
          {
            issuanceId,
            copyIndex: doc.copyIndex,
            issueNumber: doc.issueNumber,
            municipality: context.municipality,
            policy: context.policy,
            issuedOn,
            data,
          },
          { timeoutMs: ctx.renderTimeoutMs, signal },
        ),
      );
      checkPages(doc.issueNumber, rendered);
      const binding: DocumentBinding = {
        issuanceId,
        issueNumber: doc.issueNumber,
        copyIndex: doc.copyIndex,
        pageCount: rendered.pageCount,
        pageIssueNumbers: rendered.pageIssueNumbers,
        documentSha256: createHash('sha256').update(rendered.pdf).digest('hex'),
        authCertificateSha256: row.auth_certificate_sha256,
        certificateType,
        issuedAt: now.toISOString(),
      };
      signed.push({
        issueNumber: doc.issueNumber,
        pageCount: rendered.pageCount,
        pageIssueNumbers: rendered.pageIssueNumbers,
        signed: signBinding(ctx.bindingKey, binding),
        pdfBase64: Buffer.from(rendered.pdf).toString('base64'),
      });
    }
    return signed;
  } catch (error) {
    const code: ErrorCode = error instanceof MadoguchiError ? error.code : 'ISSUANCE_RENDER_FAILED';
    const message = error instanceof Error ? error.message.slice(0, 200) : 'unknown';
    await runUnit(ctx.database, units.refundUnrendered, { kiosk, issuanceId, code, error: message, now });
    throw error instanceof MadoguchiError ? error : new MadoguchiError(code, error instanceof Error ? error.message : undefined);
  }
}

/** The renderer must have put this copy's issue number, and n/N, on every page. */
function checkPages(issueNumber: string, rendered: RenderedDocument): void {
  const expected = Array.from({ length: rendered.pageCount }, (_, i) => pageIssueNumber(issueNumber, i + 1, rendered.pageCount));
  if (
    rendered.pageCount < 1 ||
    rendered.pageIssueNumbers.length !== expected.length ||
    rendered.pageIssueNumbers.some((n, i) => n !== expected[i])
  ) {
    throw new MadoguchiError('ISSUANCE_RENDER_FAILED', 'rendered pages do not carry this copy’s issue numbers');
  }
}

/** The delivery again, for an idempotent replay of the payment call (the bytes must still exist). */
export async function deliveryOf(ctx: IssuanceContext, kiosk: Kiosk, issuanceId: string): Promise<DeliveryResponse> {
  const row = await issuanceFor(ctx.database.db, issuanceId, kiosk);
  const docs = await ctx.database.db
    .selectFrom('issuance_documents')
    .selectAll()
    .where('issuance_id', '=', issuanceId)
    .orderBy('copy_index')
    .execute();
  // The copies not yet reported: a kiosk restarted between two copies (its journal's print-after-restart)
  // asks again for the ones still to print; a copy reported printed has no bytes left, by design.
  const unreported = docs.filter((d) => d.print_outcome === null);
  if (
    row.state !== 'delivered' ||
    unreported.length === 0 ||
    unreported.some((d) => d.pdf_base64 === null || d.binding_json === null || d.binding_signature === null)
  ) {
    throw new MadoguchiError('ISSUANCE_INVALID_STATE', `documents are no longer available (issuance ${row.state})`);
  }
  return {
    issuanceId,
    state: row.state,
    documents: unreported.map((d) => ({
      binding: JSON.parse(d.binding_json!) as DocumentBinding,
      bindingJson: d.binding_json!,
      bindingSignature: d.binding_signature!,
      pdf: d.pdf_base64!,
    })),
  };
}

// ---------------------------------------------------------------- print results, cancel

export function reportPrintResult(
  ctx: IssuanceContext,
  kiosk: Kiosk,
  issuanceId: string,
  report: PrintReport,
  now: Date,
): Promise<PrintResultResponse> {
  return runUnit(ctx.database, units.reportPrintResult, { kiosk, issuanceId, report, now });
}

/** `reasonCode` is a catalog code (CancelRequest admits nothing else): it is recorded in the history. */
export function cancel(
  ctx: IssuanceContext,
  kiosk: Kiosk,
  issuanceId: string,
  reasonCode: ErrorCode | undefined,
  now: Date,
): Promise<PrintResultResponse> {
  return runUnit(ctx.database, units.cancel, { kiosk, issuanceId, reasonCode, now });
}

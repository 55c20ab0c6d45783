/**
 * Quote → pay → deliver → print result, and cancel. Every request works only on its own issuance,
 * keyed by its own id from the quote to the kiosk's print report: no shared files, no "current
 * job", nothing another request could pick up (docs/misissuance.md#r1). Each state change, its
 * documents and its audit row commit in one transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely, Selectable, Transaction } from 'kysely';
import {
  MadoguchiError,
  formatIssueNumber,
  isErrorCode,
  japanDate,
  pageIssueNumber,
  yen,
  type CertificateOptions,
  type CertificateType,
  type DeliveryResponse,
  type DocumentBinding,
  type ErrorCode,
  type IssuanceState,
  type PrintResultResponse,
  type QuoteResponse,
} from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { recordFeeCollected, recordRefund } from '../billing/ledger.js';
import { loadSession, sessionOf, type Session } from '../auth/sessions.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { IssuanceDocumentsTable, SessionsTable } from '../db/tables/issuance.js';
import type { Kiosk } from '../kiosks/registry.js';
import { signBinding, type BindingKey } from './binding.js';
import { recordIncident } from './incidents.js';
import { recordJourney } from '../statistics/journey-records.js';
import { recordQuoteRefusal } from '../statistics/refusal-records.js';
import { auditBase, type IssuanceRow } from './issuance-history.js';
import type { CenterServices, EligibilityRequest, RenderedDocument } from './services.js';
import { transition, tryTransition } from './state-machine.js';

export interface IssuanceContext {
  database: CenterDatabase;
  services: CenterServices;
  bindingKey: BindingKey;
  renderTimeoutMs: number;
}

type Tx = Transaction<Database>;

export interface QuoteInput {
  sessionId: string;
  certificateType: CertificateType;
  options: CertificateOptions;
  copies: number;
}

/** This kiosk's issuance, read in a transaction or outside one. */
async function issuanceFor(db: Kysely<Database>, issuanceId: string, kiosk: Kiosk): Promise<IssuanceRow> {
  const row = await db.selectFrom('issuances').selectAll().where('issuance_id', '=', issuanceId).executeTakeFirst();
  // Another kiosk's issuance is "not found": a kiosk never learns anything about someone else's.
  if (!row || row.terminal_id !== kiosk.terminalId) throw new MadoguchiError('ISSUANCE_NOT_FOUND');
  return row;
}

/**
 * This kiosk's issuance and its session's row, in one statement: payment checks the session with the
 * issuance it reads, and delivery reconciles against it. `earlierFailures`: whether another issuance
 * of the same session failed (not cancelled) before, for recordSuccessAfterFailure.
 */
async function issuanceAndSession(
  db: Kysely<Database>,
  issuanceId: string,
  kiosk: Kiosk,
): Promise<{ row: IssuanceRow; session: Selectable<SessionsTable> | undefined; earlierFailures: boolean }> {
  const found = await db
    .selectFrom('issuances as i')
    .leftJoin('sessions as s', 's.session_id', 'i.session_id')
    .selectAll('i')
    .select((eb) => [
      's.session_id as s_session_id',
      's.terminal_id as s_terminal_id',
      's.resident_id as s_resident_id',
      's.municipality_code as s_municipality_code',
      's.auth_certificate_sha256 as s_auth_certificate_sha256',
      's.auth_not_after as s_auth_not_after',
      's.card_usable_from as s_card_usable_from',
      's.created_at as s_created_at',
      's.expires_at as s_expires_at',
      eb
        .exists(
          eb
            .selectFrom('issuances as f')
            .select('f.issuance_id')
            .whereRef('f.session_id', '=', 'i.session_id')
            .whereRef('f.issuance_id', '!=', 'i.issuance_id')
            .where('f.failure_code', 'is not', null)
            .where('f.failure_code', '!=', CANCELLED),
        )
        .as('earlier_failures'),
    ])
    .where('i.issuance_id', '=', issuanceId)
    .executeTakeFirst();
  // Another kiosk's issuance is "not found", as in issuanceFor.
  if (!found || found.terminal_id !== kiosk.terminalId) throw new MadoguchiError('ISSUANCE_NOT_FOUND');
  const {
    s_session_id: sessionId,
    s_terminal_id: terminalId,
    s_resident_id: residentId,
    s_municipality_code: municipalityCode,
    s_auth_certificate_sha256: authCertificateSha256,
    s_auth_not_after: authNotAfter,
    s_card_usable_from: cardUsableFrom,
    s_created_at: createdAt,
    s_expires_at: expiresAt,
    earlier_failures: earlierFailures,
    ...row
  } = found;
  const session =
    sessionId === null
      ? undefined
      : {
          session_id: sessionId,
          terminal_id: terminalId!,
          resident_id: residentId!,
          municipality_code: municipalityCode!,
          auth_certificate_sha256: authCertificateSha256!,
          auth_not_after: authNotAfter!,
          card_usable_from: cardUsableFrom,
          created_at: createdAt!,
          expires_at: expiresAt!,
        };
  // SQLite answers a boolean expression as 0 or 1, PostgreSQL as a boolean.
  return { row, session, earlierFailures: Boolean(earlierFailures) };
}

/** A payment is taken only for a quoted issuance and for exactly its total. */
function checkPayable(row: IssuanceRow, paidYen: number): void {
  if (row.state !== 'quoted') throw new MadoguchiError('ISSUANCE_INVALID_STATE', `issuance is ${row.state}`);
  // A wrong amount is the kiosk's fault, not the quote's: refused without touching the quote.
  if (paidYen !== row.total_yen) throw new MadoguchiError('ISSUANCE_PAYMENT_MISMATCH', `paid ${paidYen}, due ${row.total_yen}`);
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

/** failure_code of an issuance the kiosk cancelled without a catalog reason (not a fault). */
const CANCELLED = 'CANCELLED';

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
  await writeTransaction(ctx.database, async (trx) => {
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
    await trx.insertInto('issuances').values(row).execute();
    await appendAudit(
      trx,
      ctx.database.kind,
      { event: 'quoted', ...auditBase(row, kiosk), detail: { feeYen: decision.feeYen, totalYen, sessionId: session.sessionId } },
      now,
    );
  });
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

interface PaidDocument {
  issueNumber: string;
  copyIndex: number;
}

async function allocateIssueNumbers(trx: Tx, kiosk: Kiosk, municipalityName: string, copies: number, now: Date): Promise<PaidDocument[]> {
  // The UPDATE takes the row lock (PostgreSQL) / the write lock (SQLite) until commit, so two
  // issuances on one terminal never read the same value; the unique issue_number is the backstop.
  const updated = await trx
    .updateTable('issue_sequences')
    .set((eb) => ({ last_value: eb('last_value', '+', copies) }))
    .where('terminal_id', '=', kiosk.terminalId)
    .returning('last_value')
    .executeTakeFirst();
  if (!updated) throw new MadoguchiError('INTERNAL', `no issue sequence for terminal ${kiosk.terminalId}`);
  const last = Number(updated.last_value);
  const date = japanDate(now).replaceAll('-', '');
  return Array.from({ length: copies }, (_, i) => ({
    copyIndex: i + 1,
    issueNumber: formatIssueNumber({
      date,
      municipalityName,
      terminalId: kiosk.terminalId,
      printerId: kiosk.printerId,
      sequence: String(last - copies + 1 + i).padStart(6, '0'),
    }),
  }));
}

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
  await writeTransaction(ctx.database, async (trx) => {
    const current = await issuanceFor(trx, row.issuance_id, kiosk);
    if (current.state !== 'quoted') throw new MadoguchiError('ISSUANCE_INVALID_STATE', `issuance is ${current.state}`);
    await transition(trx, row.issuance_id, 'quoted', 'voided', now, { failure_code: refusal });
    await appendAudit(
      trx,
      ctx.database.kind,
      { event: 'voided', ...auditBase(current, kiosk), detail: { reasonCode: refusal, stage: 'payment' } },
      now,
    );
  });
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
  const paid = await commitPayment(ctx, kiosk, quoted, paidYen, certifier.municipalityName, now);
  const signed = await renderAndSign(ctx, kiosk, paid, now);
  return reconcileAndDeliver(ctx, kiosk, issuanceId, signed, now);
}

interface PaidIssuance {
  row: IssuanceRow;
  documents: PaidDocument[];
}

interface SignedDocument {
  doc: PaidDocument;
  rendered: RenderedDocument;
  signed: ReturnType<typeof signBinding>;
}

/**
 * quoted → paid with each copy's issue number, and the history row, in one transaction.
 * `municipalityName`: the certifying municipality's, as the eligibility check at payment just read it
 * (read here when that check did not say).
 */
async function commitPayment(
  ctx: IssuanceContext,
  kiosk: Kiosk,
  quoted: IssuanceRow,
  paidYen: number,
  knownName: string | undefined,
  now: Date,
): Promise<PaidIssuance> {
  const issuanceId = quoted.issuance_id;
  const municipalityName = knownName ?? (await ctx.services.municipalityName(quoted.municipality_code));
  return writeTransaction(ctx.database, async (trx) => {
    // Checked again inside the transaction, in the UPDATE's own WHERE clause: a concurrent payment or
    // cancel may have moved it, or the session expired since. Only a refusal reads the row, to say why,
    // in the order of the checks before the transaction.
    const moved = await tryTransition(trx, issuanceId, 'quoted', 'paid', now, { paid_yen: paidYen }, (eb) =>
      eb.and([
        eb('terminal_id', '=', kiosk.terminalId),
        eb('total_yen', '=', paidYen),
        eb.exists(
          eb
            .selectFrom('sessions')
            .select('sessions.session_id')
            .whereRef('sessions.session_id', '=', 'issuances.session_id')
            .where('sessions.terminal_id', '=', kiosk.terminalId)
            .where('sessions.expires_at', '>', now.toISOString()),
        ),
      ]),
    );
    if (!moved) {
      const current = await issuanceAndSession(trx, issuanceId, kiosk);
      checkPayable(current.row, paidYen);
      sessionOf(current.session, kiosk.terminalId, now);
      throw new MadoguchiError('ISSUANCE_INVALID_STATE', 'issuance was no longer quoted');
    }
    // What the rest uses of the quoted row (resident, municipality, type, options, copies, fee, card)
    // is written once at the quote and never changed; its state and amounts are what the UPDATE decided.
    const row = quoted;
    const documents = await allocateIssueNumbers(trx, kiosk, municipalityName, row.copies, now);
    await trx
      .insertInto('issuance_documents')
      .values(
        documents.map((d) => ({
          issue_number: d.issueNumber,
          issuance_id: issuanceId,
          copy_index: d.copyIndex,
          page_count: null,
          page_issue_numbers_json: null,
          document_sha256: null,
          binding_json: null,
          binding_signature: null,
          pdf_base64: null,
          pdf_deleted_at: null,
          print_outcome: null,
          print_reason_code: null,
          reported_at: null,
        })),
      )
      .execute();
    await appendAudit(
      trx,
      ctx.database.kind,
      { event: 'paid', ...auditBase(row, kiosk), issueNumbers: documents.map((d) => d.issueNumber), detail: { paidYen } },
      now,
    );
    // The fee enters the billing ledger with the payment: after the history row, whose lock orders it with a monthly close.
    await recordFeeCollected(trx, ctx.database.kind, row, paidYen, now, kiosk.chainCode);
    return { row, documents };
  });
}

/**
 * Reads the approved record once, renders each copy within the render timeout and signs its
 * binding. Any failure refunds the paid issuance at once (render failures and timeouts are also an
 * operator incident) and is thrown.
 */
async function renderAndSign(ctx: IssuanceContext, kiosk: Kiosk, paid: PaidIssuance, now: Date): Promise<SignedDocument[]> {
  const { row, documents } = paid;
  const issuanceId = row.issuance_id;
  try {
    const { certificateType, options } = selectionOf(row);
    const { data, ...context } = await ctx.services.certificateToRender(
      { residentId: row.resident_id, certificateType, options, now },
      row.municipality_code,
    );
    const issuedOn = japanDate(now);
    const signed: SignedDocument[] = [];
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
      signed.push({ doc, rendered, signed: signBinding(ctx.bindingKey, binding) });
    }
    return signed;
  } catch (error) {
    const code: ErrorCode = error instanceof MadoguchiError ? error.code : 'ISSUANCE_RENDER_FAILED';
    await writeTransaction(ctx.database, async (trx) => {
      const current = await issuanceFor(trx, issuanceId, kiosk);
      if (current.state !== 'paid') return; // cancelled meanwhile: already refunded
      await refund(ctx, trx, current, kiosk, 'paid', code, now);
      // A refusal found at payment (the record changed since the quote) is the data doing its job;
      // a render failure or timeout is something an operator looks at.
      if (code.startsWith('ISSUANCE_') || code === 'INTERNAL') {
        await recordIncident(
          trx,
          {
            kind: 'render_failed',
            issuanceId,
            terminalId: kiosk.terminalId,
            detail: { code, error: error instanceof Error ? error.message.slice(0, 200) : 'unknown' },
          },
          now,
        );
      }
    });
    throw error instanceof MadoguchiError ? error : new MadoguchiError(code, error instanceof Error ? error.message : undefined);
  }
}

/**
 * Reconcile before anything leaves: the documents are for the resident whose card signed in. On a
 * match, paid → delivered with the documents and the history row (plus an incident when this
 * session failed before: an error followed by a success is looked at, docs/misissuance.md#r3). On a
 * mismatch nothing is delivered; the incident and the refund commit in a transaction of their own.
 */
async function reconcileAndDeliver(
  ctx: IssuanceContext,
  kiosk: Kiosk,
  issuanceId: string,
  delivered: SignedDocument[],
  now: Date,
): Promise<DeliveryResponse> {
  const reconciled = await writeTransaction(ctx.database, async (trx) => {
    const { row: current, session, earlierFailures } = await issuanceAndSession(trx, issuanceId, kiosk);
    if (!session) throw new MadoguchiError('INTERNAL', 'the issuance’s session row is missing');
    if (
      session.resident_id !== current.resident_id ||
      delivered.some((d) => d.signed.binding.authCertificateSha256 !== session.auth_certificate_sha256)
    )
      return false;
    await transition(trx, issuanceId, 'paid', 'delivered', now);
    await storeDocuments(trx, issuanceId, delivered);
    await appendAudit(
      trx,
      ctx.database.kind,
      {
        event: 'delivered',
        ...auditBase(current, kiosk),
        pageCount: delivered.reduce((n, d) => n + d.rendered.pageCount, 0),
        issueNumbers: delivered.map((d) => d.doc.issueNumber),
        detail: {
          documentSha256: delivered.map((d) => d.signed.binding.documentSha256),
          authCertificateSha256: current.auth_certificate_sha256,
        },
      },
      now,
    );
    if (earlierFailures) await recordSuccessAfterFailure(trx, current, kiosk, now);
    return true;
  });
  if (!reconciled) {
    // The incident, the refund and its audit row commit together, apart from the delivery that
    // was refused: an operator sees the mismatch at once and the resident's money goes back now,
    // not when the sweeper finds a paid issuance without a print result.
    await writeTransaction(ctx.database, async (trx) => {
      const current = await issuanceFor(trx, issuanceId, kiosk);
      await recordIncident(
        trx,
        {
          kind: 'reconciliation_mismatch',
          issuanceId,
          terminalId: kiosk.terminalId,
          detail: { stage: 'delivery', refunded: current.state === 'paid' },
        },
        now,
      );
      if (current.state === 'paid') await refund(ctx, trx, current, kiosk, 'paid', 'ISSUANCE_DOCUMENT_MISMATCH', now);
    });
    throw new MadoguchiError(
      'ISSUANCE_DOCUMENT_MISMATCH',
      'delivery does not match the authenticated session; nothing delivered, refunded',
    );
  }
  return {
    issuanceId,
    state: 'delivered',
    documents: delivered.map((d) => ({
      binding: d.signed.binding,
      bindingJson: d.signed.bindingJson,
      bindingSignature: d.signed.bindingSignature,
      pdf: Buffer.from(d.rendered.pdf).toString('base64'),
    })),
  };
}

/** Each copy's pages, hashes, signed binding and bytes (the bytes are kept until printed or the document TTL). */
async function storeDocuments(trx: Tx, issuanceId: string, delivered: SignedDocument[]): Promise<void> {
  for (const { doc, rendered, signed } of delivered) {
    await trx
      .updateTable('issuance_documents')
      .set({
        page_count: rendered.pageCount,
        page_issue_numbers_json: JSON.stringify(rendered.pageIssueNumbers),
        document_sha256: signed.binding.documentSha256,
        binding_json: signed.bindingJson,
        binding_signature: signed.bindingSignature,
        pdf_base64: Buffer.from(rendered.pdf).toString('base64'),
      })
      .where('issuance_id', '=', issuanceId)
      .where('issue_number', '=', doc.issueNumber)
      .execute();
  }
}

/** Earlier failed issuances in the same session (issuanceAndSession says whether any), delivered now: the operator reconciles them. */
async function recordSuccessAfterFailure(trx: Tx, current: IssuanceRow, kiosk: Kiosk, now: Date): Promise<void> {
  const earlierFailures = await trx
    .selectFrom('issuances')
    .select('issuance_id')
    .where('session_id', '=', current.session_id)
    .where('issuance_id', '!=', current.issuance_id)
    .where('failure_code', 'is not', null)
    .where('failure_code', '!=', CANCELLED)
    .execute();
  if (earlierFailures.length === 0) return;
  await recordIncident(
    trx,
    {
      kind: 'success_after_failure',
      issuanceId: current.issuance_id,
      terminalId: kiosk.terminalId,
      detail: { failedIssuanceIds: earlierFailures.map((f) => f.issuance_id), reconciled: true },
    },
    now,
  );
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

// ---------------------------------------------------------------- refunds, print results, cancel

/**
 * from → failed → refunded, in the caller's transaction. The refund covers every copy not
 * printed; unreported copies are marked unprinted and their bytes deleted.
 */
export async function refund(
  ctx: Pick<IssuanceContext, 'database'>,
  trx: Tx,
  row: IssuanceRow,
  kiosk: Pick<Kiosk, 'storeCode' | 'terminalId'>,
  from: 'paid' | 'delivered',
  failureCode: string,
  now: Date,
): Promise<number> {
  await trx
    .updateTable('issuance_documents')
    .set({ print_outcome: 'unprinted', reported_at: now.toISOString(), pdf_base64: null, pdf_deleted_at: now.toISOString() })
    .where('issuance_id', '=', row.issuance_id)
    .where('print_outcome', 'is', null)
    .execute();
  const docs = await trx
    .selectFrom('issuance_documents')
    .select(['issue_number', 'print_outcome'])
    .where('issuance_id', '=', row.issuance_id)
    .execute();
  const printed = docs.filter((d) => d.print_outcome === 'printed').length;
  const refundYen = row.fee_yen * (row.copies - printed);
  await transition(trx, row.issuance_id, from, 'failed', now, { failure_code: failureCode });
  await transition(trx, row.issuance_id, 'failed', 'refunded', now, { refund_yen: refundYen });
  await appendAudit(
    trx,
    ctx.database.kind,
    {
      event: 'refunded',
      ...auditBase(row, kiosk),
      issueNumbers: docs.filter((d) => d.print_outcome !== 'printed').map((d) => d.issue_number),
      detail: { from, failureCode, refundYen, printedCopies: printed },
    },
    now,
  );
  await recordRefund(trx, ctx.database.kind, row, { refundYen, copies: row.copies - printed }, now);
  // Every refund is in the operators' incident list (issue 12), whichever path made it.
  await recordIncident(
    trx,
    { kind: 'refunded', issuanceId: row.issuance_id, terminalId: kiosk.terminalId, detail: { failureCode, refundYen } },
    now,
  );
  return refundYen;
}

export async function reportPrintResult(
  ctx: IssuanceContext,
  kiosk: Kiosk,
  issuanceId: string,
  report: {
    issueNumber: string;
    outcome: 'printed' | 'failed' | 'rejected';
    reasonCode?: ErrorCode | undefined;
    journeyMs?: number | undefined;
  },
  now: Date,
): Promise<PrintResultResponse> {
  return writeTransaction(ctx.database, async (trx) => {
    const { row, doc } = await issuanceAndCopy(trx, issuanceId, report.issueNumber, kiosk);
    if (!doc) throw new MadoguchiError('ISSUANCE_NOT_FOUND', 'no such issue number in this issuance');
    if (row.state !== 'delivered' || doc.print_outcome !== null)
      throw new MadoguchiError('ISSUANCE_INVALID_STATE', `issuance is ${row.state}, copy is ${doc.print_outcome ?? 'unreported'}`);

    if (report.outcome === 'printed') {
      if (report.journeyMs !== undefined) await recordJourney(trx, row, report.journeyMs, now);
      return recordPrinted(ctx, trx, kiosk, row, doc, now);
    }
    return recordPrintFailure(ctx, trx, kiosk, row, doc, { outcome: report.outcome, reasonCode: report.reasonCode }, now);
  });
}

type DocumentRow = Pick<Selectable<IssuanceDocumentsTable>, 'issue_number' | 'page_count' | 'print_outcome'>;

/**
 * This kiosk's issuance and one of its copies, in one statement. Not the copy's bytes (pdf_base64,
 * ~100 KB a page): a print report needs its number, pages and state only.
 */
async function issuanceAndCopy(
  trx: Tx,
  issuanceId: string,
  issueNumber: string,
  kiosk: Kiosk,
): Promise<{ row: IssuanceRow; doc: DocumentRow | undefined }> {
  const found = await trx
    .selectFrom('issuances as i')
    .leftJoin('issuance_documents as d', (join) => join.onRef('d.issuance_id', '=', 'i.issuance_id').on('d.issue_number', '=', issueNumber))
    .selectAll('i')
    .select(['d.issue_number as d_issue_number', 'd.page_count as d_page_count', 'd.print_outcome as d_print_outcome'])
    .where('i.issuance_id', '=', issuanceId)
    .executeTakeFirst();
  // Another kiosk's issuance is "not found", as in issuanceFor.
  if (!found || found.terminal_id !== kiosk.terminalId) throw new MadoguchiError('ISSUANCE_NOT_FOUND');
  const { d_issue_number: docNumber, d_page_count: pageCount, d_print_outcome: printOutcome, ...row } = found;
  return { row, doc: docNumber === null ? undefined : { issue_number: docNumber, page_count: pageCount, print_outcome: printOutcome } };
}

async function recordPrinted(
  ctx: IssuanceContext,
  trx: Tx,
  kiosk: Kiosk,
  row: IssuanceRow,
  doc: DocumentRow,
  now: Date,
): Promise<PrintResultResponse> {
  const issuanceId = row.issuance_id;
  const updated = await trx
    .updateTable('issuance_documents')
    .set({ print_outcome: 'printed', reported_at: now.toISOString(), pdf_base64: null, pdf_deleted_at: now.toISOString() })
    .where('issue_number', '=', doc.issue_number)
    .where('print_outcome', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new MadoguchiError('ISSUANCE_INVALID_STATE', 'copy already reported');
  await appendAudit(
    trx,
    ctx.database.kind,
    { event: 'printed', ...auditBase(row, kiosk), pageCount: doc.page_count ?? undefined, issueNumbers: [doc.issue_number] },
    now,
  );
  // After appendAudit on purpose: its lock (SQLite's write lock; on PostgreSQL the issuance row's
  // lock, which appendAudit takes for a copy's report: audit/chain.ts keepOrder) waits for a
  // concurrent report of another copy to commit, so the last of two racing reports sees both copies
  // printed and moves the issuance to printed. "No copy left unreported" is the UPDATE's own
  // condition: one statement when it holds (a one-copy issuance always).
  const lastCopy = (eb: ExpressionBuilder<Database, 'issuances'>) =>
    eb.not(
      eb.exists(
        eb
          .selectFrom('issuance_documents')
          .select('issuance_documents.issue_number')
          .whereRef('issuance_documents.issuance_id', '=', 'issuances.issuance_id')
          .where('issuance_documents.print_outcome', 'is', null),
      ),
    );
  if (await tryTransition(trx, issuanceId, 'delivered', 'printed', now, {}, lastCopy)) {
    return { issuanceId, state: 'printed', refundYen: yen(0) };
  }
  const remaining = await trx
    .selectFrom('issuance_documents')
    .select('issue_number')
    .where('issuance_id', '=', issuanceId)
    .where('print_outcome', 'is', null)
    .execute();
  // Every copy printed, yet not moved: the issuance was no longer delivered.
  if (remaining.length === 0) throw new MadoguchiError('ISSUANCE_INVALID_STATE', 'issuance was no longer delivered');
  const state: IssuanceState = 'delivered';
  return { issuanceId, state, refundYen: yen(0) };
}

async function recordPrintFailure(
  ctx: IssuanceContext,
  trx: Tx,
  kiosk: Kiosk,
  row: IssuanceRow,
  doc: DocumentRow,
  report: { outcome: 'failed' | 'rejected'; reasonCode?: ErrorCode | undefined },
  now: Date,
): Promise<PrintResultResponse> {
  const issuanceId = row.issuance_id;
  // A catalog code (the request schema admits nothing else): the history holds codes only.
  const failureCode: ErrorCode =
    report.reasonCode ?? (report.outcome === 'rejected' ? 'ISSUANCE_DOCUMENT_MISMATCH' : 'ISSUANCE_PRINT_FAILED');
  await trx
    .updateTable('issuance_documents')
    .set({
      print_outcome: report.outcome,
      print_reason_code: failureCode,
      reported_at: now.toISOString(),
      pdf_base64: null,
      pdf_deleted_at: now.toISOString(),
    })
    .where('issue_number', '=', doc.issue_number)
    .execute();
  await appendAudit(
    trx,
    ctx.database.kind,
    {
      event: 'print_failed',
      ...auditBase(row, kiosk),
      pageCount: doc.page_count ?? undefined,
      issueNumbers: [doc.issue_number],
      detail: { outcome: report.outcome, failureCode },
    },
    now,
  );
  await recordIncident(
    trx,
    {
      kind: report.outcome === 'rejected' ? 'document_rejected' : 'print_failed',
      issuanceId,
      terminalId: kiosk.terminalId,
      detail: { issueNumber: doc.issue_number, failureCode },
    },
    now,
  );
  const refundYen = await refund(ctx, trx, row, kiosk, 'delivered', failureCode, now);
  return { issuanceId, state: 'refunded', refundYen: yen(refundYen) };
}

/** `reasonCode` is a catalog code (CancelRequest admits nothing else): it is recorded in the history. */
export async function cancel(
  ctx: IssuanceContext,
  kiosk: Kiosk,
  issuanceId: string,
  reasonCode: ErrorCode | undefined,
  now: Date,
): Promise<PrintResultResponse> {
  return writeTransaction(ctx.database, async (trx) => {
    const row = await issuanceFor(trx, issuanceId, kiosk);
    const state = row.state as IssuanceState;
    if (state === 'quoted') {
      await transition(trx, issuanceId, 'quoted', 'voided', now, { failure_code: null });
      await appendAudit(
        trx,
        ctx.database.kind,
        { event: 'voided', ...auditBase(row, kiosk), detail: { reasonCode: reasonCode ?? null } },
        now,
      );
      return { issuanceId, state: 'voided', refundYen: yen(0) };
    }
    if (state === 'paid' || state === 'delivered') {
      const refundYen = await refund(ctx, trx, row, kiosk, state, reasonCode ?? CANCELLED, now);
      return { issuanceId, state: 'refunded', refundYen: yen(refundYen) };
    }
    throw new MadoguchiError('ISSUANCE_INVALID_STATE', `issuance is ${state}`);
  });
}

/**
 * The database side of each kiosk issuance call, as units of work (db/database.ts runUnit): each call's
 * statements, transactions and the checks between them in one function of the database and plain,
 * structured-cloneable arguments. On SQLite a unit runs inside the SQLite thread as one message, so a
 * write transaction never waits for a turn of the serving thread's event loop while it holds the one
 * write lock; on PostgreSQL the same function runs on the serving thread (docs/misissuance.md#r7). What
 * a unit decides is what issuance-service.ts decided in-line before: the same statements in the same
 * transactions, with the same re-reads (docs/misissuance.md#kawasaki). The orchestration around them
 * (eligibility, rendering, signing) stays in issuance-service.ts, where its services are.
 */
import type { ExpressionBuilder, Kysely, Selectable, Transaction } from 'kysely';
import {
  MadoguchiError,
  formatIssueNumber,
  japanDate,
  yen,
  type ErrorCode,
  type IssuanceState,
  type PrintResultResponse,
} from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { recordFeeCollected, recordRefund } from '../billing/ledger.js';
import { sessionOf } from '../auth/sessions.js';
import { unitOfWork, writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { IssuanceDocumentsTable, SessionsTable } from '../db/tables/issuance.js';
import type { Kiosk } from '../kiosks/registry.js';
import type { signBinding } from './binding.js';
import { recordIncident } from './incidents.js';
import { recordJourney } from '../statistics/journey-records.js';
import { auditBase, type IssuanceRow } from './issuance-history.js';
import type { RenderedDocument } from './services.js';
import { transition, tryTransition } from './state-machine.js';

type Tx = Transaction<Database>;

/** What a refund and the history rows need of the context: the database, for its kind. */
interface DatabaseContext {
  database: CenterDatabase;
}

/** This kiosk's issuance, read in a transaction or outside one. */
export async function issuanceFor(db: Kysely<Database>, issuanceId: string, kiosk: Kiosk): Promise<IssuanceRow> {
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
export async function issuanceAndSession(
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
export function checkPayable(row: IssuanceRow, paidYen: number): void {
  if (row.state !== 'quoted') throw new MadoguchiError('ISSUANCE_INVALID_STATE', `issuance is ${row.state}`);
  // A wrong amount is the kiosk's fault, not the quote's: refused without touching the quote.
  if (paidYen !== row.total_yen) throw new MadoguchiError('ISSUANCE_PAYMENT_MISMATCH', `paid ${paidYen}, due ${row.total_yen}`);
}

/** failure_code of an issuance the kiosk cancelled without a catalog reason (not a fault). */
export const CANCELLED = 'CANCELLED';

export interface PaidDocument {
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

export interface PaidIssuance {
  row: IssuanceRow;
  documents: PaidDocument[];
}

export interface SignedDocument {
  doc: PaidDocument;
  rendered: RenderedDocument;
  signed: ReturnType<typeof signBinding>;
}

/** The quoted issuance and its history row, in one transaction (the eligibility decision was made before it). */
export const insertQuote = unitOfWork(
  'issuance.insertQuote',
  async (database: CenterDatabase, { row, kiosk, now }: { row: IssuanceRow; kiosk: Kiosk; now: Date }): Promise<void> => {
    await writeTransaction(database, async (trx) => {
      await trx.insertInto('issuances').values(row).execute();
      await appendAudit(
        trx,
        database.kind,
        {
          event: 'quoted',
          ...auditBase(row, kiosk),
          detail: { feeYen: row.fee_yen, totalYen: row.total_yen, sessionId: row.session_id },
        },
        now,
      );
    });
  },
);

/** The render failed or timed out, or the record refused at payment: refund the paid issuance (and an incident for a fault). */
export const refundUnrendered = unitOfWork(
  'issuance.refundUnrendered',
  async (
    database: CenterDatabase,
    { kiosk, issuanceId, code, error, now }: { kiosk: Kiosk; issuanceId: string; code: ErrorCode; error: string; now: Date },
  ): Promise<void> => {
    await writeTransaction(database, async (trx) => {
      const current = await issuanceFor(trx, issuanceId, kiosk);
      if (current.state !== 'paid') return; // cancelled meanwhile: already refunded
      await refund({ database }, trx, current, kiosk, 'paid', code, now);
      // A refusal found at payment (the record changed since the quote) is the data doing its job;
      // a render failure or timeout is something an operator looks at.
      if (code.startsWith('ISSUANCE_') || code === 'INTERNAL') {
        await recordIncident(trx, { kind: 'render_failed', issuanceId, terminalId: kiosk.terminalId, detail: { code, error } }, now);
      }
    });
  },
);

/** What a kiosk reports of one copy. */
export interface PrintReport {
  issueNumber: string;
  outcome: 'printed' | 'failed' | 'rejected';
  reasonCode?: ErrorCode | undefined;
  journeyMs?: number | undefined;
}

/**
 * quoted → paid with each copy's issue number, and the history row, in one transaction.
 * `municipalityName`: the certifying municipality's, for the issue numbers.
 */
export const commitPayment = unitOfWork(
  'issuance.commitPayment',
  async (
    database: CenterDatabase,
    {
      kiosk,
      quoted,
      paidYen,
      municipalityName,
      now,
    }: { kiosk: Kiosk; quoted: IssuanceRow; paidYen: number; municipalityName: string; now: Date },
  ): Promise<PaidIssuance> => {
    const issuanceId = quoted.issuance_id;
    return writeTransaction(database, async (trx) => {
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
        database.kind,
        { event: 'paid', ...auditBase(row, kiosk), issueNumbers: documents.map((d) => d.issueNumber), detail: { paidYen } },
        now,
      );
      // The fee enters the billing ledger with the payment: after the history row, whose lock orders it with a monthly close.
      await recordFeeCollected(trx, database.kind, row, paidYen, now, kiosk.chainCode);
      return { row, documents };
    });
  },
);

/** What delivery stores of a signed copy; the bytes as base64, made once for the row and the kiosk's answer. */
export interface DeliveredCopy {
  issueNumber: string;
  pageCount: number;
  pageIssueNumbers: string[];
  signed: ReturnType<typeof signBinding>;
  pdfBase64: string;
}

/**
 * Reconcile before anything leaves: the documents are for the resident whose card signed in. On a
 * match, paid → delivered with the documents and the history row (plus an incident when this
 * session failed before: an error followed by a success is looked at, docs/misissuance.md#r3). On a
 * mismatch nothing is delivered; the incident and the refund commit in a transaction of their own,
 * and ISSUANCE_DOCUMENT_MISMATCH is thrown.
 */
export const deliver = unitOfWork(
  'issuance.deliver',
  async (
    database: CenterDatabase,
    { kiosk, issuanceId, copies, now }: { kiosk: Kiosk; issuanceId: string; copies: DeliveredCopy[]; now: Date },
  ): Promise<void> => {
    const reconciled = await writeTransaction(database, async (trx) => {
      const { row: current, session, earlierFailures } = await issuanceAndSession(trx, issuanceId, kiosk);
      if (!session) throw new MadoguchiError('INTERNAL', 'the issuance’s session row is missing');
      if (
        session.resident_id !== current.resident_id ||
        copies.some((c) => c.signed.binding.authCertificateSha256 !== session.auth_certificate_sha256)
      )
        return false;
      await transition(trx, issuanceId, 'paid', 'delivered', now);
      await storeDocuments(trx, issuanceId, copies);
      await appendAudit(
        trx,
        database.kind,
        {
          event: 'delivered',
          ...auditBase(current, kiosk),
          pageCount: copies.reduce((n, c) => n + c.pageCount, 0),
          issueNumbers: copies.map((c) => c.issueNumber),
          detail: {
            documentSha256: copies.map((c) => c.signed.binding.documentSha256),
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
      await writeTransaction(database, async (trx) => {
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
        if (current.state === 'paid') await refund({ database }, trx, current, kiosk, 'paid', 'ISSUANCE_DOCUMENT_MISMATCH', now);
      });
      throw new MadoguchiError(
        'ISSUANCE_DOCUMENT_MISMATCH',
        'delivery does not match the authenticated session; nothing delivered, refunded',
      );
    }
  },
);

/** Each copy's pages, hashes, signed binding and bytes (the bytes are kept until printed or the document TTL). */
async function storeDocuments(trx: Tx, issuanceId: string, copies: DeliveredCopy[]): Promise<void> {
  for (const { issueNumber, pageCount, pageIssueNumbers, signed, pdfBase64 } of copies) {
    await trx
      .updateTable('issuance_documents')
      .set({
        page_count: pageCount,
        page_issue_numbers_json: JSON.stringify(pageIssueNumbers),
        document_sha256: signed.binding.documentSha256,
        binding_json: signed.bindingJson,
        binding_signature: signed.bindingSignature,
        pdf_base64: pdfBase64,
      })
      .where('issuance_id', '=', issuanceId)
      .where('issue_number', '=', issueNumber)
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

// ---------------------------------------------------------------- refunds, print results, cancel

/**
 * from → failed → refunded, in the caller's transaction. The refund covers every copy not
 * printed; unreported copies are marked unprinted and their bytes deleted.
 */
export async function refund(
  ctx: DatabaseContext,
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

/**
 * A copy's print report: printed (the issuance printed when it was the last), or failed or rejected (refunded).
 *
 * A failure or rejection refunds every copy not reported printed, so one that arrives while an EARLIER copy
 * of the issuance has no result yet is refused with ISSUANCE_EARLIER_COPY_UNREPORTED (503): that copy may be
 * on paper, its `printed` still on the way (a kiosk prints in order and stops at its first failure, so every
 * copy before a failed one is on paper). Nothing is written; a settlement's 5xx is not
 * stored as its result (idempotency.ts), so the kiosk's outbox sends it again with the same key after the
 * earlier copy's result, and it refunds exactly the copies not printed then. A `printed` report moves no money
 * and is taken in any order. An issuance whose earlier result never comes is refunded by the sweeper at the
 * print-result TTL as before (docs/misissuance.md#r10).
 */
export const reportPrintResult = unitOfWork(
  'issuance.reportPrintResult',
  async (
    database: CenterDatabase,
    { kiosk, issuanceId, report, now }: { kiosk: Kiosk; issuanceId: string; report: PrintReport; now: Date },
  ): Promise<PrintResultResponse> => {
    const ctx: DatabaseContext = { database };
    return writeTransaction(ctx.database, async (trx) => {
      const { row, doc } = await issuanceAndCopy(trx, issuanceId, report.issueNumber, kiosk);
      if (!doc) throw new MadoguchiError('ISSUANCE_NOT_FOUND', 'no such issue number in this issuance');
      if (row.state !== 'delivered' || doc.print_outcome !== null)
        throw new MadoguchiError('ISSUANCE_INVALID_STATE', `issuance is ${row.state}, copy is ${doc.print_outcome ?? 'unreported'}`);
      if (report.outcome !== 'printed' && doc.earlierUnreported)
        throw new MadoguchiError(
          'ISSUANCE_EARLIER_COPY_UNREPORTED',
          `copy ${doc.copy_index} reported ${report.outcome} before an earlier copy`,
        );

      if (report.outcome === 'printed') {
        if (report.journeyMs !== undefined) await recordJourney(trx, row, report.journeyMs, now);
        return recordPrinted(ctx, trx, kiosk, row, doc, now);
      }
      return recordPrintFailure(ctx, trx, kiosk, row, doc, { outcome: report.outcome, reasonCode: report.reasonCode }, now);
    });
  },
);

type DocumentRow = Pick<Selectable<IssuanceDocumentsTable>, 'issue_number' | 'copy_index' | 'page_count' | 'print_outcome'>;

/**
 * This kiosk's issuance and one of its copies, in one statement. Not the copy's bytes (pdf_base64,
 * ~100 KB a page): a print report needs its number, pages and state only, and whether an earlier copy
 * of the issuance has no result yet (`earlierUnreported`).
 */
async function issuanceAndCopy(
  trx: Tx,
  issuanceId: string,
  issueNumber: string,
  kiosk: Kiosk,
): Promise<{ row: IssuanceRow; doc: (DocumentRow & { earlierUnreported: boolean }) | undefined }> {
  const found = await trx
    .selectFrom('issuances as i')
    .leftJoin('issuance_documents as d', (join) => join.onRef('d.issuance_id', '=', 'i.issuance_id').on('d.issue_number', '=', issueNumber))
    .selectAll('i')
    .select((eb) => [
      'd.issue_number as d_issue_number',
      'd.copy_index as d_copy_index',
      'd.page_count as d_page_count',
      'd.print_outcome as d_print_outcome',
      eb
        .exists(
          eb
            .selectFrom('issuance_documents as e')
            .select('e.issue_number')
            .whereRef('e.issuance_id', '=', 'i.issuance_id')
            .whereRef('e.copy_index', '<', 'd.copy_index')
            .where('e.print_outcome', 'is', null),
        )
        .as('d_earlier_unreported'),
    ])
    .where('i.issuance_id', '=', issuanceId)
    .executeTakeFirst();
  // Another kiosk's issuance is "not found", as in issuanceFor.
  if (!found || found.terminal_id !== kiosk.terminalId) throw new MadoguchiError('ISSUANCE_NOT_FOUND');
  const {
    d_issue_number: docNumber,
    d_copy_index: copyIndex,
    d_page_count: pageCount,
    d_print_outcome: printOutcome,
    d_earlier_unreported: earlierUnreported,
    ...row
  } = found;
  if (docNumber === null) return { row, doc: undefined };
  // SQLite answers a boolean expression as 0 or 1, PostgreSQL as a boolean.
  const doc = { issue_number: docNumber, copy_index: copyIndex!, page_count: pageCount, print_outcome: printOutcome };
  return { row, doc: { ...doc, earlierUnreported: Boolean(earlierUnreported) } };
}

async function recordPrinted(
  ctx: DatabaseContext,
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
  ctx: DatabaseContext,
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
export const cancel = unitOfWork(
  'issuance.cancel',
  async (
    database: CenterDatabase,
    { kiosk, issuanceId, reasonCode, now }: { kiosk: Kiosk; issuanceId: string; reasonCode: ErrorCode | undefined; now: Date },
  ): Promise<PrintResultResponse> => {
    const ctx: DatabaseContext = { database };
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
  },
);

/** The quote refused at payment (issuance-service.ts recheckAtPayment): quoted → voided, before any money was taken. */
export const voidAtPayment = unitOfWork(
  'issuance.voidAtPayment',
  async (
    database: CenterDatabase,
    { kiosk, issuanceId, refusal, now }: { kiosk: Kiosk; issuanceId: string; refusal: ErrorCode; now: Date },
  ): Promise<void> => {
    await writeTransaction(database, async (trx) => {
      const current = await issuanceFor(trx, issuanceId, kiosk);
      if (current.state !== 'quoted') throw new MadoguchiError('ISSUANCE_INVALID_STATE', `issuance is ${current.state}`);
      await transition(trx, issuanceId, 'quoted', 'voided', now, { failure_code: refusal });
      await appendAudit(
        trx,
        database.kind,
        { event: 'voided', ...auditBase(current, kiosk), detail: { reasonCode: refusal, stage: 'payment' } },
        now,
      );
    });
  },
);

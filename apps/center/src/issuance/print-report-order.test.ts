/**
 * A copy's print failure that reaches the center before an earlier copy's `printed` (a kiosk without the
 * journal's ordered outbox, or an old one) must not refund the earlier copy, which may be on paper
 * (docs/misissuance.md#r10). On a real SQLite database, through the units as the center runs them (in the
 * SQLite thread) and the idempotency layer a kiosk's retries go through.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MadoguchiError, type ErrorCode } from '@madoguchi/shared';
import { openDatabase, runUnit, writeTransaction, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { runIdempotent } from './idempotency.js';
import type { IssuanceRow } from './issuance-history.js';
import * as units from './issuance-units.js';
import { transition } from './state-machine.js';
import { sweep } from './sweeper.js';

const kiosk = { terminalId: 'T-0001', printerId: 'P-1', storeCode: 'S-1', storeName: 'store' };
const FEE = 300;
const t0 = new Date('2026-12-07T03:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const policy = { printResultTtlMs: 15 * 60_000, documentTtlMs: 10 * 60_000, quoteTtlMs: 30 * 60_000, idempotencyTtlMs: 86_400_000 };

describe('a print failure that overtakes an earlier copy’s unreported result', () => {
  let database: CenterDatabase;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
    await database.db
      .insertInto('kiosks')
      .values({
        terminal_id: kiosk.terminalId,
        printer_id: kiosk.printerId,
        store_code: kiosk.storeCode,
        store_name: kiosk.storeName,
        enrolled_at: t0.toISOString(),
        revoked_at: null,
        chain_code: null,
      })
      .execute();
    await database.db.insertInto('issue_sequences').values({ terminal_id: kiosk.terminalId, last_value: 0 }).execute();
  });
  afterAll(() => database?.close());

  /** A delivered issuance of `copies` copies (paid through the payment's own unit): its id and issue numbers in copy order. */
  async function delivered(copies: number): Promise<{ issuanceId: string; numbers: string[] }> {
    const issuanceId = randomUUID();
    const sessionId = randomUUID();
    await database.db
      .insertInto('sessions')
      .values({
        session_id: sessionId,
        terminal_id: kiosk.terminalId,
        resident_id: 'r-1',
        municipality_code: '131016',
        auth_certificate_sha256: 'a'.repeat(64),
        auth_not_after: later(86_400_000).toISOString(),
        card_usable_from: null,
        created_at: t0.toISOString(),
        expires_at: later(600_000).toISOString(),
      })
      .execute();
    const row: IssuanceRow = {
      issuance_id: issuanceId,
      session_id: sessionId,
      terminal_id: kiosk.terminalId,
      resident_id: 'r-1',
      municipality_code: '131016',
      certificate_type: 'residenceRecord',
      options_json: '{}',
      copies,
      fee_yen: FEE,
      total_yen: FEE * copies,
      paid_yen: null,
      refund_yen: 0,
      state: 'quoted',
      failure_code: null,
      auth_certificate_sha256: 'a'.repeat(64),
      created_at: t0.toISOString(),
      updated_at: t0.toISOString(),
    };
    await runUnit(database, units.insertQuote, { row, kiosk, now: t0 });
    const paid = await runUnit(database, units.commitPayment, {
      kiosk,
      quoted: row,
      paidYen: FEE * copies,
      municipalityName: '千代田区',
      now: t0,
    });
    await writeTransaction(database, (trx) => transition(trx, issuanceId, 'paid', 'delivered', t0));
    return { issuanceId, numbers: paid.documents.map((d) => d.issueNumber) };
  }

  const report = (issuanceId: string, issueNumber: string, outcome: 'printed' | 'failed' | 'rejected', now = later(60_000)) =>
    runUnit(database, units.reportPrintResult, { kiosk, issuanceId, report: { issueNumber, outcome }, now });
  const codeOf = (p: Promise<unknown>): Promise<ErrorCode | 'answered'> =>
    p.then(
      () => 'answered',
      (e: unknown) => (e as MadoguchiError).code,
    );

  async function issuance(issuanceId: string) {
    return database.db
      .selectFrom('issuances')
      .select(['state', 'refund_yen'])
      .where('issuance_id', '=', issuanceId)
      .executeTakeFirstOrThrow();
  }
  async function outcomes(issuanceId: string) {
    const docs = await database.db
      .selectFrom('issuance_documents')
      .select(['copy_index', 'print_outcome'])
      .where('issuance_id', '=', issuanceId)
      .orderBy('copy_index')
      .execute();
    return docs.map((d) => d.print_outcome);
  }
  /** The issuance's refunds in the billing ledger: how many entries, and their yen and copies summed. */
  async function ledgerRefunds(issuanceId: string) {
    const rows = await database.db
      .selectFrom('billing_ledger')
      .select(['amount_yen', 'copies'])
      .where('issuance_id', '=', issuanceId)
      .where('kind', '=', 'refund')
      .execute();
    return { entries: rows.length, yen: rows.reduce((s, r) => s + r.amount_yen, 0), copies: rows.reduce((s, r) => s + (r.copies ?? 0), 0) };
  }

  it('refuses copy 2’s failure while copy 1 is unreported (retryable, no refund); sent again after copy 1’s, refunds copy 2', async () => {
    const { issuanceId, numbers } = await delivered(2);
    const [first, second] = numbers as [string, string];
    const refused = await report(issuanceId, second, 'failed').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MadoguchiError);
    expect((refused as MadoguchiError).code).toBe('ISSUANCE_EARLIER_COPY_UNREPORTED');
    // A 5xx: the kiosk's outbox keeps the report and sends it again (apps/kiosk/src/main/journal/crash-recovery.ts delivered).
    expect((refused as MadoguchiError).status).toBe(503);
    expect(await issuance(issuanceId)).toEqual({ state: 'delivered', refund_yen: 0 });
    expect(await outcomes(issuanceId)).toEqual([null, null]);
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 0, yen: 0, copies: 0 });

    expect(await report(issuanceId, first, 'printed')).toMatchObject({ state: 'delivered', refundYen: 0 });
    expect(await report(issuanceId, second, 'failed')).toMatchObject({ state: 'refunded', refundYen: FEE });
    expect(await issuance(issuanceId)).toEqual({ state: 'refunded', refund_yen: FEE });
    expect(await outcomes(issuanceId)).toEqual(['printed', 'failed']);
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 1, yen: -FEE, copies: -1 });
  });

  it('through the idempotency layer: the refusal is not stored, so the same key sent again runs and refunds copy 2 once', async () => {
    const { issuanceId, numbers } = await delivered(2);
    const [first, second] = numbers as [string, string];
    const call = (key: string, issueNumber: string, outcome: 'printed' | 'failed') =>
      runIdempotent(
        database,
        { terminalId: kiosk.terminalId, key, operation: 'print-result', request: { issuanceId, issueNumber, outcome }, now: later(60_000) },
        () => report(issuanceId, issueNumber, outcome),
      );
    const failureKey = randomUUID();
    expect(await codeOf(call(failureKey, second, 'failed'))).toBe('ISSUANCE_EARLIER_COPY_UNREPORTED');
    expect((await call(randomUUID(), first, 'printed')).body).toMatchObject({ state: 'delivered', refundYen: 0 });
    const again = await call(failureKey, second, 'failed');
    expect(again).toMatchObject({ status: 200, replayed: false, body: { state: 'refunded', refundYen: FEE } });
    // A third send (the answer lost) is the stored answer, not a second refund.
    expect(await call(failureKey, second, 'failed')).toMatchObject({ status: 200, replayed: true, body: { refundYen: FEE } });
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 1, yen: -FEE, copies: -1 });
  });

  it('of three copies, copy 3’s failure waits for copy 2 too, not only copy 1', async () => {
    const { issuanceId, numbers } = await delivered(3);
    const [first, second, third] = numbers as [string, string, string];
    expect(await report(issuanceId, first, 'printed')).toMatchObject({ state: 'delivered' });
    expect(await codeOf(report(issuanceId, third, 'failed'))).toBe('ISSUANCE_EARLIER_COPY_UNREPORTED');
    expect(await report(issuanceId, second, 'printed')).toMatchObject({ state: 'delivered' });
    expect(await report(issuanceId, third, 'failed')).toMatchObject({ state: 'refunded', refundYen: FEE });
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 1, yen: -FEE, copies: -1 });
  });

  it('a printer that fails copy 1 itself is refunded at once, every copy (nothing earlier to wait for)', async () => {
    const { issuanceId, numbers } = await delivered(2);
    expect(await report(issuanceId, numbers[0]!, 'failed')).toMatchObject({ state: 'refunded', refundYen: 2 * FEE });
    expect(await outcomes(issuanceId)).toEqual(['failed', 'unprinted']);
    // Copy 2's report, if a kiosk sends one, finds the issuance settled: a decision (409), dropped by the outbox.
    expect(await codeOf(report(issuanceId, numbers[1]!, 'failed'))).toBe('ISSUANCE_INVALID_STATE');
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 1, yen: -2 * FEE, copies: -2 });
  });

  it('a rejection of copy 2 waits for copy 1’s the same way; the kiosk’s rejection of every copy in order refunds all once', async () => {
    const { issuanceId, numbers } = await delivered(2);
    const [first, second] = numbers as [string, string];
    expect(await codeOf(report(issuanceId, second, 'rejected'))).toBe('ISSUANCE_EARLIER_COPY_UNREPORTED');
    expect(await report(issuanceId, first, 'rejected')).toMatchObject({ state: 'refunded', refundYen: 2 * FEE });
    expect(await codeOf(report(issuanceId, second, 'rejected'))).toBe('ISSUANCE_INVALID_STATE');
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 1, yen: -2 * FEE, copies: -2 });
  });

  it('takes a later copy’s printed before an earlier one’s (it moves no money); the issuance ends printed with the last', async () => {
    const { issuanceId, numbers } = await delivered(2);
    expect(await report(issuanceId, numbers[1]!, 'printed')).toMatchObject({ state: 'delivered', refundYen: 0 });
    expect(await report(issuanceId, numbers[0]!, 'printed')).toMatchObject({ state: 'printed', refundYen: 0 });
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 0, yen: 0, copies: 0 });
  });

  it('is never stuck: when copy 1’s result never comes (the kiosk died), the sweeper settles it at the TTL, once', async () => {
    const { issuanceId, numbers } = await delivered(2);
    const [first, second] = numbers as [string, string];
    expect(await codeOf(report(issuanceId, second, 'failed'))).toBe('ISSUANCE_EARLIER_COPY_UNREPORTED');
    // Not before the TTL: the refusal did not touch the issuance, whose clock runs from its delivery.
    expect((await sweep(database, policy, later(policy.printResultTtlMs - 1000))).refunded).not.toContain(issuanceId);
    const swept = await sweep(database, policy, later(policy.printResultTtlMs + 1000));
    expect(swept.refunded).toContain(issuanceId);
    // Neither copy was reported printed: both are refunded, as a missing result always is, and an operator is told.
    expect(await issuance(issuanceId)).toEqual({ state: 'refunded', refund_yen: 2 * FEE });
    expect(await outcomes(issuanceId)).toEqual(['unprinted', 'unprinted']);
    const incidents = await database.db.selectFrom('incidents').select('kind').where('issuance_id', '=', issuanceId).execute();
    expect(incidents.map((i) => i.kind)).toContain('print_result_missing');
    // Late reports are refused as settled (409), and nothing is refunded twice.
    expect(await codeOf(report(issuanceId, first, 'printed', later(policy.printResultTtlMs + 2000)))).toBe('ISSUANCE_INVALID_STATE');
    expect(await codeOf(report(issuanceId, second, 'failed', later(policy.printResultTtlMs + 2000)))).toBe('ISSUANCE_INVALID_STATE');
    expect((await sweep(database, policy, later(policy.printResultTtlMs + 3000))).refunded).not.toContain(issuanceId);
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 1, yen: -2 * FEE, copies: -2 });
  });

  it('a cancel still refunds every copy not reported printed, never a printed one (unchanged, docs/misissuance.md#r10)', async () => {
    const { issuanceId, numbers } = await delivered(2);
    expect(await report(issuanceId, numbers[0]!, 'printed')).toMatchObject({ state: 'delivered' });
    const cancelled = await runUnit(database, units.cancel, { kiosk, issuanceId, reasonCode: undefined, now: later(60_000) });
    expect(cancelled).toMatchObject({ state: 'refunded', refundYen: FEE });
    expect(await outcomes(issuanceId)).toEqual(['printed', 'unprinted']);
    expect(await ledgerRefunds(issuanceId)).toEqual({ entries: 1, yen: -FEE, copies: -1 });
  });
});

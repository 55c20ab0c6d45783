/**
 * The audit chain on PostgreSQL with several center processes (docs/benchmarks.md#several-centers): every
 * history row of every process needs the chain's lock, so it must never be held while a transaction waits
 * for its own process. A row is chained in the COMMIT's round trip; a transaction still open after its
 * append no longer holds up the other processes' appends. The chain stays one verified chain, and what the
 * lock also ordered (a ledger entry against a month's close, two reports of one issuance's copies) stays
 * ordered. Two handles on one database stand for two center processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain, writeTransaction, type CenterDatabase } from '@madoguchi/center';
import { createHarness } from '../support/databases.js';
import { ok, startCenter, type CenterHarness } from './support/center-harness.js';

const NOW = new Date('2026-11-24T03:00:00.000Z');

/** A transaction that appends `event` and then stays open until `release` is called. */
function heldOpen(database: CenterDatabase, entry: Parameters<typeof appendAudit>[2]) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let appended!: () => void;
  const appendedPromise = new Promise<void>((r) => (appended = r));
  const done = writeTransaction(database, async (trx) => {
    await appendAudit(trx, database.kind, entry, NOW);
    appended();
    await gate;
  });
  return { appended: appendedPromise, release, done };
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<false>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}

describe('audit chain lock on PostgreSQL, two center processes', () => {
  const harness = createHarness('postgres');
  let first: CenterDatabase;
  let second: CenterDatabase;
  beforeAll(async () => {
    first = await harness.fresh();
    second = await harness.openAnother(first);
  });
  afterAll(() => harness.dispose());

  it('an append in a transaction still open does not hold up another process’s append', async () => {
    const open = heldOpen(first, { event: 'staff_signed_in', detail: { staffId: 'held' } });
    await open.appended;
    // Before: the chain's lock was taken at the append and held to the commit, so this waited for `open`.
    const other = writeTransaction(second, (trx) =>
      appendAudit(trx, second.kind, { event: 'staff_signed_in', detail: { staffId: 'other' } }, NOW),
    );
    const settled = await settlesWithin(other, 5_000);
    open.release();
    await Promise.all([open.done, other]);
    expect(settled).toBe(true);
    const rows = await first.db.selectFrom('audit_events').select(['seq', 'detail_json']).orderBy('seq').execute();
    // Chained in commit order: `other` committed first, not having waited for `open`.
    expect(rows.map((r) => JSON.parse(r.detail_json!).staffId)).toEqual(['other', 'held']);
    expect((await verifyAuditChain(first.db)).ok).toBe(true);
  });

  it('many appends from two processes at once, odd texts included, make one chain that verifies', async () => {
    const before = await first.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const odd = [`it's`, 'back\\slash', '"seq":0,"store_code":', '横浜市 𠮷野家', `E'\\n'`, '%_$1'];
    const transactions = Array.from({ length: 60 }, (_, i) => {
      const database = i % 2 === 0 ? first : second;
      return writeTransaction(database, async (trx) => {
        for (let k = 0; k <= i % 3; k++) {
          await appendAudit(
            trx,
            database.kind,
            {
              event: 'configuration_changed',
              municipalityCode: '131016',
              copies: i,
              detail: { staffId: `s${i}-${k}`, section: odd[(i + k) % odd.length], before: null, after: i },
            },
            NOW,
          );
          // Work between two rows of one transaction, as a busy center would take.
          await new Promise((r) => setTimeout(r, (i * 7) % 5));
        }
      });
    });
    await Promise.all(transactions);
    const expected = Array.from({ length: 60 }, (_, i) => (i % 3) + 1).reduce((a, b) => a + b, 0);
    const rows = await first.db
      .selectFrom('audit_events')
      .selectAll()
      .where('event', '=', 'configuration_changed')
      .orderBy('seq')
      .execute();
    expect(rows.length).toBe(expected);
    // One transaction's rows are consecutive and in the order they were appended.
    const byTransaction = new Map<number, number[]>();
    for (const row of rows) byTransaction.set(row.copies!, [...(byTransaction.get(row.copies!) ?? []), row.seq]);
    for (const seqs of byTransaction.values()) expect(seqs).toEqual(seqs.map((_, k) => seqs[0]! + k));
    expect(rows.map((r) => JSON.parse(r.detail_json!).section)).toEqual(expect.arrayContaining(odd));
    const verification = await verifyAuditChain(second.db);
    expect(verification.ok).toBe(true);
    expect(verification.rows).toBe(Number(before.n) + expected);
  });

  it('a refused row fails its transaction: nothing of it is kept', async () => {
    const count = async () =>
      Number(
        (
          await first.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await expect(
      writeTransaction(first, async (trx) => {
        await appendAudit(trx, first.kind, { event: 'staff_signed_in', detail: { staffId: 'kept?' } }, NOW);
        await appendAudit(trx, first.kind, { event: 'staff_signed_in', detail: { staffId: 'two\nlines' } }, NOW);
      }),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await count()).toBe(before);
  });

  it('a month’s close waits for a ledger entry’s transaction; two entries do not wait for each other', async () => {
    const fee = heldOpen(first, { event: 'paid', municipalityCode: '131016', detail: { paidYen: 300 } });
    await fee.appended;
    const otherFee = writeTransaction(second, (trx) =>
      appendAudit(trx, second.kind, { event: 'refunded', municipalityCode: '131016', detail: { refundYen: 300 } }, NOW),
    );
    expect(await settlesWithin(otherFee, 5_000)).toBe(true);
    const close = writeTransaction(second, (trx) =>
      appendAudit(trx, second.kind, { event: 'billing_month_closed', municipalityCode: '131016', detail: { month: '2026-10' } }, NOW),
    );
    expect(await settlesWithin(close, 1_000)).toBe(false);
    fee.release();
    await fee.done;
    await close;
    const events = await first.db
      .selectFrom('audit_events')
      .select('event')
      .where('event', 'in', ['paid', 'billing_month_closed'])
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.event)).toEqual(['paid', 'billing_month_closed']);
  });
});

describe('two reports of one issuance’s copies at once, PostgreSQL', () => {
  const harness = createHarness('postgres');
  let center: CenterHarness;
  let other: CenterDatabase;
  let issuanceId: string;
  beforeAll(async () => {
    center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
    other = await harness.openAnother(center.database);
    const kiosk = await center.enrollKiosk();
    const card = await center.issueCard(center.demo.featured.chiyodaResident);
    const session = ok(await center.authenticate(kiosk, card));
    const q = ok(await center.quote(kiosk, session.sessionId, { copies: 2 }));
    ok(await center.pay(kiosk, q));
    issuanceId = q.issuanceId;
  });
  afterAll(async () => {
    await center?.close();
    await harness.dispose();
  });

  it('the second waits for the first to commit (so it sees both copies printed); another issuance does not', async () => {
    const firstReport = heldOpen(center.database, { event: 'printed', issuanceId, issueNumbers: ['x-1'] });
    await firstReport.appended;
    const secondReport = writeTransaction(other, (trx) =>
      appendAudit(trx, other.kind, { event: 'printed', issuanceId, issueNumbers: ['x-2'] }, NOW),
    );
    expect(await settlesWithin(secondReport, 1_000)).toBe(false);
    const unrelated = writeTransaction(other, (trx) =>
      appendAudit(trx, other.kind, { event: 'printed', issuanceId: '00000000-0000-4000-8000-000000000000', issueNumbers: ['y-1'] }, NOW),
    );
    expect(await settlesWithin(unrelated, 5_000)).toBe(true);
    firstReport.release();
    await firstReport.done;
    await secondReport;
  });
});

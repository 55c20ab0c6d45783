/**
 * The load run's invariant checker against a small real history: a center (in this process, real
 * mutual TLS) issues two copies printed, one copy printed, and one copy whose print failed and was
 * refunded, with the kiosk journals those transactions leave. The history holds: no violation. Then
 * it is broken one way at a time, each on its own copy of the database, and the checker must name
 * the breach by its code — on SQLite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { CenterDatabase } from '@madoguchi/center';
import { TransactionJournal, JOURNAL_FILE } from '@madoguchi/kiosk/journal';
import { forEachDatabase } from '../support/databases.js';
import { ok, startCenter, TEST_NOW } from '../center/support/center-harness.js';
import { checkInvariants, type InvariantCode, type Violation } from './invariants.js';

interface Copy {
  copyIndex: number;
  issueNumber: string;
  documentSha256: string;
}
interface Issued {
  issuanceId: string;
  totalYen: number;
  feeYen: number;
  copies: Copy[];
  outcome: 'printed' | 'failed';
}

/** Two printed issuances (two copies, one copy) and one refunded after its print failed. */
async function buildHistory(database: CenterDatabase): Promise<Issued[]> {
  const center = await startCenter(database, { build: { sweeper: false } });
  try {
    const kiosk = await center.enrollKiosk();
    const card = await center.issueCard(center.demo.featured.chiyodaResident);
    const session = ok(await center.authenticate(kiosk, card));
    const issued: Issued[] = [];
    for (const [copies, outcome] of [
      [2, 'printed'],
      [1, 'printed'],
      [1, 'failed'],
    ] as const) {
      const quote = ok(await center.quote(kiosk, session.sessionId, { copies }));
      const delivery = ok(await center.pay(kiosk, quote));
      const docs = delivery.documents.map(({ binding }) => ({
        copyIndex: binding.copyIndex,
        issueNumber: binding.issueNumber,
        documentSha256: binding.documentSha256,
      }));
      for (const doc of docs) ok(await center.reportPrint(kiosk, quote.issuanceId, { issueNumber: doc.issueNumber, outcome }));
      issued.push({ issuanceId: quote.issuanceId, totalYen: quote.totalYen, feeYen: quote.totalYen / copies, copies: docs, outcome });
    }
    return issued;
  } finally {
    await center.close();
  }
}

type Tweak = { unclosed?: string; claimPrinted?: string; undelivered?: string; printedTwice?: string };

/** The journal a kiosk writes for these transactions (kiosk-session.ts), optionally with one lie in it. */
function writeJournal(stateDir: string, issued: Issued[], tweak: Tweak = {}): string {
  const journal = new TransactionJournal(stateDir);
  try {
    for (const i of issued) {
      const printed = i.outcome === 'printed' || tweak.claimPrinted === i.issuanceId;
      journal.record(i.issuanceId, 'cashInserted', { yen: i.totalYen });
      journal.record(i.issuanceId, 'paymentStarted', { yen: i.totalYen, detail: `key-${i.issuanceId}` });
      journal.record(i.issuanceId, 'paid', { yen: i.totalYen, detail: JSON.stringify({ changeYen: 0, documents: i.copies }) });
      for (const c of i.copies) {
        journal.record(i.issuanceId, 'printing', { copyIndex: c.copyIndex, issueNumber: c.issueNumber });
        journal.record(i.issuanceId, printed ? 'printed' : 'printFailed', { copyIndex: c.copyIndex, issueNumber: c.issueNumber });
        if (tweak.printedTwice === i.issuanceId)
          journal.record(i.issuanceId, 'printed', { copyIndex: c.copyIndex, issueNumber: c.issueNumber });
        const key = `report-${c.issueNumber}`;
        journal.queueReport({
          issuanceId: i.issuanceId,
          issueNumber: c.issueNumber,
          outcome: printed ? 'printed' : 'failed',
          idempotencyKey: key,
        });
        if (tweak.undelivered !== i.issuanceId) journal.markDelivered(key);
      }
      if (!printed) {
        journal.record(i.issuanceId, 'refunding', { yen: i.feeYen });
        journal.record(i.issuanceId, 'refunded', { yen: i.feeYen });
      }
      if (tweak.unclosed !== i.issuanceId) journal.record(i.issuanceId, 'closed');
    }
  } finally {
    journal.close();
  }
  return join(stateDir, JOURNAL_FILE);
}

const codesOf = (violations: Violation[]): InvariantCode[] => [...new Set(violations.map((v) => v.code))].sort();

forEachDatabase((harness) => {
  let issued: Issued[] = [];
  const copyOfHistory = harness.template(async (database) => {
    issued = await buildHistory(database);
  });
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-invariants-'));
  let count = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A fresh copy of the history, a journal and an empty spool for it; `check` runs the checker on them. */
  async function world(tweak: Tweak = {}) {
    const database = await copyOfHistory();
    const kioskDir = join(dir, `kiosk-${++count}`);
    const journal = writeJournal(join(kioskDir, 'state'), issued, tweak);
    const spoolDir = join(kioskDir, 'spool');
    mkdirSync(spoolDir, { recursive: true });
    const check = (now: Date = TEST_NOW) => checkInvariants({ database, journals: [journal], spoolDirs: [spoolDir], now });
    return { database, db: database.db, journal, spoolDir, check };
  }
  const printed = () => issued[0]!;
  const refunded = () => issued[2]!;

  describe('invariants', () => {
    it('a history of printed and refunded issuances with agreeing journals has no violation', async () => {
      const { database, db, journal, spoolDir, check } = await world();
      expect(await check()).toEqual([]);
      expect(await db.selectFrom('issuances').select('state').orderBy('created_at').execute()).toHaveLength(3);
      // As a load run names it: the SQLite file's path or the PostgreSQL URL, opened (and closed) by the checker.
      const config = harness.configOf(database);
      const named = config.kind === 'sqlite' ? config.path : config.connectionString;
      expect(await checkInvariants({ database: named, journals: [journal], spoolDirs: [spoolDir], now: TEST_NOW })).toEqual([]);
    });

    it('a print result deleted at the center: the copy is not settled, and the kiosk disagrees', async () => {
      const { db, check } = await world();
      const copy = printed().copies[1]!;
      await db.updateTable('issuance_documents').set({ print_outcome: null }).where('issue_number', '=', copy.issueNumber).execute();
      const violations = await check();
      expect(codesOf(violations)).toEqual(['COPY_NOT_SETTLED', 'KIOSK_CENTER_PRINT_DISAGREES']);
      expect(violations[0]).toMatchObject({ issuanceId: printed().issuanceId, issueNumber: copy.issueNumber });
    });

    it('an issuance left delivered is paid and not settled', async () => {
      const { db, check } = await world();
      await db.updateTable('issuances').set({ state: 'delivered' }).where('issuance_id', '=', printed().issuanceId).execute();
      expect(codesOf(await check())).toContain('PAID_NOT_SETTLED');
    });

    it('a second fee row for one issuance is a double charge and unbalances its month', async () => {
      const { db, check } = await world();
      const fee = await db
        .selectFrom('billing_ledger')
        .selectAll()
        .where('issuance_id', '=', printed().issuanceId)
        .where('kind', '=', 'fee')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('billing_ledger')
        .values({ ...fee, entry_id: randomUUID() })
        .execute();
      const violations = await check();
      expect(codesOf(violations)).toEqual(['CHARGED_TWICE', 'LEDGER_ISSUANCE_MISMATCH', 'LEDGER_UNBALANCED']);
      expect(violations.find((v) => v.code === 'LEDGER_UNBALANCED')).toMatchObject({ municipalityCode: fee.municipality_code });
    });

    it('a history row edited with its guard dropped breaks the chain', async () => {
      const { database, db, check } = await world();
      await dropHistoryGuard(database);
      const row = await db.selectFrom('audit_events').select('seq').where('event', '=', 'printed').executeTakeFirstOrThrow();
      await db.updateTable('audit_events').set({ store_code: 'S-EDITED' }).where('seq', '=', row.seq).execute();
      const violations = await check();
      expect(codesOf(violations)).toEqual(['AUDIT_CHAIN_BROKEN']);
      expect(violations[0]).toMatchObject({ seq: row.seq, detail: 'hash_mismatch' });
    });

    it('document bytes kept after the print result, or on an unreported copy past the document TTL', async () => {
      const { db, check } = await world();
      const [copy] = printed().copies;
      await db.updateTable('issuance_documents').set({ pdf_base64: 'JVBERi0=' }).where('issue_number', '=', copy!.issueNumber).execute();
      expect((await check()).filter((v) => v.code === 'DOCUMENT_KEPT')).toEqual([
        expect.objectContaining({ issueNumber: copy!.issueNumber, detail: 'printed, copy printed' }),
      ]);

      // The same copy unreported on a delivered issuance: kept within the TTL, not past it (10 min + one sweep).
      await db.updateTable('issuance_documents').set({ print_outcome: null }).where('issue_number', '=', copy!.issueNumber).execute();
      await db
        .updateTable('issuances')
        .set({ state: 'delivered', updated_at: TEST_NOW.toISOString() })
        .where('issuance_id', '=', printed().issuanceId)
        .execute();
      const kept = async (minutes: number) =>
        (await check(new Date(TEST_NOW.getTime() + minutes * 60_000))).filter((v) => v.code === 'DOCUMENT_KEPT');
      expect(await kept(10)).toEqual([]);
      expect(await kept(11)).toEqual([expect.objectContaining({ issueNumber: copy!.issueNumber, detail: 'past its TTL' })]);
    });

    it('a kiosk journal that says printed where the center refunded disagrees on the copy and the refund', async () => {
      const { check } = await world({ claimPrinted: refunded().issuanceId });
      const violations = await check();
      expect(codesOf(violations)).toEqual(['KIOSK_CENTER_PRINT_DISAGREES', 'KIOSK_CENTER_REFUND_DISAGREES']);
      expect(violations.every((v) => v.issuanceId === refunded().issuanceId)).toBe(true);
    });

    it('a copy printed twice at the kiosk is settled twice', async () => {
      const { check } = await world({ printedTwice: issued[1]!.issuanceId });
      expect(await check()).toEqual([expect.objectContaining({ code: 'COPY_SETTLED_TWICE', issuanceId: issued[1]!.issuanceId })]);
    });

    it('a journal transaction never closed and a print result never delivered are reported', async () => {
      const { check } = await world({ unclosed: printed().issuanceId, undelivered: refunded().issuanceId });
      const violations = await check();
      expect(codesOf(violations)).toEqual(['JOURNAL_REPORT_UNDELIVERED', 'JOURNAL_TRANSACTION_OPEN']);
      expect(violations.find((v) => v.code === 'JOURNAL_TRANSACTION_OPEN')?.issuanceId).toBe(printed().issuanceId);
    });

    it('spool files left after their copies’ results are reported, each by its file', async () => {
      const { spoolDir, check } = await world();
      writeFileSync(join(spoolDir, `${printed().issuanceId}-01.pdf`), 'JVBERi0=');
      writeFileSync(join(spoolDir, `.${printed().issuanceId}-02.0b5c.part`), 'JVBERi0=');
      const violations = await check();
      expect(codesOf(violations)).toEqual(['KIOSK_SPOOL_FILE_LEFT']);
      expect(violations).toHaveLength(2);
    });
  });
});

async function dropHistoryGuard(database: CenterDatabase): Promise<void> {
  if (database.kind === 'sqlite') await sql`drop trigger audit_events_no_update`.execute(database.db);
  else await sql`drop trigger audit_events_no_change on audit_events`.execute(database.db);
}

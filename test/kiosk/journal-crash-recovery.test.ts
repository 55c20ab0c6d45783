/**
 * Issue 13, item 2: the kiosk's journal survives a crash at each step of the money and print story.
 * A real kiosk session runs in a CHILD process (support/journal-kiosk-child.ts: the real card
 * service, center client over mutual TLS to this file's center, spool printer, journal) and buys
 * two copies with a 1000-yen note. The journal's test-only crash point SIGKILLs it right after a
 * given write; a second child on the same journal (a restarted kiosk) settles what is unfinished.
 * Then: the issuance ends printed, refunded or voided exactly once at the center; the copies on
 * paper are exactly those the center has as printed; the cash unit's counters keep exactly the fee
 * of those copies (no money created or lost) and agree with the journal on every payout; every
 * print result was delivered. Kills INSIDE the cash unit's payout (after a coin, or after the whole
 * payout and before the journal's result) show recovery asks the unit before it pays again: what
 * was owed leaves the unit exactly once.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileWithCashUnit, TransactionJournal } from '@madoguchi/kiosk/journal';
import { readCashUnitCounters } from '@madoguchi/kiosk/payment';
import { createHarness } from '../support/databases.js';
import { startCenter, type CenterHarness, type TestCard } from '../center/support/center-harness.js';
import type { JournalChildConfig } from './support/journal-kiosk-child.js';
import { cardsOfEligibleResidents, journalRun, runJournalChild, type JournalRun } from './support/journal-records.js';

describe('the kiosk journal: killed at each step, finished by the restarted kiosk', () => {
  const harness = createHarness('sqlite');
  let center: CenterHarness;
  let base: JournalRun;
  const cards: TestCard[] = [];
  let residentTexts: string[] = [];

  beforeAll(async () => {
    const database = await harness.fresh();
    center = await startCenter(database, { build: { sweeper: false } });
    base = await journalRun(center);
    cards.push(...(await cardsOfEligibleResidents(center, 1 + crashes.length)));
    const rows = await database.db.selectFrom('residents').select(['resident_id', 'data']).execute();
    const ours = new Set(cards.map((c) => c.residentId));
    // Every Japanese text of these residents' records: names, kana, addresses.
    residentTexts = rows
      .filter((r) => ours.has(r.resident_id))
      .flatMap((r) => stringsOf(JSON.parse(r.data)))
      .filter((s) => s.length >= 2 && /[^ -~]/.test(s));
  }, 180_000);

  afterAll(async () => {
    await center?.close();
    await harness.dispose();
  });

  let used = 0;
  async function story(crashAt: string | undefined, scenario: Scenario = {}) {
    const card = cards[used++]!;
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-journal-'));
    const config: JournalChildConfig = {
      ...base,
      ...scenario,
      mode: 'run',
      stateDir: join(dir, 'state'),
      spoolDir: join(dir, 'spool'),
      trayDir: join(dir, 'tray'),
      card: {
        certificateDerBase64: Buffer.from(card.certificateDer).toString('base64'),
        privateKeyPem: card.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    };
    const first = await runJournalChild(config, crashAt);
    if (!crashAt) {
      // Nothing for a restart to do: expectSettled reads the journal itself (nothing unfinished, nothing pending).
      expect(first.code, first.stderr.slice(-2000)).toBe(0);
      return { card, config, recovery: undefined };
    }
    expect(first.signal, first.stderr.slice(-2000)).toBe('SIGKILL');
    const second = await runJournalChild({ ...config, mode: 'recover' });
    expect(second.code, second.stderr.slice(-2000)).toBe(0);
    return { card, config, recovery: JSON.parse(second.stdout.trim()) as { recovered: number; undelivered: number } };
  }

  async function expectSettled({ card, config }: Awaited<ReturnType<typeof story>>, expected: { state: string; printed: number }) {
    const db = center.database.db;
    const sessions = await db.selectFrom('sessions').select('session_id').where('resident_id', '=', card.residentId).execute();
    const issuances = await db
      .selectFrom('issuances')
      .select(['issuance_id', 'state', 'paid_yen', 'copies'])
      .where(
        'session_id',
        'in',
        sessions.map((s) => s.session_id),
      )
      .execute();
    expect(issuances.map((i) => i.state)).toEqual([expected.state]);
    const issuance = issuances[0]!;
    const events = await db.selectFrom('audit_events').select('event').where('issuance_id', '=', issuance.issuance_id).execute();
    expect(events.filter((e) => e.event === 'refunded').length).toBe(expected.state === 'refunded' ? 1 : 0);
    expect(events.filter((e) => e.event === 'paid').length).toBeLessThanOrEqual(1);
    const documents = await db
      .selectFrom('issuance_documents')
      .select(['print_outcome'])
      .where('issuance_id', '=', issuance.issuance_id)
      .execute();
    const printedAtCenter = documents.filter((d) => d.print_outcome === 'printed').length;
    const onPaper = existsSync(config.trayDir) ? readdirSync(config.trayDir).length : 0;
    expect({ printedAtCenter, onPaper }).toEqual({ printedAtCenter: expected.printed, onPaper: expected.printed });
    // The cash unit's own counters: what stayed in the box is the fee of the copies on paper, to the yen.
    const unit = readCashUnitCounters(config.stateDir)!;
    const payouts = [...unit.payouts.values()];
    const kept = unit.insertedYen - payouts.reduce((s, p) => s + p.dispensedYen, 0);
    const feePerCopy = issuance.paid_yen ? issuance.paid_yen / issuance.copies : 0;
    expect(kept).toBe(feePerCopy * expected.printed);
    if (expected.printed > 0) expect(feePerCopy).toBeGreaterThan(0);
    // Exactly once by kind: the change owed, the escrow or the unprinted copies' fees, no more (nothing paid twice).
    const change = payouts.filter((p) => p.reason === 'change').reduce((s, p) => s + p.dispensedYen, 0);
    expect(change).toBe(issuance.paid_yen ? unit.insertedYen - issuance.paid_yen : 0);
    const journal = new TransactionJournal(config.stateDir);
    try {
      expect(journal.pendingReports()).toEqual([]);
      expect(journal.unfinished()).toEqual([]);
      // The daily report's reconciliation: the journal and the unit agree on every payout.
      expect(reconcileWithCashUnit(journal, unit).differences).toEqual([]);
    } finally {
      journal.close();
    }
    return { issuance, config };
  }

  it('without a crash: both copies printed, change given, nothing left for the restart', async () => {
    const s = await story(undefined);
    const { config } = await expectSettled(s, { state: 'printed', printed: 2 });
    // The journal holds no name, address or PDF: the whole file (and its WAL) read as bytes.
    const stored = readdirSync(config.stateDir)
      .map((f) => readFileSync(join(config.stateDir, f)))
      .reduce((a, b) => Buffer.concat([a, b]));
    expect(residentTexts.length).toBeGreaterThan(0);
    for (const text of residentTexts) expect(stored.includes(Buffer.from(text, 'utf8')), 'resident text in the journal').toBe(false);
    for (const pdf of readdirSync(config.trayDir)) {
      const bytes = readFileSync(join(config.trayDir, pdf));
      expect(stored.includes(bytes.subarray(bytes.length / 2, bytes.length / 2 + 64))).toBe(false);
      expect(stored.includes(Buffer.from(bytes.subarray(0, 48).toString('base64')))).toBe(false);
    }
    // The crash stories' bound: one child kiosk, but the first to start, on a machine loaded by other suites.
  }, 150_000);

  // No 'printing#2' (about to print copy 2): it ends as printed#1 does. Each payout (change, escrow
  // returned on a cancel, the refund of a copy the printer failed) is killed at its journal intent,
  // before the unit recorded it, and inside the unit: after its first coin, or after the whole
  // payout and before the journal's result.
  const cancel: Scenario = { then: 'cancel', insertYen: 100 };
  const jam: Scenario = { failPrintAt: 2 };
  const crashes: [string, string, { state: string; printed: number }, Scenario?][] = [
    ['after the cash went into escrow', 'cashInserted', { state: 'voided', printed: 0 }],
    ['after the center answered paid, documents received', 'paid', { state: 'refunded', printed: 0 }],
    ['about to dispense the change', 'changeDispensing', { state: 'refunded', printed: 0 }],
    ['inside the change payout, after its first coin', 'cashUnitCoin#1', { state: 'refunded', printed: 0 }],
    ['inside the change payout, all paid, before its result', 'cashUnitPaidOut', { state: 'refunded', printed: 0 }],
    ['about to return the escrow on a cancel', 'escrowReturning', { state: 'voided', printed: 0 }, cancel],
    ['inside the escrow return, all paid, before its result', 'cashUnitPaidOut', { state: 'voided', printed: 0 }, cancel],
    ['about to refund a copy the printer failed', 'refunding', { state: 'refunded', printed: 1 }, jam],
    ['inside the refund payout, all paid, before its result', 'cashUnitPaidOut#2', { state: 'refunded', printed: 1 }, jam],
    ['between the copies, copy 1 printed and its result not sent', 'printed#1', { state: 'refunded', printed: 1 }],
    ['after the last copy printed, before its result was sent', 'printed#2', { state: 'printed', printed: 2 }],
  ];
  // Concurrent (five at a time): each story has its own card, directories and child processes, and
  // most of its time is a child starting; the bound is for a machine loaded by other suites.
  for (const [name, crashAt, expected, scenario] of crashes)
    it.concurrent(
      `killed ${name} (${crashAt})`,
      async () => {
        const s = await story(crashAt, scenario);
        expect(s.recovery).toEqual({ recovered: 1, undelivered: 0 });
        await expectSettled(s, expected);
      },
      150_000,
    );
});

type Scenario = Pick<JournalChildConfig, 'then' | 'failPrintAt'> & { insertYen?: number };

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/**
 * A copy's failure never overtakes an earlier copy's `printed` on its way to the center (issue 14). The
 * center refunds every copy not yet reported when a failure arrives (issuance-service.ts reportPrintResult),
 * so copy 2's `failed` heard before copy 1's `printed` refunds copy 1 too — the fee of a certificate the
 * resident holds — and copy 1's `printed` is then refused (the issuance is no longer delivered). The kiosk
 * had queued copy 1's `printed` in its journal's outbox when the link was cut, but sent its own copy 2
 * failure at once, past it, as soon as the link was back.
 *
 * Everything real but the network and the printer: the center over mutual TLS on SQLite, the kiosk's session,
 * card service, center client, journal (openKioskJournal) and simulated cash unit, in this process. The kiosk
 * talks to the center through a TCP relay; the printer prints copy 1 (the relay is cut as it does), then jams on
 * copy 2 (the relay is back by then).
 */
import { createPublicKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCardService, createVirtualReader } from '@madoguchi/kiosk/card';
import { createCenterClient } from '@madoguchi/kiosk/center-client';
import { openKioskJournal, type KioskJournal } from '@madoguchi/kiosk/journal';
import { readCashUnitCounters, SimulatedCashDevice } from '@madoguchi/kiosk/payment';
import { SpoolPrinter, type Printer } from '@madoguchi/kiosk/printer';
import { KioskSession } from '@madoguchi/kiosk/session';
import { createHarness } from '../../support/databases.js';
import { startCenter, type CenterHarness, type TestCard } from '../../center/support/center-harness.js';
import { cardsOfEligibleResidents, journalRun, type JournalRun } from '../support/journal-records.js';
import { startTcpRelay } from '../support/tcp-relay.js';
import { driveSession, walkToPayment } from '../support/session-driver.js';

describe("a copy's print failure waits behind an earlier copy's `printed` still in the journal's outbox", () => {
  const harness = createHarness('sqlite');
  let center: CenterHarness;
  let base: JournalRun;
  let card: TestCard;

  beforeAll(async () => {
    center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
    base = await journalRun(center);
    card = (await cardsOfEligibleResidents(center, 1))[0]!;
  }, 180_000);

  afterAll(async () => {
    await center?.close();
    await harness.dispose();
  });

  it('copy 1 printed (its report cut off), copy 2 jams: the center hears printed, then failed; refunds copy 2 only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-print-order-'));
    const centerPort = Number(new URL(center.baseUrl).port);
    const relay = await startTcpRelay(centerPort);
    const logs: string[] = [];
    const log = (event: string, fields?: object) => logs.push(JSON.stringify({ event, ...fields }));
    const client = createCenterClient({ baseUrl: relay.url, cert: base.certPem, key: base.keyPem, ca: base.caPem });
    /** Every print result the kiosk tried to send, in order (issue number:outcome), answered or not. */
    const sent: string[] = [];
    const kioskCenter: typeof client = {
      ...client,
      printResult: (issuanceId, request, idempotencyKey) => {
        sent.push(`${request.issueNumber}:${request.outcome}`);
        return client.printResult(issuanceId, request, idempotencyKey);
      },
    };
    const stateDir = join(dir, 'state');
    const cash = new SimulatedCashDevice({ stateDir });
    const spool = new SpoolPrinter(join(dir, 'spool'), { demoOutputTray: join(dir, 'tray') });
    const printer: Printer = {
      print: async (job) => {
        if (job.copyIndex === 1) {
          const printed = await spool.print(job);
          relay.to(undefined); // copy 1 is on paper; its report finds no center
          return printed;
        }
        relay.to(centerPort); // the link is back before copy 2's failure is reported
        throw new Error('media-jam');
      },
      release: (jobId) => spool.release(jobId),
      status: () => spool.status(),
    };
    let kioskJournal: KioskJournal | undefined;
    let session: KioskSession | undefined;
    try {
      // The outbox's own timer stays out of the way: what is under test is the session's own sending.
      kioskJournal = await openKioskJournal({ stateDir, center: kioskCenter, cash, log, retryMs: 600_000 });
      const journal = kioskJournal.journal;
      const reader = createVirtualReader();
      session = new KioskSession(
        {
          card: createCardService({ transport: reader.transport }),
          center: kioskCenter,
          printer,
          cash,
          centerPublicKey: async () => createPublicKey(base.bindingKeyPem),
          log,
        },
        { paymentRetryDelaysMs: [0, 0], journal },
      );
      const { screen } = driveSession(session);
      const payment = await walkToPayment(session, reader, card, { copies: 2 });
      const totalYen = payment.quote!.totalYen;
      const feeYen = totalYen / 2;
      cash.insert(1000);
      const end = await screen('error', 'done');

      // The resident holds copy 1 and gets copy 2's fee back with the change.
      expect(end, logs.join('\n')).toMatchObject({ screen: 'error', printedDocuments: 1, refundYen: 1000 - totalYen + feeYen });
      const db = center.database.db;
      const { issuance_id: issuanceId } = await db
        .selectFrom('issuances')
        .select('issuance_id')
        .where('resident_id', '=', card.residentId)
        .executeTakeFirstOrThrow();
      const copies = await db
        .selectFrom('issuance_documents')
        .select(['copy_index', 'issue_number', 'print_outcome'])
        .where('issuance_id', '=', issuanceId)
        .orderBy('copy_index')
        .execute();
      const [copy1, copy2] = copies.map((c) => c.issue_number);
      expect(
        copies.map((c) => c.print_outcome),
        logs.join('\n'),
      ).toEqual(['printed', 'failed']);
      // The center heard them in that order: copy 1 printed, then copy 2 failed and refunded.
      const history = await db
        .selectFrom('audit_events')
        .select(['event', 'issue_numbers_json'])
        .where('issuance_id', '=', issuanceId)
        .where('event', 'in', ['printed', 'print_failed', 'refunded'])
        .orderBy('seq')
        .execute();
      expect(history.map((e) => [e.event, JSON.parse(e.issue_numbers_json ?? '[]')])).toEqual([
        ['printed', [copy1]],
        ['print_failed', [copy2]],
        ['refunded', [copy2]],
      ]);
      const row = await db
        .selectFrom('issuances')
        .select(['state', 'paid_yen', 'refund_yen'])
        .where('issuance_id', '=', issuanceId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'refunded', paid_yen: totalYen, refund_yen: feeYen });

      // The money adds up: the cash box kept one fee, the center's ledger holds one fee, and the journal is settled.
      const unit = readCashUnitCounters(stateDir)!;
      const kept = unit.insertedYen - [...unit.payouts.values()].reduce((sum, p) => sum + p.dispensedYen, 0);
      expect(kept).toBe(feeYen);
      const ledger = await db.selectFrom('billing_ledger').select(['kind', 'amount_yen']).where('issuance_id', '=', issuanceId).execute();
      const ledgerYen = ledger.filter((e) => e.kind === 'fee' || e.kind === 'refund').reduce((sum, e) => sum + e.amount_yen, 0);
      expect(ledgerYen, JSON.stringify(ledger)).toBe(feeYen);
      // The kiosk tried copy 1's `printed` on the cut link, then, the link back, again, and only then copy 2's failure.
      expect(sent, logs.join('\n')).toEqual([...Array<string>(sent.length - 1).fill(`${copy1}:printed`), `${copy2}:failed`]);
      expect(sent.length).toBeGreaterThanOrEqual(3);
      expect({ pending: journal.pendingReports(), unfinished: journal.unfinished() }).toEqual({ pending: [], unfinished: [] });
    } finally {
      session?.close();
      kioskJournal?.close();
      cash.close();
      client.close();
      await relay.close();
    }
  }, 120_000);
});

/**
 * The cancel of a payment whose answer was lost, retried from the kiosk's journal (issue 14, item 6;
 * docs/load.md#faulted-runs). The center commits the payment, and then the kiosk hears nothing: its
 * connections are cut while the center renders, and the center stays unreachable. The kiosk returns the
 * resident's cash and cancels; the cancel cannot reach the center either. Before, it was only logged, and the
 * center kept the fee until its sweeper's print-result TTL (15 min). Now the cancel waits in the journal's
 * outbox and, once the center answers again, reaches it with the same idempotency key: refunded once.
 *
 * Everything real but the network: the center over mutual TLS on SQLite, the kiosk's session, card
 * service, center client, journal (openKioskJournal, its outbox timer) and simulated cash unit, in this
 * process. The kiosk talks to the center through a TCP relay the test cuts and restores.
 */
import { createPublicKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCardService, createVirtualReader } from '@madoguchi/kiosk/card';
import { createCenterClient } from '@madoguchi/kiosk/center-client';
import { openKioskJournal, type KioskJournal } from '@madoguchi/kiosk/journal';
import { SimulatedCashDevice } from '@madoguchi/kiosk/payment';
import { SpoolPrinter } from '@madoguchi/kiosk/printer';
import { KioskSession } from '@madoguchi/kiosk/session';
import { createHarness } from '../../support/databases.js';
import { startCenter, type CenterHarness, type TestCard } from '../../center/support/center-harness.js';
import { cardsOfEligibleResidents, journalRun, type JournalRun } from '../support/journal-records.js';
import { startTcpRelay } from '../support/tcp-relay.js';
import { driveSession, walkToPayment } from '../support/session-driver.js';
import { until } from '../support/until.js';

describe('a payment whose answer was lost: the cancel waits in the journal until the center answers again', () => {
  const harness = createHarness('sqlite');
  let center: CenterHarness;
  let base: JournalRun;
  let card: TestCard;
  /** The center's renders wait on this: the payment is committed, its answer not yet written. */
  let renderGate: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    const database = await harness.fresh();
    center = await startCenter(database, {
      build: { sweeper: false },
      // Long enough that the center never refunds the held render itself: only the kiosk's cancel may.
      timeouts: { renderTimeoutMs: 60_000 },
      wrapServices: (services) => ({
        ...services,
        render: async (input, options) => {
          await renderGate;
          return services.render(input, options);
        },
      }),
    });
    base = await journalRun(center);
    card = (await cardsOfEligibleResidents(center, 1))[0]!;
  }, 180_000);

  afterAll(async () => {
    await center?.close();
    await harness.dispose();
  });

  it('returns the cash at once, and the center refunds the payment once it is reachable again (one key, one refund)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-lost-payment-'));
    const centerPort = Number(new URL(center.baseUrl).port);
    const relay = await startTcpRelay(centerPort);
    const logs: string[] = [];
    const log = (event: string, fields?: object) => logs.push(JSON.stringify({ event, ...fields }));
    const client = createCenterClient({ baseUrl: relay.url, cert: base.certPem, key: base.keyPem, ca: base.caPem });
    const cancelKeys: (string | undefined)[] = [];
    const kioskCenter: typeof client = {
      ...client,
      cancel: (issuanceId, reasonCode, idempotencyKey) => {
        cancelKeys.push(idempotencyKey);
        return client.cancel(issuanceId, reasonCode, idempotencyKey);
      },
    };
    const stateDir = join(dir, 'state');
    const cash = new SimulatedCashDevice({ stateDir });
    let kioskJournal: KioskJournal | undefined;
    let session: KioskSession | undefined;
    try {
      kioskJournal = await openKioskJournal({ stateDir, center: kioskCenter, cash, log, retryMs: 200 });
      const reader = createVirtualReader();
      session = new KioskSession(
        {
          card: createCardService({ transport: reader.transport }),
          center: kioskCenter,
          printer: new SpoolPrinter(join(dir, 'spool'), { demoOutputTray: join(dir, 'tray') }),
          cash,
          centerPublicKey: async () => createPublicKey(base.bindingKeyPem),
          log,
        },
        { paymentRetryDelaysMs: [0, 0], journal: kioskJournal.journal },
      );
      const { screen } = driveSession(session);
      const payment = await walkToPayment(session, reader, card);
      const totalYen = payment.quote!.totalYen;

      // The center takes the payment and renders; the connection is cut before its answer, and stays cut.
      let openGate!: () => void;
      renderGate = new Promise((r) => (openGate = r));
      cash.insert(1000); // a note: the fee is less, and the change would be due only once paid
      const issuanceId = await until('the payment committed at the center', async () => {
        const paid = await center.database.db.selectFrom('issuances').select('issuance_id').where('state', '=', 'paid').executeTakeFirst();
        return paid?.issuance_id;
      });
      relay.to(undefined);
      const error = await screen('error', 'done');
      // The resident has the cash back, untouched.
      expect(error, logs.join('\n')).toMatchObject({ screen: 'error', refundYen: 1000 });
      const events = kioskJournal.journal.eventsOf(issuanceId);
      expect(events.filter((e) => e.kind === 'escrowReturned').map((e) => e.yen)).toEqual([1000]);
      expect(events.map((e) => e.kind)).not.toContain('paid');
      // The center finishes its payment (delivered, with nobody to hear it) and keeps the fee.
      openGate();
      const stateAt = async () =>
        (await center.database.db.selectFrom('issuances').select('state').where('issuance_id', '=', issuanceId).executeTakeFirstOrThrow())
          .state;
      await until('the delivery committed', async () => ((await stateAt()) === 'delivered' ? true : undefined));
      // The kiosk's cancel could not reach it: it waits in the journal's outbox, the transaction closed.
      const journal = kioskJournal.journal;
      expect(journal.unfinished()).toEqual([]);
      const [queued, ...more] = journal.pendingCancels();
      expect(more).toEqual([]);
      expect(queued).toMatchObject({ issuanceId });
      await new Promise((r) => setTimeout(r, 600)); // a few rounds of the outbox against the cut relay
      expect(await stateAt()).toBe('delivered');

      // The center is reachable again: the outbox's next round refunds it.
      relay.to(centerPort);
      await until('the cancel delivered', () => (journal.pendingCancels().length === 0 ? true : undefined));
      expect(await stateAt()).toBe('refunded');
      const db = center.database.db;
      const refunds = await db
        .selectFrom('audit_events')
        .select('event')
        .where('issuance_id', '=', issuanceId)
        .where('event', '=', 'refunded')
        .execute();
      expect(refunds).toHaveLength(1);
      const row = await db
        .selectFrom('issuances')
        .select(['paid_yen', 'refund_yen'])
        .where('issuance_id', '=', issuanceId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ paid_yen: totalYen, refund_yen: totalYen });
      // Every try carried the queued key, and the center ran the cancel under it once.
      expect(cancelKeys.length, logs.join('\n')).toBeGreaterThanOrEqual(2);
      expect(new Set(cancelKeys)).toEqual(new Set([queued!.idempotencyKey]));
      const keys = await db.selectFrom('idempotency_keys').select(['idempotency_key', 'state']).where('operation', '=', 'cancel').execute();
      expect(keys).toEqual([{ idempotency_key: queued!.idempotencyKey, state: 'done' }]);
      // Sent again (a retry the center already took), it is answered as the first time: no second refund.
      expect(await client.cancel(issuanceId, 'ISSUANCE_CENTER_UNREACHABLE', queued!.idempotencyKey)).toMatchObject({ state: 'refunded' });
      expect(
        await db.selectFrom('audit_events').select('event').where('issuance_id', '=', issuanceId).where('event', '=', 'refunded').execute(),
      ).toHaveLength(1);
    } finally {
      session?.close();
      kioskJournal?.close();
      cash.close();
      client.close();
      await relay.close();
    }
  }, 120_000);
});

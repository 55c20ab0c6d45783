/**
 * A deploy's SIGTERM lets the center finish the calls in flight (issue 14 item 3; docs/load.md#faulted-runs):
 * a kiosk's payment whose render takes 14 s — longer than the 10 s after which the center used to exit
 * anyway — is delivered by the closing center, which then exits cleanly. At 10 s a rolling restart under
 * load cut such calls and residents were turned away. The center is `apps/center/src/server.ts` in its own
 * process, as a deployment runs it; the kiosk is its own center client over mutual TLS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenterClient, type CenterClient } from '@madoguchi/kiosk/center-client';
import { firstEligibleResidents } from '../center/support/eligible-residents.js';
import { createHarness } from '../support/databases.js';
import {
  newKey,
  signedAuthentication,
  startCenter,
  TEST_NOW,
  type CenterHarness,
  type TestCard,
} from '../center/support/center-harness.js';
import { centerProcessEnv, startCenterProcess, stopCenterProcess, type CenterProcess } from './support/center-process.js';

const RENDER_DELAY_MS = 14_000;

describe('a center closing on SIGTERM', () => {
  const harness = createHarness('postgres');
  let center: CenterHarness;
  let process_: CenterProcess | undefined;
  let client: CenterClient;
  let card: TestCard;

  beforeAll(async () => {
    const database = await harness.fresh();
    center = await startCenter(database, { build: { sweeper: false } });
    const config = harness.configOf(database);
    if (config.kind !== 'postgres') throw new Error('postgres only');
    const [resident] = await firstEligibleResidents(database, center.demo.batch.residents, 1);
    if (!resident) throw new Error('no eligible resident in the demo');
    card = await center.issueCard(resident.residentId);
    process_ = await startCenterProcess({
      ...centerProcessEnv(center, config.connectionString),
      MADOGUCHI_CLOCK: TEST_NOW.toISOString(),
      // Tests only (needs the test clock): this resident's municipality renders 14 s late.
      MADOGUCHI_TEST_RENDER_DELAY: `${resident.municipalityCode}:${RENDER_DELAY_MS}`,
      MADOGUCHI_RENDER_TIMEOUT_MS: '40000',
    });
    const kiosk = await center.enrollKiosk();
    client = createCenterClient({ baseUrls: [process_.baseUrl], cert: kiosk.certPem, key: kiosk.keyPem, ca: center.caPem, retries: 0 });
  }, 240_000);

  afterAll(async () => {
    client?.close();
    if (process_) await stopCenterProcess(process_);
    await center?.close();
    await harness.dispose();
  });

  it('delivers the payment it is rendering, 14 s after the signal, then exits 0', async () => {
    const challenge = await client.challenge();
    const { challengeId, authCertificate, signature, tokenType } = signedAuthentication(challenge, card);
    const session = await client.authenticate({ challengeId, authCertificate, signature, tokenType });
    const quote = await client.quote({ sessionId: session.sessionId, certificateType: 'residenceRecord', options: {}, copies: 1 });
    const paying = client.pay(quote.issuanceId, quote.totalYen, newKey(), Date.now() + 60_000);
    // The center has the payment (it is rendering) before the signal comes.
    const db = center.database.db;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = await db.selectFrom('issuances').select('state').where('issuance_id', '=', quote.issuanceId).executeTakeFirst();
      if (row?.state !== 'quoted') break;
      if (Date.now() > deadline) throw new Error('the payment never reached the center');
      await new Promise((r) => setTimeout(r, 50));
    }
    const child = process_!.child;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const signalledAt = Date.now();
    child.kill('SIGTERM');

    const delivery = await paying;
    const deliveredAfterMs = Date.now() - signalledAt;
    expect(delivery.documents).toHaveLength(1);
    expect(deliveredAfterMs).toBeGreaterThan(10_000);
    expect(await exited).toBe(0);
    const row = await db.selectFrom('issuances').select('state').where('issuance_id', '=', quote.issuanceId).executeTakeFirst();
    expect(row?.state).toBe('delivered');
  }, 120_000);
});

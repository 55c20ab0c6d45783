/**
 * Kiosk journey benchmark (issue 13, item 7): the real kiosk session with the pcsclite transport
 * over pcscd + vpcd + a virtual My Number card (quickack rig, docs/jpki-card.md#quickack), the real
 * center client over mutual TLS to a real center on SQLite, and the CupsPrinter on a private cupsd
 * with a cups-pdf queue. Per journey:
 *   placed → PIN:    pcscd reports the card present → the PIN screen is shown. The start is the
 *                    transport's `cardInserted` event (its SCardGetStatusChange answering with the
 *                    card present; this listener is registered before the card service's, so it
 *                    runs first), which leaves out the reader's presence poll.
 *   PIN → menu:      pinSubmit → the menu (VERIFY, signature, challenge + authenticate at the center).
 *   paid → accepted: the coin that completes the fee → CUPS answers Print-Job for the copy (render at
 *                    the center, last-hop check, Print-Job) — not Ghostscript finishing the PDF.
 * Baseline, same run and same pcscd: one SELECT AP round trip on an exclusive connection, 5 per journey.
 *
 * One journey first warms up (JIT, TLS session, render worker) and is not counted.
 *
 *   pnpm exec tsx test/bench/kiosk-journey.ts [journeys=30]
 */
import { createPublicKey } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JPKI_AID } from '@madoguchi/card-sim';
import { yen, type KioskView, type Yen } from '@madoguchi/shared';
import { createCardService, createPcscTransport } from '@madoguchi/kiosk/card';
import { createCenterClient } from '@madoguchi/kiosk/center-client';
import { CupsPrinter, type Printer } from '@madoguchi/kiosk/printer';
import { KioskSession } from '@madoguchi/kiosk/session';
import { checkEligibility } from '@madoguchi/center/eligibility';
import { makeCardWorld } from '../card/card-world.js';
import { startCenter, TEST_NOW, type CenterHarness, type TestCard } from '../center/support/center-harness.js';
import { cupsUnavailable, startCups } from '../support/cups.js';
import { createHarness } from '../support/databases.js';
import { startPcscRig } from '../support/pcsc-rig.js';

const journeys = Number(process.argv[2] ?? 30);
const cardId = 'card-CT-0001';
const SELECT_AP = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, JPKI_AID.length, ...JPKI_AID]);

/** The cash acceptor, in memory: the bench inserts the fee as one coin. */
class BenchCash {
  private readonly listeners = new Set<(amount: Yen) => void>();
  on(_event: 'inserted', listener: (amount: Yen) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  insert(amount: number): void {
    for (const l of this.listeners) l(yen(amount));
  }
  payOut(): void {}
}

interface Phases {
  placedToPin: number[];
  /** rig.insert → pcscd reports the card present: the presence poll, left out of placedToPin. */
  presencePoll: number[];
  pinToMenu: number[];
  paidToAccepted: number[];
  /** paidToAccepted split: coin → center's pay answer (render), → Print-Job sent (last-hop check), → answered. */
  pay: number[];
  check: number[];
  printJob: number[];
  apdu: number[];
}

async function eligibleCard(center: CenterHarness): Promise<TestCard> {
  for (const r of center.demo.batch.residents) {
    const eligibility = await checkEligibility({
      database: center.database,
      residentId: r.residentId,
      certificateType: 'residenceRecord',
      options: {},
      copies: 1,
      now: TEST_NOW,
    });
    if (eligibility.ok) return center.issueCard(r.residentId);
  }
  throw new Error('no resident may have a 住民票の写し in the demo data');
}

/**
 * Times the copy's Print-Job answer: CupsPrinter.print sends Print-Job and then polls the job to
 * completion; the moment it starts polling is the moment CUPS has accepted the job.
 */
function timedCups(printer: CupsPrinter, marks: { printCalled?: number; accepted?: number }): Printer {
  const untilCompleted = printer['untilCompleted'].bind(printer);
  printer['untilCompleted'] = (jobId: number) => {
    marks.accepted = performance.now();
    return untilCompleted(jobId);
  };
  return {
    print: (job) => {
      marks.printCalled = performance.now();
      return printer.print(job);
    },
    release: (jobId) => printer.release(jobId),
    status: () => printer.status(),
  };
}

async function run(): Promise<{ phases: Phases; quickack: boolean }> {
  const databases = createHarness('sqlite');
  const center = await startCenter(await databases.fresh(), { build: { sweeper: false } });
  const kiosk = await center.enrollKiosk();
  const card = await eligibleCard(center);
  const bindingKeyPem = await center.bindingKeyPem(kiosk);
  // The rig's virtual card carries the key and certificate the center issued and linked to the resident.
  const world = await makeCardWorld();
  writeFileSync(join(world.stateDir, 'cards', cardId, 'auth-cert.der'), card.certificateDer);
  writeFileSync(join(world.stateDir, 'cards', cardId, 'auth-key.pem'), card.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const rig = await startPcscRig({ cardStateDir: world.stateDir, quickack: true });
  process.env.PCSCLITE_CSOCK_NAME = rig.socketPath;
  const cups = await startCups();
  const queueUri = await cups.addPdfQueue('bench-kiosk');

  const marks: { present?: number; printCalled?: number; accepted?: number; paid?: number; payAnswered?: number } = {};
  const transport = createPcscTransport();
  transport.on('cardInserted', () => (marks.present = performance.now()));
  const cardService = createCardService({ transport });
  const client = createCenterClient({ baseUrl: center.baseUrl, cert: kiosk.certPem, key: kiosk.keyPem, ca: center.caPem });
  const centerPort: typeof client = Object.create(client) as typeof client;
  centerPort.pay = async (...args: Parameters<typeof client.pay>) => {
    const answer = await client.pay(...args);
    marks.payAnswered = performance.now();
    return answer;
  };
  const cash = new BenchCash();
  const session = new KioskSession(
    {
      card: cardService,
      center: centerPort,
      printer: timedCups(new CupsPrinter({ printerUri: queueUri }), marks),
      cash,
      centerPublicKey: async () => createPublicKey(bindingKeyPem),
      log: () => undefined,
    },
    { paymentRetryDelaysMs: [0, 0] },
  );
  const shownAt = new Map<string, number>();
  session.onView((v: KioskView) => {
    if (!shownAt.has(v.screen)) shownAt.set(v.screen, performance.now());
  });
  const send = async (intent: unknown) => {
    await session.send(intent);
    await session.idle();
  };
  const waitFor = async (screen: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!shownAt.has(screen)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${screen}, on ${JSON.stringify(session.getView())}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    return shownAt.get(screen)!;
  };

  const phases: Phases = {
    placedToPin: [],
    presencePoll: [],
    pinToMenu: [],
    paidToAccepted: [],
    pay: [],
    check: [],
    printJob: [],
    apdu: [],
  };
  try {
    const readers = Date.now();
    while (cardService.readerStatus !== 'ready' && Date.now() - readers < 10_000) await new Promise((r) => setTimeout(r, 10));
    for (let i = -1; i < journeys; i++) {
      if (i === 0) for (const xs of Object.values(phases)) xs.length = 0;
      shownAt.clear();
      await send({ type: 'start' });
      await waitFor('placeCard');
      delete marks.present;
      const inserted = performance.now();
      await rig.insert(cardId);
      const pin = await waitFor('pin');
      phases.presencePoll.push(marks.present! - inserted);
      phases.placedToPin.push(pin - marks.present!);

      for (const digit of '1234') await send({ type: 'pinKey', position: session.getView().keypad!.indexOf(digit) });
      const submitted = performance.now();
      await send({ type: 'pinSubmit' });
      phases.pinToMenu.push((await waitFor('menu')) - submitted);

      await send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
      await send({ type: 'confirm' });
      await waitFor('payment');
      const paid = performance.now();
      cash.insert(session.getView().quote!.totalYen);
      await waitFor('done', 120_000);
      phases.paidToAccepted.push(marks.accepted! - paid);
      phases.pay.push(marks.payAnswered! - paid);
      phases.check.push(marks.printCalled! - marks.payAnswered!);
      phases.printJob.push(marks.accepted! - marks.printCalled!);

      // The baseline, on the same pcscd and card while the session holds no connection.
      const connection = await transport.connect();
      for (let k = 0; k < 5; k++) {
        const t = performance.now();
        await connection.transmit(SELECT_AP);
        phases.apdu.push(performance.now() - t);
      }
      await connection.disconnect();
      await rig.remove();
      const removed = Date.now();
      while (session.getView().screen !== 'idle' && Date.now() - removed < 10_000) await new Promise((r) => setTimeout(r, 10));
      process.stderr.write(i < 0 ? 'warm-up done\n' : `journey ${i + 1}/${journeys}\r`);
    }
  } finally {
    session.close();
    client.close();
    await cardService.close();
    await rig.stop();
    await cups.stop();
    await center.close();
    await databases.dispose();
    rmSync(world.stateDir, { recursive: true, force: true });
  }
  return { phases, quickack: rig.quickack };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`.padStart(10);

const unavailable = cupsUnavailable();
if (unavailable) {
  console.error(unavailable);
  process.exit(2);
}
const { phases, quickack } = await run();
const base = median(phases.apdu);
console.log(`kiosk journey benchmark, ${journeys} journeys after 1 warm-up (p50 / p95; ratio = p50 / bare APDU p50)`);
console.log(`pcscd + vpcd ${quickack ? 'in the quickack namespace' : 'on plain loopback (no namespace: Nagle + delayed ACK)'}`);
const line = (label: string, xs: number[], goal = false) =>
  console.log(
    `  ${label.padEnd(44)}${ms(median(xs))} /${ms(p95(xs))}   ×${(median(xs) / base).toFixed(0).padStart(4)}` +
      (goal ? `   goal ≤ 1000 ms p95: ${p95(xs) <= 1000 ? 'met' : `missed by ${(p95(xs) - 1000).toFixed(0)} ms`}` : ''),
  );
line('bare APDU round trip (SELECT AP)', phases.apdu);
line('card placed → PIN screen', phases.placedToPin, true);
line('PIN entered → menu', phases.pinToMenu, true);
line('paid → Print-Job accepted by CUPS', phases.paidToAccepted, true);
line('  of which: pay at the center (render)', phases.pay);
line('  of which: last-hop check', phases.check);
line('  of which: Print-Job answered', phases.printJob);
line('(left out) insert → pcscd reports present', phases.presencePoll);
process.exit(0);

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
 * Cold and warm apart: each kiosk is a process of its own (this file, forked with --kiosk), started
 * as a store kiosk starts — including its warm-up before the first resident (main/warm-up.ts) unless
 * --no-warm-up — and then serves `journeysPerKiosk` residents. Its first journey is the cold one, the
 * rest are warm. The center, pcscd and cupsd live in this parent process, which runs one uncounted
 * kiosk first: a store's center has served many kiosks before this one starts, so the center's own
 * first render is not the kiosk's cold start.
 *
 *   pnpm exec tsx test/bench/kiosk-journey.ts [kiosks=6] [journeysPerKiosk=6] [--no-warm-up] [--cpu-prof]
 * (--cpu-prof: each kiosk process writes a V8 CPU profile to .var/bench-profiles.)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JPKI_AID } from '@madoguchi/card-sim';
import { yen, type KioskView, type Yen } from '@madoguchi/shared';
import { warmUpKiosk } from '@madoguchi/kiosk';
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

const cardId = 'card-CT-0001';
const SELECT_AP = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, JPKI_AID.length, ...JPKI_AID]);
const profileDir = join(fileURLToPath(new URL('../..', import.meta.url)), '.var', 'bench-profiles');

/** What the parent hands each kiosk process: the center's address and the kiosk's credentials. */
interface KioskSetup {
  baseUrl: string;
  certPem: string;
  keyPem: string;
  caPem: string;
  queueUri: string;
  journeys: number;
  warmUp: boolean;
}

type ToParent = { type: 'insert' } | { type: 'remove' } | { type: 'done'; journeys: Phases[]; warmUpMs: Record<string, number> | null };

interface Phases {
  placedToPin: number;
  /** rig.insert → pcscd reports the card present: the presence poll, left out of placedToPin. */
  presencePoll: number;
  pinToMenu: number;
  paidToAccepted: number;
  /** paidToAccepted split: coin → center's pay answer (render), → Print-Job sent (last-hop check), → answered. */
  pay: number;
  check: number;
  printJob: number;
  apdu: number[];
}

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

// ---------------------------------------------------------------- the kiosk process

/** Asks the parent to put the card on the reader or take it away, and waits until it has. */
function rigCall(type: 'insert' | 'remove'): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve());
    process.send!({ type } satisfies ToParent);
  });
}

async function runKiosk(setup: KioskSetup): Promise<void> {
  const marks: { present?: number; printCalled?: number; accepted?: number; payAnswered?: number } = {};
  const transport = createPcscTransport();
  transport.on('cardInserted', () => (marks.present = performance.now()));
  const cardService = createCardService({ transport });
  const client = createCenterClient({ baseUrl: setup.baseUrl, cert: setup.certPem, key: setup.keyPem, ca: setup.caPem });
  const centerPort: typeof client = Object.create(client) as typeof client;
  centerPort.pay = async (...args: Parameters<typeof client.pay>) => {
    const answer = await client.pay(...args);
    marks.payAnswered = performance.now();
    return answer;
  };
  const printer = timedCups(new CupsPrinter({ printerUri: setup.queueUri }), marks);
  // As kiosk-main.ts: the key from the center over the kiosk's channel, once.
  let bindingKey: ReturnType<typeof createPublicKey> | undefined;
  const centerPublicKey = async () => (bindingKey ??= createPublicKey((await client.bindingKey()).publicKeyPem));
  const cash = new BenchCash();
  const session = new KioskSession(
    { card: cardService, center: centerPort, printer, cash, centerPublicKey, log: () => undefined },
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

  const journeys: Phases[] = [];
  const readers = Date.now();
  while (cardService.readerStatus !== 'ready' && Date.now() - readers < 10_000) await new Promise((r) => setTimeout(r, 10));
  // The kiosk is up; what it does before the first resident walks in.
  const warmUpMs = setup.warmUp ? await warmUpKiosk({ centerPublicKey, printer, log: () => undefined }) : null;
  for (let i = 0; i < setup.journeys; i++) {
    shownAt.clear();
    await send({ type: 'start' });
    await waitFor('placeCard');
    delete marks.present;
    const inserted = performance.now();
    await rigCall('insert');
    const pin = await waitFor('pin');
    const presencePoll = marks.present! - inserted;
    const placedToPin = pin - marks.present!;

    for (const digit of '1234') await send({ type: 'pinKey', position: session.getView().keypad!.indexOf(digit) });
    const submitted = performance.now();
    await send({ type: 'pinSubmit' });
    const pinToMenu = (await waitFor('menu')) - submitted;

    await send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    await send({ type: 'confirm' });
    await waitFor('payment');
    const paid = performance.now();
    cash.insert(session.getView().quote!.totalYen);
    await waitFor('done', 120_000);

    // The baseline, on the same pcscd and card while the session holds no connection.
    const apdu: number[] = [];
    const connection = await transport.connect();
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      await connection.transmit(SELECT_AP);
      apdu.push(performance.now() - t);
    }
    await connection.disconnect();
    journeys.push({
      placedToPin,
      presencePoll,
      pinToMenu,
      paidToAccepted: marks.accepted! - paid,
      pay: marks.payAnswered! - paid,
      check: marks.printCalled! - marks.payAnswered!,
      printJob: marks.accepted! - marks.printCalled!,
      apdu,
    });
    await rigCall('remove');
    const removed = Date.now();
    while (session.getView().screen !== 'idle' && Date.now() - removed < 10_000) await new Promise((r) => setTimeout(r, 10));
  }
  session.close();
  client.close();
  await cardService.close();
  await transport.close();
  process.send!({ type: 'done', journeys, warmUpMs } satisfies ToParent);
}

// ---------------------------------------------------------------- the parent: center, pcscd, cupsd

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

/** One kiosk process from start to exit, its card moved by the rig here on its request. */
function kioskProcess(
  setup: KioskSetup,
  rig: { insert(id: string): Promise<void>; remove(): Promise<void> },
  cpuProf: boolean,
): Promise<Extract<ToParent, { type: 'done' }>> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--kiosk'], {
    execArgv: [...process.execArgv, ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: Extract<ToParent, { type: 'done' }> | undefined;
    child.on('message', (message: ToParent) => {
      if (message.type === 'done') result = message;
      else void (message.type === 'insert' ? rig.insert(cardId) : rig.remove()).then(() => child.send('ok'), reject);
    });
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`kiosk process exited ${code} without results`))));
    child.send(setup);
  });
}

async function run(kiosks: number, journeysPerKiosk: number, warmUp: boolean, cpuProf: boolean) {
  const databases = createHarness('sqlite');
  const center = await startCenter(await databases.fresh(), { build: { sweeper: false } });
  const kiosk = await center.enrollKiosk();
  const card = await eligibleCard(center);
  // The rig's virtual card carries the key and certificate the center issued and linked to the resident.
  const world = await makeCardWorld();
  writeFileSync(join(world.stateDir, 'cards', cardId, 'auth-cert.der'), card.certificateDer);
  writeFileSync(join(world.stateDir, 'cards', cardId, 'auth-key.pem'), card.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const rig = await startPcscRig({ cardStateDir: world.stateDir, quickack: true });
  process.env.PCSCLITE_CSOCK_NAME = rig.socketPath;
  const cups = await startCups();
  if (cpuProf) mkdirSync(profileDir, { recursive: true });
  const setup = {
    baseUrl: center.baseUrl,
    certPem: kiosk.certPem,
    keyPem: kiosk.keyPem,
    caPem: center.caPem,
    queueUri: await cups.addPdfQueue('bench-kiosk'),
    warmUp,
  };
  const results: Extract<ToParent, { type: 'done' }>[] = [];
  try {
    // The center's first journeys (render worker, its own code paths): not this kiosk's cold start.
    await kioskProcess({ ...setup, journeys: 2, warmUp: true }, rig, false);
    process.stderr.write('center warmed up\n');
    for (let k = 0; k < kiosks; k++) {
      results.push(await kioskProcess({ ...setup, journeys: journeysPerKiosk }, rig, cpuProf));
      process.stderr.write(`kiosk ${k + 1}/${kiosks}\r`);
    }
  } finally {
    await rig.stop();
    await cups.stop();
    await center.close();
    await databases.dispose();
    rmSync(world.stateDir, { recursive: true, force: true });
  }
  return { results, quickack: rig.quickack };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`.padStart(10);

function report(label: string, journeys: Phases[], base: number) {
  if (journeys.length === 0) return;
  const of = (key: Exclude<keyof Phases, 'apdu'>) => journeys.map((j) => j[key]);
  console.log(`${label}: ${journeys.length} journeys (p50 / p95 / max; ratio = p50 / bare APDU p50)`);
  const line = (name: string, xs: number[], goal = false) =>
    console.log(
      `  ${name.padEnd(44)}${ms(median(xs))} /${ms(p95(xs))} /${ms(Math.max(...xs))}   ×${(median(xs) / base).toFixed(0).padStart(4)}` +
        (goal ? `   goal ≤ 1000 ms p95: ${p95(xs) <= 1000 ? 'met' : `missed by ${(p95(xs) - 1000).toFixed(0)} ms`}` : ''),
    );
  line('card placed → PIN screen', of('placedToPin'), true);
  line('PIN entered → menu', of('pinToMenu'), true);
  line('paid → Print-Job accepted by CUPS', of('paidToAccepted'), true);
  line('  of which: pay at the center (render)', of('pay'));
  line('  of which: last-hop check', of('check'));
  line('  of which: Print-Job answered', of('printJob'));
  line('(left out) insert → pcscd reports present', of('presencePoll'));
}

if (process.argv.includes('--kiosk')) {
  process.once('message', (setup: KioskSetup) => {
    runKiosk(setup).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else {
  const [kiosks = 6, journeysPerKiosk = 6] = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('--'))
    .map(Number);
  const warmUp = !process.argv.includes('--no-warm-up');
  const unavailable = cupsUnavailable();
  if (unavailable) {
    console.error(unavailable);
    process.exit(2);
  }
  const { results, quickack } = await run(kiosks, journeysPerKiosk, warmUp, process.argv.includes('--cpu-prof'));
  const all = results.flatMap((r) => r.journeys);
  const base = median(all.flatMap((j) => j.apdu));
  console.log(
    `kiosk journey benchmark: ${kiosks} kiosk processes × ${journeysPerKiosk} journeys, warm-up at start ${warmUp ? 'on' : 'OFF'}`,
  );
  console.log(`pcscd + vpcd ${quickack ? 'in the quickack namespace' : 'on plain loopback (no namespace: Nagle + delayed ACK)'}`);
  const apdu = all.flatMap((j) => j.apdu);
  console.log(`  bare APDU round trip (SELECT AP)           ${ms(median(apdu))} /${ms(p95(apdu))}   (${apdu.length} round trips)`);
  report(
    'cold: each kiosk process’s first journey',
    results.map((r) => r.journeys[0]!),
    base,
  );
  report(
    'warm: every later journey',
    results.flatMap((r) => r.journeys.slice(1)),
    base,
  );
  if (warmUp) {
    const steps = Object.keys(results[0]?.warmUpMs ?? {});
    for (const s of steps) console.log(`  warm-up at start, ${s}: ${median(results.map((r) => r.warmUpMs![s]!))} ms p50`);
  }
  process.exit(0);
}

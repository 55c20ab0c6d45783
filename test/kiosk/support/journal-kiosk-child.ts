/**
 * A kiosk in its own process for the journal crash tests (test/kiosk/journal-crash-recovery.test.ts):
 * the real session, card service over the in-process reader with a virtual card, center client
 * (mutual TLS to the test's center), spool printer and journal. Its cash unit is the simulated one
 * with its payout log in the state directory (payment/cash-unit-log.ts), as a real unit's counters
 * survive a power cut.
 *
 *   run:     one resident buys copies of 住民票の写し, paying more than the fee (change due); or
 *            (`then: 'cancel'`) puts in less and cancels (the escrow goes back); or (`failPrintAt`)
 *            the printer fails that copy (its fee is refunded). The crash point
 *            (MADOGUCHI_JOURNAL_CRASH_AT: a journal write, or the cash unit's `cashUnitCoin` /
 *            `cashUnitPaidOut`) may SIGKILL it on the way.
 *   recover: a restarted kiosk settles what the journal shows unfinished, and exits (nobody is
 *            served: the window for a resident to come back is 0 unless `awaitResidentMs` says).
 *   resume:  a restarted kiosk holds a paid, unprinted transaction for its resident (crash-recovery.ts)
 *            and `resumeCard` is placed with its PIN (the card that paid, or another), or none: the
 *            window passes. It exits once the session has ended the held transaction.
 *
 * Configuration comes as JSON in MADOGUCHI_JOURNAL_CHILD; it prints one JSON line at the end.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { createCardService, createVirtualReader } from '@madoguchi/kiosk/card';
import { createCenterClient } from '@madoguchi/kiosk/center-client';
import { crashPointFromEnv, recoverUnfinished, TransactionJournal } from '@madoguchi/kiosk/journal';
import { SimulatedCashDevice } from '@madoguchi/kiosk/payment';
import { SpoolPrinter, type Printer } from '@madoguchi/kiosk/printer';
import { KioskSession } from '@madoguchi/kiosk/session';

export interface JournalChildConfig {
  mode: 'run' | 'recover' | 'resume';
  centerUrl: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  bindingKeyPem: string;
  card: { certificateDerBase64: string; privateKeyPem: string };
  stateDir: string;
  spoolDir: string;
  trayDir: string;
  copies: number;
  insertYen: number;
  /** 'cancel': the resident cancels with the cash in escrow (insertYen below the fee). */
  then?: 'cancel';
  /** The printer fails this copy (1-based). */
  failPrintAt?: number;
  /** recover and resume: how long a paid transaction waits for its resident. */
  awaitResidentMs?: number;
  /** resume: the window ends this long after the restart, however long the restart took (instead of awaitResidentMs). */
  windowLeftMs?: number;
  /** resume: the card placed on the start screen; none, and the window passes. */
  resumeCard?: JournalChildConfig['card'];
}

const config = JSON.parse(process.env.MADOGUCHI_JOURNAL_CHILD ?? '{}') as JournalChildConfig;
const log = (event: string, fields?: object) => process.stderr.write(JSON.stringify({ event, ...fields }) + '\n');
const journal = TransactionJournal.fromEnv(config.stateDir);
const cash = new SimulatedCashDevice({ stateDir: config.stateDir, crashPoint: crashPointFromEnv() });
const center = createCenterClient({ baseUrl: config.centerUrl, cert: config.certPem, key: config.keyPem, ca: config.caPem });

function newSession() {
  const reader = createVirtualReader();
  const card = createCardService({ transport: reader.transport });
  const session = new KioskSession(
    {
      card,
      center,
      printer: failingAt(new SpoolPrinter(config.spoolDir, { demoOutputTray: config.trayDir }), config.failPrintAt),
      cash,
      centerPublicKey: async () => createPublicKey(config.bindingKeyPem),
      log,
    },
    { paymentRetryDelaysMs: [0, 0], journal },
  );
  const send = async (intent: unknown) => {
    await session.send(intent);
    await session.idle();
  };
  const waitFor = async (...screens: string[]) => {
    for (let i = 0; i < 3000 && !screens.includes(session.getView().screen); i++) await new Promise((r) => setTimeout(r, 10));
    if (!screens.includes(session.getView().screen))
      throw new Error(`expected ${screens.join('/')}, on ${JSON.stringify(session.getView())}`);
  };
  const placeCardAndPin = async (card: JournalChildConfig['card']) => {
    reader.insert(
      new VirtualJpkiCard({
        authCertificateDer: Buffer.from(card.certificateDerBase64, 'base64'),
        authPrivateKey: createPrivateKey(card.privateKeyPem),
        authPin: '1234',
      }),
    );
    await waitFor('pin', 'error');
    if (session.getView().screen !== 'pin') return;
    for (const digit of '1234') await send({ type: 'pinKey', position: session.getView().keypad!.indexOf(digit) });
    await send({ type: 'pinSubmit' });
  };
  return { session, send, waitFor, placeCardAndPin };
}

async function run(): Promise<object> {
  const { session, send, waitFor, placeCardAndPin } = newSession();
  await send({ type: 'start' });
  await placeCardAndPin(config.card);
  await waitFor('menu');
  await send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
  await send({ type: 'setOptions', options: session.getView().selected!.options, copies: config.copies });
  await send({ type: 'confirm' });
  await waitFor('payment');
  // The simulated unit's slot: a coin or note of the demo's kind, counted in the unit's own log.
  cash.insert(config.insertYen);
  await session.idle();
  if (config.then === 'cancel') await send({ type: 'cancel' });
  const view = session.getView();
  session.close();
  return { screen: view.screen, printedDocuments: view.printedDocuments, error: view.error?.code };
}

function failingAt(printer: Printer, copyIndex: number | undefined): Printer {
  if (copyIndex === undefined) return printer;
  return {
    print: (job) => (job.copyIndex === copyIndex ? Promise.reject(new Error('paper jam')) : printer.print(job)),
    release: (jobId) => printer.release(jobId),
    status: () => printer.status(),
  };
}

/** A restarted kiosk whose resident may come back: the held transaction ends printed or refunded. */
async function resume(): Promise<object> {
  const paidAt = journal.allEvents().find((e) => e.kind === 'paid')?.at;
  const awaitResidentMs =
    config.windowLeftMs !== undefined && paidAt ? Date.now() - Date.parse(paidAt) + config.windowLeftMs : config.awaitResidentMs;
  const { held, ...recovery } = await recoverUnfinished({ journal, center, cash, log }, { awaitResidentMs });
  if (!held) return { ...recovery, held: false };
  const { session, waitFor, placeCardAndPin } = newSession();
  await session.awaitResident(held);
  if (config.resumeCard) await placeCardAndPin(config.resumeCard);
  await waitFor('done', 'error');
  await session.idle();
  const view = session.getView();
  session.close();
  return { ...recovery, held: true, screen: view.screen, printedDocuments: view.printedDocuments, refundYen: view.refundYen };
}

async function main(): Promise<void> {
  const result =
    config.mode === 'run'
      ? await run()
      : config.mode === 'resume'
        ? await resume()
        : await recoverUnfinished({ journal, center, cash, log }, { awaitResidentMs: config.awaitResidentMs ?? 0 });
  journal.close();
  cash.close();
  center.close();
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((error: unknown) => {
  log('child failed', { message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

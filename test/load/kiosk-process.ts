/**
 * A process of simulated kiosks for a load run (forked by run.ts; several kiosks per process). Each
 * kiosk runs the real kiosk code paths: KioskSession, the card service over an in-process virtual
 * reader holding card-sim's JPKI applet, the real center client over mutual TLS with its own client
 * certificate, the last-hop check inside the session, its own journal (TransactionJournal in its own
 * state directory, opened as a kiosk opens it: recovery of what a crash left unfinished, then print
 * results retried) and the demo spool printer, whose output tray keeps every printed PDF for the
 * independent document check. Nothing of a resident is logged here: ids and codes only.
 *
 * Killed (kill -9, `crashAtNextPrint`: at the next copy one of its kiosks is about to print, so at
 * least that kiosk is paid and not printed) and started again on the same state directories, each
 * kiosk runs the journal's recovery; a paid, unprinted transaction is held for its resident, who
 * comes back with the same card, or does not and is refunded when the window passes (`resume`).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { MadoguchiError, yen, type KioskView, type Yen } from '@madoguchi/shared';
import { createCardService, createVirtualReader, type VirtualReader } from '@madoguchi/kiosk/card';
import { createCenterClient } from '@madoguchi/kiosk/center-client';
import { deliverOutbox, openKioskJournal, type KioskJournal } from '@madoguchi/kiosk/journal';
import { SpoolPrinter, type Printer } from '@madoguchi/kiosk/printer';
import { KioskSession } from '@madoguchi/kiosk/session';
import type { FromKiosk, Journey, JourneyResult, KioskProcessSetup, KioskSlot, ToKiosk } from './protocol.js';
import { LOAD_PIN } from './world.js';

/** The cash acceptor, in memory: the fee goes in as one insertion. */
class LoadCash {
  private readonly listeners = new Set<(amount: Yen) => void>();
  paidOutYen = 0;
  on(_event: 'inserted', listener: (amount: Yen) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  insert(amount: number): void {
    for (const l of this.listeners) l(yen(amount));
  }
  payOut(amount: Yen): void {
    this.paidOutYen += amount;
  }
}

/** The screens a journey waits for: where the step it took may end. */
const END_SCREENS = new Set(['refused', 'error', 'done']);

/** Set by `crashAtNextPrint`: the next copy about to be printed in this process kills it. */
let crashAtNextPrint = false;
/** Print results are retried this often (a real kiosk: every 30 s): a run ends minutes after its last fault. */
const PRINT_RESULT_RETRY_MS = 2_000;

class LoadKiosk {
  private readonly reader: VirtualReader = createVirtualReader();
  private readonly cash = new LoadCash();
  private session!: KioskSession;
  private journal!: KioskJournal;
  private client!: ReturnType<typeof createCenterClient>;
  private journeyId = 0;
  private readonly printed: { issuanceId: string; copyIndex: number; file: string }[] = [];
  /** Set for a journey whose first payment answer is to be lost on the way back (error then retry). */
  private losePayAnswer = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly slot: KioskSlot) {}

  /** Opens the kiosk's journal (recovering what a crash left) and its session; `held` if recovery held a payment. */
  static async open(slot: KioskSlot, setup: KioskProcessSetup, onPaying: (journeyId: number, issuanceId: string) => void) {
    const kiosk = new LoadKiosk(slot);
    const held = await kiosk.init(setup, onPaying);
    return { kiosk, held };
  }

  private async init(setup: KioskProcessSetup, onPaying: (journeyId: number, issuanceId: string) => void): Promise<string | undefined> {
    const slot = this.slot;
    mkdirSync(slot.stateDir, { recursive: true, mode: 0o700 });
    const client = createCenterClient({ baseUrls: setup.baseUrls, cert: slot.certPem, key: slot.keyPem, ca: setup.caPem });
    this.client = client;
    const center: typeof client = Object.create(client) as typeof client;
    center.pay = async (...args: Parameters<typeof client.pay>) => {
      if (this.journeyId) onPaying(this.journeyId, args[0]);
      const answer = await client.pay(...args);
      if (this.losePayAnswer) {
        // The center committed the payment; its answer never reached the kiosk (docs/misissuance.md#adachi).
        this.losePayAnswer = false;
        throw new MadoguchiError('ISSUANCE_CENTER_UNREACHABLE', 'load run: the first payment answer was dropped');
      }
      return answer;
    };
    const spool = new SpoolPrinter(join(slot.stateDir, 'spool'), { demoOutputTray: slot.trayDir });
    const printer: Printer = {
      print: async (job) => {
        // The intent `printing` is journaled; the copy is not on paper: a kill here is "paid, not printed".
        if (crashAtNextPrint) process.kill(process.pid, 'SIGKILL');
        const result = await spool.print(job);
        this.printed.push({ issuanceId: job.issuanceId, copyIndex: job.copyIndex, file: join(slot.trayDir, `${result.jobId}.pdf`) });
        return result;
      },
      release: (jobId) => spool.release(jobId),
      status: () => spool.status(),
    };
    let bindingKey: KeyObject | undefined;
    const centerPublicKey = async () => (bindingKey ??= createPublicKey((await client.bindingKey()).publicKeyPem));
    this.journal = await openKioskJournal({
      stateDir: slot.stateDir,
      center,
      cash: this.cash,
      log: () => undefined,
      retryMs: PRINT_RESULT_RETRY_MS,
      ...(setup.awaitResidentMs !== undefined ? { awaitResidentMs: setup.awaitResidentMs } : {}),
    });
    this.session = new KioskSession(
      {
        card: createCardService({ transport: this.reader.transport }),
        center,
        printer,
        cash: this.cash,
        centerPublicKey,
        log: () => undefined,
      },
      { paymentRetryDelaysMs: [200, 1_000], journal: this.journal.journal },
    );
    this.session.onView(() => {
      for (const w of this.waiters) w();
    });
    if (!this.journal.held) return undefined;
    await this.session.awaitResident(this.journal.held);
    return this.journal.held.issuanceId;
  }

  private view(): KioskView {
    return this.session.getView();
  }

  private async send(intent: unknown): Promise<void> {
    await this.session.send(intent);
    await this.session.idle();
  }

  private until(screens: ReadonlySet<string> | string, timeoutMs: number): Promise<KioskView> {
    const wanted = typeof screens === 'string' ? new Set([screens]) : screens;
    return new Promise((resolve, reject) => {
      const check = () => {
        const view = this.view();
        if (wanted.has(view.screen) || (view.screen !== 'idle' && END_SCREENS.has(view.screen))) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(view);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`waited ${timeoutMs} ms for ${[...wanted].join('|')} on ${this.view().screen}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private result(
    journey: Journey,
    startedAt: number,
    outcome: JourneyResult['outcome'],
    view: KioskView,
    extra: Partial<JourneyResult> = {},
  ): JourneyResult {
    return {
      id: journey.id,
      scenario: journey.scenario,
      residentId: journey.card.residentId,
      certificateType: journey.certificateType,
      terminalId: this.slot.terminalId,
      outcome,
      ...(view.error?.code ? { code: view.error.code } : {}),
      startedAt,
      endedAt: Date.now(),
      printed: [...this.printed],
      ...extra,
    };
  }

  private async placeCardAndPin(journey: Journey): Promise<KioskView> {
    this.reader.insert(
      new VirtualJpkiCard({
        authCertificateDer: Buffer.from(journey.card.certificateDerBase64, 'base64'),
        authPrivateKey: journey.card.privateKeyPem,
        authPin: LOAD_PIN,
      }),
    );
    const pin = await this.until('pin', 20_000);
    if (pin.screen !== 'pin') return pin;
    for (const digit of LOAD_PIN) await this.send({ type: 'pinKey', position: this.view().keypad!.indexOf(digit) });
    await this.send({ type: 'pinSubmit' });
    return pin;
  }

  /**
   * After a restart, the transaction recovery held: the resident comes back with the card that paid
   * (its PIN, then the rest printed), or does not, and the window passing refunds the copies.
   */
  async resume(journey: Journey, returns: boolean, windowMs: number): Promise<JourneyResult> {
    const startedAt = Date.now();
    this.printed.length = 0;
    this.journeyId = journey.id;
    const result = (outcome: JourneyResult['outcome'], view: KioskView, extra: Partial<JourneyResult> = {}) =>
      this.result(journey, startedAt, outcome, view, { resumed: returns ? 'returned' : 'left', ...extra });
    try {
      if (returns) {
        const pin = await this.placeCardAndPin(journey);
        if (pin.screen !== 'pin') return result('failed', pin);
      }
      const ended = await this.until(new Set(['done', 'error']), (returns ? 0 : windowMs) + 120_000);
      return result(ended.screen === 'done' ? 'printed' : 'failed', ended, ended.refundYen ? { refundYen: ended.refundYen } : {});
    } catch (error) {
      return result('stuck', this.view(), { detail: error instanceof Error ? error.message : 'unknown' });
    } finally {
      this.journeyId = 0;
      await this.leave();
    }
  }

  /** The outbox (print results, cancels) still queued, delivered before the run reads the journals (the periodic retry, once more, now). */
  async flush(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const waiting = await deliverOutbox({ journal: this.journal.journal, center: this.client, log: () => undefined });
      if (waiting === 0) return;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  async run(journey: Journey): Promise<JourneyResult> {
    const startedAt = Date.now();
    this.printed.length = 0;
    this.journeyId = journey.id;
    this.losePayAnswer = journey.losePayAnswer === true;
    const result = (outcome: JourneyResult['outcome'], view: KioskView, extra: Partial<JourneyResult> = {}): JourneyResult =>
      this.result(journey, startedAt, outcome, view, extra);
    try {
      await this.send({ type: 'start' });
      await this.until('placeCard', 10_000);
      const pin = await this.placeCardAndPin(journey);
      if (pin.screen !== 'pin') return result('refused', pin);
      const menu = await this.until('menu', 60_000);
      if (menu.screen !== 'menu') return result('refused', menu);
      const item = menu.menu?.find((m) => m.certificateType === journey.certificateType);
      if (!item?.available) return result('refused', menu, { code: item?.refusal ?? 'NOT_ON_MENU' });
      await this.send({ type: 'chooseCertificate', certificateType: journey.certificateType });
      const options = await this.until('options', 10_000);
      if (options.screen !== 'options') return result('refused', options);
      const copies = Math.min(journey.copies, item.maxCopies ?? journey.copies);
      await this.send({ type: 'setOptions', options: journey.options, copies });
      if (journey.confirmAt) await new Promise((r) => setTimeout(r, Math.max(0, journey.confirmAt! - Date.now())));
      const confirmedAt = Date.now();
      await this.send({ type: 'confirm' });
      const payment = await this.until('payment', 60_000);
      if (payment.screen !== 'payment') return result('refused', payment, { confirmedAt });
      this.cash.insert(payment.quote!.totalYen);
      const done = await this.until('done', 180_000);
      return result(done.screen === 'done' ? 'printed' : 'failed', done, {
        confirmedAt,
        paidYen: payment.quote!.totalYen,
        copies,
        ...(done.refundYen ? { refundYen: done.refundYen } : {}),
      });
    } catch (error) {
      return result('stuck', this.view(), { detail: error instanceof Error ? error.message : 'unknown' });
    } finally {
      this.journeyId = 0;
      await this.leave();
    }
  }

  /** The resident takes the card and goes: the session drops everything of them. */
  private async leave(): Promise<void> {
    this.reader.remove();
    const view = this.view();
    if (view.screen !== 'idle') await this.send({ type: END_SCREENS.has(view.screen) ? 'finish' : 'cancel' }).catch(() => undefined);
    await this.until('idle', 30_000).catch(() => undefined);
  }

  close(): void {
    this.session.close();
    this.journal.close();
  }
}

function main(): void {
  const kiosks = new Map<string, LoadKiosk>();
  let awaitResidentMs = 0;
  const send = (message: FromKiosk) => process.send!(message);
  // A Ctrl-C in the run's terminal reaches this process too: run.ts decides (journeys in flight finish, then 'stop').
  process.on('SIGINT', () => undefined);
  process.on('message', (message: ToKiosk) => {
    if (message.type === 'setup') {
      awaitResidentMs = message.setup.awaitResidentMs ?? 5 * 60_000;
      const onPaying = (journeyId: number, issuanceId: string) => send({ type: 'paying', journeyId, issuanceId });
      void Promise.all(message.setup.kiosks.map((slot) => LoadKiosk.open(slot, message.setup, onPaying))).then((opened) => {
        const held: { terminalId: string; issuanceId: string }[] = [];
        for (const [i, { kiosk, held: issuanceId }] of opened.entries()) {
          const terminalId = message.setup.kiosks[i]!.terminalId;
          kiosks.set(terminalId, kiosk);
          if (issuanceId) held.push({ terminalId, issuanceId });
        }
        send({ type: 'ready', held });
      });
    } else if (message.type === 'journey') {
      const kiosk = kiosks.get(message.terminalId)!;
      void kiosk.run(message.journey).then((r) => send({ type: 'result', result: r }));
    } else if (message.type === 'resume') {
      const kiosk = kiosks.get(message.terminalId)!;
      void kiosk.resume(message.journey, message.returns, awaitResidentMs).then((r) => send({ type: 'result', result: r }));
    } else if (message.type === 'crashAtNextPrint') {
      crashAtNextPrint = true;
    } else {
      void Promise.all([...kiosks.values()].map((k) => k.flush())).finally(() => {
        for (const k of kiosks.values()) k.close();
        process.exit(0);
      });
    }
  });
}

main();

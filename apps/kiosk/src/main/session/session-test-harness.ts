/**
 * The session under test, for the session's unit tests: the real card service over the in-process
 * reader, the real last-hop check and spool printer, a simulated cash device, and a fake center
 * (its real behaviour is tested in test/center and end to end). The card itself comes from the test
 * (the virtual applet lives in @madoguchi/card-sim, which only tests and the demo reader import).
 * `hold` stops the next call of a step where it starts, so a test can look at the screen that
 * step shows while it runs.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, verify, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { expect } from 'vitest';
import { MadoguchiError, type DocumentBinding, type ErrorCode, type KioskView } from '@madoguchi/shared';
import { createCardService } from '../card/card-service.js';
import { createVirtualReader, type SimulatedCard } from '../card/virtual-reader.js';
import { CashBox } from '../payment/cash-box.js';
import { SimulatedCashDevice } from '../payment/cash-device.js';
import { SpoolPrinter, type Printer } from '../printer/spool-printer.js';
import { KioskSession, type KioskSessionOptions } from './kiosk-session.js';
import type { SessionDeps } from './ports.js';

export const cardKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const centerKey = generateKeyPairSync('ed25519');
// The kiosk sizes the certificate from its DER header; the fake center checks only the signature.
export const certificateDer = Uint8Array.from([0x30, 0x82, 0x00, 0x10, ...randomBytes(16)]);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The steps a test can stop where they start (see `Holds`). */
export type HeldStep = 'readCard' | 'challenge' | 'quote' | 'pay' | 'print' | 'applyDomicileRegistration';

/** `hold(step)` stops the step's next call until `release()`; every other call runs at once. */
export class Holds {
  private readonly held = new Map<HeldStep, { promise: Promise<void>; release: () => void }>();

  hold(step: HeldStep): () => void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held.set(step, { promise, release });
    return release;
  }

  /** Where a held step starts: waits for its release (once). */
  async pass(step: HeldStep): Promise<void> {
    const entry = this.held.get(step);
    if (!entry) return;
    this.held.delete(step);
    await entry.promise;
  }
}

export type Tamper = 'none' | 'otherCard' | 'wrongPage' | 'badSignature' | 'otherIssuance';

// eslint-disable-next-line max-lines-per-function -- a test double: each fake route and its test controls share the recorded calls
export function fakeCenter(tamper: Tamper = 'none', holds = new Holds()) {
  const calls: string[] = [];
  const challenges = new Map<string, Buffer>();
  const sessions: string[] = [];
  let issuanceId = '';
  let domicileRefusal: ErrorCode | undefined;
  /** What the next payment calls answer, one entry per call; when empty, the delivery. */
  const payAnswers: (ErrorCode | 'deliver')[] = [];
  const payKeys: (string | undefined)[] = [];
  /** Runs at the start of every payment call (what the kiosk has done with the cash by then). */
  let onPay: () => void = () => undefined;
  let printResultFails = false;
  const center: SessionDeps['center'] = {
    async challenge() {
      await holds.pass('challenge');
      calls.push('challenge');
      const challengeId = randomUUID();
      const challenge = randomBytes(32);
      challenges.set(challengeId, challenge);
      return { challengeId, challenge: challenge.toString('base64'), expiresAt: new Date(Date.now() + 60_000).toISOString() };
    },
    async authenticate(req) {
      calls.push('authenticate');
      const challenge = challenges.get(req.challengeId)!;
      if (!verify('sha256', challenge, cardKey.publicKey, Buffer.from(req.signature, 'base64')))
        throw new MadoguchiError('AUTH_SIGNATURE_INVALID');
      sessions.push(randomUUID());
      return {
        sessionId: sessions.at(-1)!,
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
        municipalityName: '横浜市',
        householdMembers: [],
        menu: [
          { certificateType: 'residenceRecord', available: true, feeYen: 300 as never, maxCopies: 10 },
          { certificateType: 'sealCertificate', available: false, refusal: 'ELIGIBILITY_NO_SEAL_REGISTRATION' },
          { certificateType: 'familyRegisterFull', available: false, refusal: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' },
        ],
        domicileRegistration: { status: 'notApplied', canApply: true, domicileMunicipalityName: '千代田区' },
      };
    },
    async applyDomicileRegistration(sessionId) {
      await holds.pass('applyDomicileRegistration');
      calls.push(`domicile:${sessions.indexOf(sessionId)}`);
      if (domicileRefusal) throw new MadoguchiError(domicileRefusal);
      return {
        registrationId: randomUUID(),
        status: 'pending',
        appliedAt: new Date().toISOString(),
        domicileMunicipalityName: '千代田区',
      };
    },
    async quote(req) {
      await holds.pass('quote');
      calls.push('quote');
      issuanceId = randomUUID();
      return {
        issuanceId,
        state: 'quoted',
        certificateType: req.certificateType,
        copies: req.copies,
        feeYen: 300 as never,
        totalYen: (300 * req.copies) as never,
      };
    },
    async pay(id, paidYen, idempotencyKey) {
      await holds.pass('pay');
      calls.push(`pay:${paidYen}`);
      payKeys.push(idempotencyKey);
      onPay();
      const answer = payAnswers.shift() ?? 'deliver';
      if (answer !== 'deliver') throw new MadoguchiError(answer, 'fake center');
      const issueNumber = `20261123 YOKOHAMA KIOSK-0001 P01 ${String(calls.length).padStart(6, '0')}`;
      return { issuanceId: id, state: 'delivered', documents: [await signedDocument(id, issueNumber, tamper)] };
    },
    async printResult(id, req) {
      calls.push(`print:${req.outcome}`);
      if (printResultFails) throw new MadoguchiError('ISSUANCE_CENTER_UNREACHABLE', 'fake center');
      return { issuanceId: id, state: req.outcome === 'printed' ? 'printed' : 'refunded', refundYen: 0 as never };
    },
    async cancel(id) {
      calls.push('cancel');
      return { issuanceId: id, state: 'voided', refundYen: 0 as never };
    },
  };
  return {
    center,
    calls,
    payKeys,
    issuanceId: () => issuanceId,
    refuseDomicile: (code: ErrorCode) => (domicileRefusal = code),
    answerPayments: (...answers: (ErrorCode | 'deliver')[]) => payAnswers.push(...answers),
    onPay: (hook: () => void) => (onPay = hook),
    failPrintResults: () => (printResultFails = true),
  };
}

/** One two-page copy as the center delivers it: the PDF and its binding signed with `centerKey`, spoiled as `tamper` says. */
async function signedDocument(id: string, issueNumber: string, tamper: Tamper) {
  const pages = 2;
  const pdfDoc = await PDFDocument.create();
  const font = await pdfDoc.embedFont(StandardFonts.Helvetica);
  const pageIssueNumbers = Array.from({ length: pages }, (_, i) => `${issueNumber} ${i + 1}/${pages}`);
  pageIssueNumbers.forEach((n, i) =>
    pdfDoc
      .addPage([595, 842])
      .drawText(tamper === 'wrongPage' && i === 1 ? `${issueNumber} 1/${pages}` : n, { x: 40, y: 800, size: 10, font }),
  );
  const pdf = await pdfDoc.save();
  const binding: DocumentBinding = {
    issuanceId: tamper === 'otherIssuance' ? randomUUID() : id,
    issueNumber,
    copyIndex: 1,
    pageCount: pages,
    pageIssueNumbers,
    documentSha256: sha256(pdf),
    authCertificateSha256: tamper === 'otherCard' ? sha256(randomBytes(20)) : sha256(certificateDer),
    certificateType: 'residenceRecord',
    issuedAt: new Date().toISOString(),
  };
  const bindingJson = JSON.stringify(binding);
  const signature = sign(null, Buffer.from(tamper === 'badSignature' ? bindingJson + ' ' : bindingJson), centerKey.privateKey);
  return { binding, bindingJson, bindingSignature: signature.toString('base64'), pdf: Buffer.from(pdf).toString('base64') };
}

export interface SetupOptions {
  /** The card `insertCard` places: a virtual applet holding `cardKey` and `certificateDer`, PIN 1234. */
  newCard: () => SimulatedCard;
  /** The kiosk runs in demo mode, so the demo panel may drop coins into the simulated acceptor. */
  demo?: boolean;
  spoolDir?: string;
  /** The printer instead of the demo's spool printer (a CUPS queue, one whose status a test sets). */
  printer?: Printer;
  /** How long an iPhone's holder may take to confirm on the phone (the card service's default otherwise). */
  phoneConfirmationMs?: number;
  /** Holds passing screens (session/screen-holds.ts). */
  holdScreen?: KioskSessionOptions['holdScreen'];
  /** The center's binding key as the kiosk fetches it (the real key otherwise): a test can make the fetch fail. */
  centerPublicKey?: () => Promise<KeyObject>;
}

const newSpoolDir = () => mkdtempSync(join(tmpdir(), 'kiosk-spool-'));
const realKey = async () => createPublicKey(centerKey.publicKey.export({ type: 'spki', format: 'pem' }));

export function setup(
  tamper: Tamper,
  { newCard, demo = false, spoolDir = newSpoolDir(), printer, phoneConfirmationMs, holdScreen, centerPublicKey = realKey }: SetupOptions,
) {
  const holds = new Holds();
  const reader = createVirtualReader();
  const cashDevice = new SimulatedCashDevice();
  const card = createCardService({ transport: reader.transport, ...(phoneConfirmationMs ? { phoneConfirmationMs, phonePollMs: 20 } : {}) });
  const readCardInfo = card.readCardInfo.bind(card);
  card.readCardInfo = async (options) => {
    await holds.pass('readCard');
    return readCardInfo(options);
  };
  // What the demo printer hands over as paper: the printed copies, read back by the tests.
  const trayDir = join(mkdtempSync(join(tmpdir(), 'kiosk-printed-')), 'tray');
  const fake = fakeCenter(tamper, holds);
  const logs: string[] = [];
  const cashBoxes: CashBox[] = [];
  const session = new KioskSession(
    {
      card,
      center: fake.center,
      printer: heldPrinter(printer ?? new SpoolPrinter(spoolDir, { demoOutputTray: trayDir }), holds),
      cash: cashDevice,
      ...(demo ? { demoCash: cashDevice } : {}),
      centerPublicKey,
      log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
    },
    // Retries without the production pauses; each customer's cash box is kept for inspection.
    {
      paymentRetryDelaysMs: [0, 0],
      ...(holdScreen ? { holdScreen } : {}),
      newCashBox: () => {
        const box = new CashBox(cashDevice);
        cashBoxes.push(box);
        return box;
      },
    },
  );
  const views: KioskView[] = [];
  session.onView((v) => views.push(v));
  const insertCard = () => reader.insert(newCard());
  const send = async (intent: unknown) => {
    await session.send(intent);
    await session.idle();
  };
  const typePin = async (pin: string) => {
    for (const digit of pin) await send({ type: 'pinKey', position: session.getView().keypad!.indexOf(digit) });
  };
  const waitFor = async (screen: string) => {
    for (let i = 0; i < 200 && session.getView().screen !== screen; i++) await new Promise((r) => setTimeout(r, 10));
    expect(session.getView().screen).toBe(screen);
  };
  /** The cash box of the customer being served (a new one per customer). */
  const cash = () => cashBoxes.at(-1)!;
  /** A coin or note into the cash acceptor, then whatever the session does with it. */
  const insertCash = async (yen: number) => {
    cashDevice.insert(yen);
    await session.idle();
  };
  const printed = () => (existsSync(trayDir) ? readdirSync(trayDir) : []);
  return {
    session,
    reader,
    card,
    fake,
    holds,
    spoolDir,
    trayDir,
    printed,
    views,
    logs,
    send,
    typePin,
    insertCard,
    waitFor,
    cash,
    cashBoxes,
    cashDevice,
    insertCash,
  };
}

function heldPrinter(printer: Printer, holds: Holds): Printer {
  return {
    print: async (job) => {
      await holds.pass('print');
      return printer.print(job);
    },
    release: (jobId) => printer.release(jobId),
    status: () => printer.status(),
  };
}

export type Harness = ReturnType<typeof setup>;

export async function toPayment(t: Harness) {
  await toMenu(t);
  await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
  await t.send({ type: 'confirm' });
  expect(t.session.getView()).toMatchObject({ screen: 'payment', quote: { totalYen: 300 } });
}

export async function toMenu(t: Harness, pin = '1234') {
  await t.send({ type: 'start' });
  expect(t.session.getView().screen).toBe('placeCard');
  t.insertCard();
  await t.waitFor('pin');
  await t.typePin(pin);
  await t.send({ type: 'pinSubmit' });
  await t.session.idle();
}

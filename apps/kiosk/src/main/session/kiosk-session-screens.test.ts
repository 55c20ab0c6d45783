/**
 * The screen table (packages/shared/src/api/kiosk-screens.ts) against the session it describes: on
 * every screen an intent the table does not list changes nothing, and every edge the table
 * declares is one the session takes. Together they hold the table to what the session does.
 */
import { createHash } from 'node:crypto';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { KioskScreen, screenIntents, type KioskIntent, type StepIntentType } from '@madoguchi/shared';
import { describe, expect, it } from 'vitest';
import { cardKey, certificateDer, setup, toMenu, toPayment, type Harness, type HeldStep, type Tamper } from './session-test-harness.js';

const newCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: '1234' });

/** One well-formed intent of each step type. */
const stepIntents: Record<StepIntentType, KioskIntent> = {
  start: { type: 'start' },
  pinKey: { type: 'pinKey', position: 0 },
  pinBackspace: { type: 'pinBackspace' },
  pinSubmit: { type: 'pinSubmit' },
  chooseCertificate: { type: 'chooseCertificate', certificateType: 'residenceRecord' },
  applyDomicileRegistration: { type: 'applyDomicileRegistration' },
  setOptions: { type: 'setOptions', options: {}, copies: 2 },
  confirm: { type: 'confirm' },
  back: { type: 'back' },
  cancel: { type: 'cancel' },
  finish: { type: 'finish' },
};
const stepTypes = Object.keys(stepIntents) as StepIntentType[];

/** Screens shown only while a step runs; the step is held where it starts so the screen stays. */
const whileRunning: Partial<Record<KioskScreen, HeldStep>> = {
  readingCard: 'readCard',
  authenticating: 'challenge',
  quoting: 'quote',
  issuing: 'pay',
  printing: 'print',
  domicileApplying: 'applyDomicileRegistration',
};

interface AtScreen {
  t: Harness;
  /** Puts one intent on the screen and waits for what it does. */
  send(intent: KioskIntent): Promise<void>;
  /** Lets a held step go on and closes the session. */
  end(): Promise<void>;
}

/** Drives a new session to `screen` the way a resident would. */
async function reach(screen: KioskScreen, { cardPresent = false } = {}): Promise<AtScreen> {
  const tamper: Tamper = screen === 'error' ? 'badSignature' : 'none';
  const t = setup(tamper, { newCard });
  const heldStep = whileRunning[screen];
  const release = heldStep ? t.holds.hold(heldStep) : () => undefined;
  await driveTo(t, screen);
  if (cardPresent) {
    t.insertCard();
    for (let i = 0; i < 200 && !t.session.getView().cardPresent; i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.session.getView()).toMatchObject({ screen, cardPresent: true });
  }
  expect(t.session.getView().screen).toBe(screen);
  return {
    t,
    // While a step runs, the queue is busy with it: an intent sent now would wait for the step to
    // end and meet the next screen (it meets a running step's screen only when a cancel or a
    // removal has abandoned the card call). So the test hands the intent to the session's handler
    // directly, as the queue would if it were free, on the state the running step has built.
    send: heldStep ? (intent) => (t.session as unknown as { handle(intent: KioskIntent): Promise<void> }).handle(intent) : t.send,
    async end() {
      release();
      await t.session.idle();
      t.session.close();
    },
  };
}

async function driveTo(t: Harness, screen: KioskScreen): Promise<void> {
  const startStep = (intent: KioskIntent) => void t.session.send(intent); // the held step shows its screen, then waits
  switch (screen) {
    case 'idle':
      return;
    case 'placeCard':
      return t.send({ type: 'start' });
    case 'readingCard':
      await t.send({ type: 'start' });
      t.insertCard();
      return t.waitFor('readingCard');
    case 'pin':
      await t.send({ type: 'start' });
      t.insertCard();
      return t.waitFor('pin');
    case 'authenticating':
      await driveTo(t, 'pin');
      await t.typePin('1234');
      startStep({ type: 'pinSubmit' });
      return t.waitFor('authenticating');
    case 'menu':
      return toMenu(t);
    case 'options':
      await toMenu(t);
      return t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    case 'quoting':
      await driveTo(t, 'options');
      startStep({ type: 'confirm' });
      return t.waitFor('quoting');
    case 'payment':
      return toPayment(t);
    case 'issuing':
    case 'printing':
      await toPayment(t);
      t.cashDevice.insert(500);
      return t.waitFor(screen);
    case 'done':
    case 'error':
      await toPayment(t);
      return t.insertCash(500);
    case 'domicileConfirm':
      await toMenu(t);
      return t.send({ type: 'applyDomicileRegistration' });
    case 'domicileApplying':
      await driveTo(t, 'domicileConfirm');
      startStep({ type: 'confirm' });
      return t.waitFor('domicileApplying');
    case 'domicileApplied':
      await driveTo(t, 'domicileConfirm');
      return t.send({ type: 'confirm' });
    case 'refused':
      await toMenu(t);
      return t.send({ type: 'chooseCertificate', certificateType: 'sealCertificate' });
    case 'awaitingResident':
      // A restarted kiosk's held transaction (journal/crash-recovery.ts), waiting for the card that paid.
      return t.session.awaitResident({
        issuanceId: '00000000-0000-4000-8000-000000000001',
        authCertificateSha256: createHash('sha256').update(certificateDer).digest('hex'),
        paymentKey: '00000000-0000-4000-8000-000000000002',
        certificateType: 'residenceRecord',
        totalYen: 300,
        unprinted: [{ copyIndex: 1, issueNumber: 'X-1', documentSha256: '0'.repeat(64) }],
        until: Date.now() + 60_000,
      });
  }
}

describe('the kiosk session follows the screen table', () => {
  for (const screen of KioskScreen.options) {
    const ignored = stepTypes.filter((type) => screenIntents[screen][type] === undefined);
    it(`ignores on ${screen} every intent the table does not list for it (${ignored.join(', ')})`, async () => {
      const at = await reach(screen);
      const before = at.t.session.getView();
      const calls = [...at.t.fake.calls];
      const movements = [...at.t.cash().movements];
      for (const type of ignored) {
        await at.send(stepIntents[type]);
        // The very same view: nothing was published, not even a new revision.
        expect(at.t.session.getView(), `${type} on ${screen}`).toBe(before);
      }
      expect(at.t.fake.calls).toEqual(calls);
      expect(at.t.cash().movements).toEqual(movements);
      await at.end();
    });
  }

  const edges = KioskScreen.options.flatMap((screen) =>
    stepTypes.flatMap((type) => (screenIntents[screen][type] ?? []).map((to) => ({ screen, type, to }))),
  );
  for (const { screen, type, to } of edges) {
    it(`takes ${screen} ─${type}─▶ ${to}`, async () => {
      // The outcome picks between the edges of one intent: a card already on the reader, a refused item.
      const at = await reach(screen, { cardPresent: type === 'start' && to === 'readingCard' });
      if (type === 'pinSubmit') await at.t.typePin('1234');
      const intent: KioskIntent =
        type === 'chooseCertificate' && to === 'refused' ? { type, certificateType: 'sealCertificate' } : stepIntents[type];
      const published = at.t.views.length;
      await at.send(intent);
      expect(at.t.views[published]?.screen, at.t.logs.join('\n')).toBe(to);
      await at.end();
    });
  }
});

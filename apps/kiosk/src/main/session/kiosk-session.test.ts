/**
 * The session state machine driven through its public surface (intents in, views out) with the
 * real virtual card applet on the in-process reader and the real last-hop check; only the center
 * is a fake (session-test-harness.ts; its real behaviour is tested in test/center and end to end).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { defaultResidenceRecordOptions, errorMessage, MadoguchiError } from '@madoguchi/shared';
import { SpoolPrinter } from '../printer/spool-printer.js';
import {
  cardKey,
  certificateDer,
  setup as setupSession,
  toMenu,
  toPayment,
  type Harness,
  type SetupOptions,
  type Tamper,
} from './session-test-harness.js';

const newCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: '1234' });
const setup = (tamper: Tamper = 'none', options: Omit<SetupOptions, 'newCard'> = {}) => setupSession(tamper, { newCard, ...options });

describe('kiosk session', () => {
  beforeAll(() => undefined);

  it('goes from card to printed certificate, checking the document before printing', async () => {
    const t = setup();
    await toMenu(t);
    expect(t.session.getView().screen).toBe('menu');
    await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    expect(t.session.getView().screen).toBe('options');
    await t.send({ type: 'confirm' });
    expect(t.session.getView()).toMatchObject({ screen: 'payment', quote: { totalYen: 300 } });
    await t.insertCash(100);
    expect(t.session.getView().screen).toBe('payment');
    await t.insertCash(500);
    expect(t.session.getView(), t.logs.join('\n')).toMatchObject({ screen: 'done', printedDocuments: 1, refundYen: 300 });
    expect(t.fake.calls).toEqual(['challenge', 'authenticate', 'quote', 'pay:300', 'print:printed']);
    expect(t.printed()).toEqual([`${t.fake.issuanceId()}-01.pdf`]);
    // Printed: nothing of the certificate stays on the kiosk's disk.
    expect(readdirSync(t.spoolDir)).toEqual([]);
    // Removing the card at the end closes the session: nothing of the resident stays on screen.
    t.reader.remove();
    await t.waitFor('idle');
    const last = t.session.getView();
    expect(last.menu).toBeUndefined();
    expect(last.municipalityName).toBeUndefined();
    expect(last.quote).toBeUndefined();
  });

  it('shuffles the keypad and never puts digits typed into a view', async () => {
    const t = setup();
    await t.send({ type: 'start' });
    t.insertCard();
    await t.waitFor('pin');
    const keypad = t.session.getView().keypad!;
    expect([...keypad].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    await t.typePin('1234');
    const pinViews = t.views.filter((v) => v.screen === 'pin');
    expect(pinViews.at(-1)!.pinLength).toBe(4);
    for (const v of t.views) expect(JSON.stringify({ ...v, keypad: undefined })).not.toContain('1234');
    expect(t.logs.join('\n')).not.toContain('1234');
  });

  it('answers a wrong PIN with tries left and a freshly shuffled keypad', async () => {
    const t = setup();
    await toMenu(t, '9999');
    const view = t.session.getView();
    expect(view).toMatchObject({ screen: 'pin', pinTriesLeft: 2, pinLength: 0, error: { code: 'CARD_PIN_WRONG' } });
    expect(t.fake.calls).toEqual(['challenge']);
  });

  it('hands the next customer the initial screen: default language, no alert of the previous one', async () => {
    const t = setup();
    await t.send({ type: 'setLanguage', language: 'vi' });
    await toMenu(t);
    await t.send({ type: 'chooseCertificate', certificateType: 'sealCertificate' });
    expect(t.session.getView()).toMatchObject({ screen: 'refused', language: 'vi', error: { code: 'ELIGIBILITY_NO_SEAL_REGISTRATION' } });
    await t.send({ type: 'finish' });
    const next = t.session.getView();
    expect(next).toMatchObject({ screen: 'idle', language: 'ja' });
    expect(next.error).toBeUndefined();
  });

  it('clears the wrong-PIN alert once the right PIN is accepted', async () => {
    const t = setup();
    await toMenu(t, '9999');
    expect(t.session.getView()).toMatchObject({ screen: 'pin', error: { code: 'CARD_PIN_WRONG' } });
    await t.typePin('1234');
    await t.send({ type: 'pinSubmit' });
    await t.session.idle();
    expect(t.session.getView().screen).toBe('menu');
    expect(t.session.getView().error).toBeUndefined();
  });

  it('shows a refusal before payment and never quotes it', async () => {
    const t = setup();
    await toMenu(t);
    await t.send({ type: 'chooseCertificate', certificateType: 'sealCertificate' });
    expect(t.session.getView()).toMatchObject({ screen: 'refused', error: { code: 'ELIGIBILITY_NO_SEAL_REGISTRATION' } });
    expect(t.fake.calls).not.toContain('quote');
    await t.send({ type: 'back' });
    expect(t.session.getView().screen).toBe('menu');
  });

  it('reports the copy failed when the center answered paid but the check cannot start (its key unreachable), and refunds', async () => {
    // Found by a faulted load run: the kiosk refunded while the center kept the issuance delivered, its fee billed.
    const t = setup('none', {
      centerPublicKey: () => Promise.reject(new MadoguchiError('ISSUANCE_CENTER_UNREACHABLE', 'binding key: center down')),
    });
    await toMenu(t);
    await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    await t.send({ type: 'confirm' });
    await t.insertCash(500);
    expect(t.session.getView()).toMatchObject({ screen: 'error', refundYen: 500, printedDocuments: 0 });
    expect(t.printed()).toEqual([]);
    expect(t.fake.calls.filter((c) => c.startsWith('print:'))).toEqual(['print:failed']);
    expect(t.cash().collectedYen).toBe(0);
  });

  for (const tamper of ['otherCard', 'wrongPage', 'badSignature', 'otherIssuance'] as const) {
    it(`prints nothing and refunds when the delivered document fails the last-hop check (${tamper})`, async () => {
      const t = setup(tamper);
      await toMenu(t);
      await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
      await t.send({ type: 'confirm' });
      await t.insertCash(500);
      expect(t.session.getView()).toMatchObject({
        screen: 'error',
        error: { code: 'ISSUANCE_DOCUMENT_MISMATCH' },
        refundYen: 500,
        printedDocuments: 0,
      });
      expect(readdirSync(t.spoolDir)).toEqual([]);
      expect(t.printed()).toEqual([]);
      expect(t.fake.calls).toContain('print:rejected');
      expect(t.fake.calls).not.toContain('print:printed');
      // The center answered paid, so the fee was collected; the failed check pays it back out.
      expect(t.cash().movements.map((m) => m.kind)).toEqual(['inserted', 'collected', 'returned', 'returned']);
      expect(t.cash().collectedYen).toBe(0);
    });
  }

  describe('payment with the cash in escrow', () => {
    const kinds = (t: Harness) => t.cash().movements.map((m) => m.kind);

    it('collects only after the center answers paid, then prints and reports it', async () => {
      const t = setup();
      await toPayment(t);
      const atPayment: string[][] = [];
      t.fake.onPay(() => atPayment.push(kinds(t)));
      await t.insertCash(100);
      await t.insertCash(500);
      expect(t.session.getView(), t.logs.join('\n')).toMatchObject({ screen: 'done', printedDocuments: 1, refundYen: 300 });
      // When the center was asked, the cash was all still in escrow.
      expect(atPayment).toEqual([['inserted', 'inserted']]);
      expect(t.cash().movements).toEqual([
        { kind: 'inserted', yen: 100 },
        { kind: 'inserted', yen: 500 },
        { kind: 'collected', yen: 300 },
        { kind: 'returned', yen: 300, reason: 'change' },
      ]);
      expect(t.cash().collectedYen).toBe(300);
      expect(t.fake.calls.slice(-2)).toEqual(['pay:300', 'print:printed']);
    });

    it('keeps the fee of a copy on paper when its print report cannot reach the center', async () => {
      const t = setup();
      await toPayment(t);
      t.fake.failPrintResults();
      await t.insertCash(500);
      expect(t.session.getView(), t.logs.join('\n')).toMatchObject({ screen: 'done', printedDocuments: 1, refundYen: 200 });
      expect(t.cash().collectedYen).toBe(300);
      expect(t.cash().movements.filter((m) => m.kind === 'returned' && m.reason !== 'change')).toEqual([]);
      expect(t.logs.some((l) => l.includes('print result not reported'))).toBe(true);
    });

    // A refusal at the recheck (the quote is voided) and a render failure (the center refunds its
    // own payment) alike: nothing is owed, the escrow goes back, and nothing is collected.
    for (const code of [
      'ELIGIBILITY_OUTSIDE_HOURS',
      'ELIGIBILITY_OUTAGE',
      'ELIGIBILITY_TYPE_NOT_OFFERED',
      'ISSUANCE_RENDER_FAILED',
      'ISSUANCE_INVALID_STATE',
    ] as const) {
      it(`returns the escrow and shows the refusal when the center refuses the payment (${code})`, async () => {
        const t = setup();
        await toPayment(t);
        t.fake.answerPayments(code);
        await t.insertCash(500);
        const view = t.session.getView();
        expect(view, t.logs.join('\n')).toMatchObject({
          screen: 'error',
          error: { code, message: errorMessage(code, 'ja') },
          refundYen: 500,
        });
        expect(view.printedDocuments).toBeUndefined();
        expect(t.cash().movements).toEqual([
          { kind: 'inserted', yen: 500 },
          { kind: 'returned', yen: 500, reason: code },
        ]);
        expect(t.cash().collectedYen).toBe(0);
        expect(t.cash().escrowYen).toBe(0);
        // A decision is not retried; the cancel that follows settles a payment the refusal might hide.
        expect(t.fake.calls.slice(2)).toEqual(['quote', 'pay:300', 'cancel']);
        expect(readdirSync(t.spoolDir)).toEqual([]);
        await t.send({ type: 'finish' });
        expect(t.session.getView()).toMatchObject({ screen: 'idle' });
        expect(t.session.getView().refundYen).toBeUndefined();
      });
    }

    it('retries an unanswered payment with the same idempotency key, keeping the escrow, and collects once', async () => {
      const t = setup();
      await toPayment(t);
      const atPayment: string[][] = [];
      t.fake.onPay(() => atPayment.push(kinds(t)));
      // No answer after the client's own retries, then "the first call is still running", then the delivery.
      t.fake.answerPayments('ISSUANCE_CENTER_UNREACHABLE', 'ISSUANCE_INVALID_STATE');
      await t.insertCash(500);
      expect(t.session.getView(), t.logs.join('\n')).toMatchObject({ screen: 'done', printedDocuments: 1, refundYen: 200 });
      expect(t.fake.payKeys).toHaveLength(3);
      expect(new Set(t.fake.payKeys).size).toBe(1);
      expect(t.fake.payKeys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(atPayment).toEqual([['inserted'], ['inserted'], ['inserted']]);
      expect(kinds(t).filter((k) => k === 'collected')).toHaveLength(1);
      expect(t.cash().collectedYen).toBe(300);
      expect(t.fake.calls.slice(2)).toEqual(['quote', 'pay:300', 'pay:300', 'pay:300', 'print:printed']);
      expect(t.printed()).toHaveLength(1);
      expect(readdirSync(t.spoolDir)).toEqual([]);
    });

    it('returns the escrow and settles the quote when the payment stays unanswered after every retry', async () => {
      const t = setup();
      await toPayment(t);
      t.fake.answerPayments('ISSUANCE_CENTER_UNREACHABLE', 'ISSUANCE_CENTER_UNREACHABLE', 'ISSUANCE_CENTER_UNREACHABLE');
      await t.insertCash(500);
      expect(t.session.getView(), t.logs.join('\n')).toMatchObject({
        screen: 'error',
        error: { code: 'ISSUANCE_CENTER_UNREACHABLE' },
        refundYen: 500,
      });
      expect(new Set(t.fake.payKeys).size).toBe(1);
      // Never collected: the center's refunds cannot hand cash back to a resident who has left.
      expect(t.cash().movements).toEqual([
        { kind: 'inserted', yen: 500 },
        { kind: 'returned', yen: 500, reason: 'ISSUANCE_CENTER_UNREACHABLE' },
      ]);
      expect(t.cash().collectedYen).toBe(0);
      // Three attempts, then a cancel that voids (or refunds) whatever the center recorded.
      expect(t.fake.calls.slice(2)).toEqual(['quote', 'pay:300', 'pay:300', 'pay:300', 'cancel']);
      expect(readdirSync(t.spoolDir)).toEqual([]);
    });

    it('treats an unreadable answer as unknown: no retry of the same answer, escrow returned, quote settled', async () => {
      const t = setup();
      await toPayment(t);
      t.fake.answerPayments('INTERNAL');
      await t.insertCash(500);
      expect(t.session.getView()).toMatchObject({ screen: 'error', error: { code: 'INTERNAL' }, refundYen: 500 });
      expect(kinds(t)).toEqual(['inserted', 'returned']);
      expect(t.fake.calls.slice(2)).toEqual(['quote', 'pay:300', 'cancel']);
    });
  });

  it('returns inserted cash and voids the quote on cancel', async () => {
    const t = setup();
    await toMenu(t);
    await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    await t.send({
      type: 'setOptions',
      options: {
        residenceRecord: defaultResidenceRecordOptions(),
      },
      copies: 2,
    });
    await t.send({ type: 'confirm' });
    expect(t.session.getView().quote).toMatchObject({ totalYen: 600, copies: 2 });
    await t.insertCash(100);
    await t.send({ type: 'cancel' });
    expect(t.session.getView().screen).toBe('idle');
    expect(t.fake.calls.at(-1)).toBe('cancel');
    expect(t.logs.some((l) => l.includes('cash returned') && l.includes('"yen":100'))).toBe(true);
  });

  it('ends the session when the card is taken away mid-way, keeping nothing', async () => {
    const t = setup();
    await toMenu(t);
    expect(t.session.getView().menu).toBeDefined();
    t.reader.remove();
    await t.waitFor('refused');
    expect(t.session.getView()).toMatchObject({ error: { code: 'CARD_REMOVED' } });
    expect(t.session.getView().menu).toBeUndefined();
    await t.send({ type: 'finish' });
    expect(t.session.getView().screen).toBe('idle');
  });

  describe('本籍地 registration', () => {
    it('applies for the session’s resident only after the confirmation screen, then shows it pending', async () => {
      const t = setup();
      await toMenu(t);
      expect(t.session.getView().domicileRegistration).toMatchObject({ status: 'notApplied', canApply: true });
      await t.send({ type: 'applyDomicileRegistration' });
      expect(t.session.getView()).toMatchObject({
        screen: 'domicileConfirm',
        domicileRegistration: { domicileMunicipalityName: '千代田区' },
      });
      expect(t.fake.calls.filter((c) => c.startsWith('domicile'))).toEqual([]);
      await t.send({ type: 'confirm' });
      expect(t.session.getView()).toMatchObject({
        screen: 'domicileApplied',
        domicileRegistration: { status: 'pending', canApply: false },
      });
      expect(t.fake.calls).toEqual(['challenge', 'authenticate', 'domicile:0']);
      expect(t.logs.join('\n')).not.toContain('千代田区');
      // Back on the menu the application is no longer offered: a second intent does nothing.
      await t.send({ type: 'back' });
      expect(t.session.getView().screen).toBe('menu');
      await t.send({ type: 'applyDomicileRegistration' });
      expect(t.session.getView().screen).toBe('menu');
      expect(t.fake.calls.filter((c) => c.startsWith('domicile'))).toHaveLength(1);
    });

    it('applies nothing when the resident goes back from the confirmation', async () => {
      const t = setup();
      await toMenu(t);
      await t.send({ type: 'applyDomicileRegistration' });
      await t.send({ type: 'back' });
      expect(t.session.getView().screen).toBe('menu');
      expect(t.fake.calls).toEqual(['challenge', 'authenticate']);
    });

    it('shows the center’s refusal on the confirmation screen and does not send it again', async () => {
      const t = setup();
      t.fake.refuseDomicile('DOMICILE_NOT_PARTICIPATING');
      await toMenu(t);
      await t.send({ type: 'applyDomicileRegistration' });
      await t.send({ type: 'confirm' });
      expect(t.session.getView()).toMatchObject({
        screen: 'domicileConfirm',
        error: { code: 'DOMICILE_NOT_PARTICIPATING' },
        domicileRegistration: { canApply: false, refusal: 'DOMICILE_NOT_PARTICIPATING' },
      });
      await t.send({ type: 'confirm' });
      expect(t.fake.calls.filter((c) => c.startsWith('domicile'))).toHaveLength(1);
      await t.send({ type: 'back' });
      expect(t.session.getView()).toMatchObject({ screen: 'menu' });
      expect(t.session.getView().error).toBeUndefined();
    });

    it('ignores the intent outside the menu, and ends the session when the card is taken after applying', async () => {
      const t = setup();
      await t.send({ type: 'applyDomicileRegistration' });
      expect(t.session.getView().screen).toBe('idle');
      await toMenu(t);
      await t.send({ type: 'applyDomicileRegistration' });
      await t.send({ type: 'confirm' });
      t.reader.remove();
      await t.waitFor('idle');
      expect(t.session.getView().domicileRegistration).toBeUndefined();
      expect(t.session.getView().menu).toBeUndefined();
    });
  });

  it('rejects intents that are not in the bridge schema without changing state', async () => {
    const t = setup();
    const before = t.session.getView();
    await expect(t.session.send({ type: 'pay', yen: 300 })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(t.session.send({ type: 'demoInsertCash', yen: 7 })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    // A valid intent at the wrong step is ignored: a page cannot skip a step.
    await t.send({ type: 'confirm' });
    expect(t.session.getView()).toEqual(before);
  });

  it('keeps no certificate on the kiosk’s disk after a printed, a failed and a rejected job, nor after a crash and restart', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'kiosk-spool-'));
    const printed = setup('none', { spoolDir });
    await toPayment(printed);
    await printed.insertCash(500);
    expect(printed.session.getView()).toMatchObject({ screen: 'done', printedDocuments: 1 });
    expect(printed.printed()).toHaveLength(1);
    expect(readdirSync(spoolDir)).toEqual([]);

    const failed = setup('none', { spoolDir });
    writeFileSync(failed.trayDir, ''); // the demo printer cannot hand the copy over: the print fails
    await toPayment(failed);
    await failed.insertCash(500);
    expect(failed.session.getView()).toMatchObject({ screen: 'error', error: { code: 'ISSUANCE_PRINT_FAILED' }, printedDocuments: 0 });
    expect(failed.fake.calls).toContain('print:failed');
    expect(readdirSync(spoolDir)).toEqual([]);

    const rejected = setup('wrongPage', { spoolDir });
    await toPayment(rejected);
    await rejected.insertCash(500);
    expect(rejected.session.getView()).toMatchObject({ screen: 'error', error: { code: 'ISSUANCE_DOCUMENT_MISMATCH' } });
    expect(readdirSync(spoolDir)).toEqual([]);

    // A crash mid-write (a .part) and before a release (a PDF), then the kiosk starts again.
    writeFileSync(join(spoolDir, `.${randomUUID()}-01.${randomUUID()}.part`), '%PDF-1.7 half');
    writeFileSync(join(spoolDir, `${randomUUID()}-01.pdf`), '%PDF-1.7 whole');
    await new SpoolPrinter(spoolDir).sweepLeftovers();
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  describe('money only from the cash device', () => {
    it('refuses cash from the screen outside demo mode, changing nothing', async () => {
      const t = setup();
      await toPayment(t);
      const before = t.session.getView();
      // The screen is untrusted: neither the old intent nor the demo panel's may count as money.
      await expect(t.session.send({ type: 'insertCash', yen: 500 })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await expect(t.session.send({ type: 'demoInsertCash', yen: 500 })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await t.session.idle();
      expect(t.session.getView()).toEqual(before);
      expect(t.cash().movements).toEqual([]);
      expect(t.fake.calls).not.toContain('pay:300');
      // The cash device still works: a coin in the acceptor is counted.
      await t.insertCash(100);
      expect(t.session.getView()).toMatchObject({ screen: 'payment', paidYen: 100 });
    });

    it('refuses the demo card panel outside demo mode, changing nothing (the session goes on)', async () => {
      const t = setup();
      await toPayment(t);
      const before = t.session.getView();
      await expect(t.session.send({ type: 'demoPlaceCard', cardId: 'any' })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await expect(t.session.send({ type: 'demoRemoveCard' })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await t.session.idle();
      expect(t.session.getView()).toEqual(before);
    });

    it('lets the demo panel drop coins into the simulated acceptor in demo mode', async () => {
      const t = setup('none', { demo: true });
      await toPayment(t);
      await t.send({ type: 'demoInsertCash', yen: 100 });
      expect(t.session.getView()).toMatchObject({ screen: 'payment', paidYen: 100 });
      await t.send({ type: 'demoInsertCash', yen: 500 });
      expect(t.session.getView(), t.logs.join('\n')).toMatchObject({ screen: 'done', printedDocuments: 1, refundYen: 300 });
      expect(t.cash().movements.map((m) => m.kind)).toEqual(['inserted', 'inserted', 'collected', 'returned']);
    });

    it('hands change, returned escrow and refunds back through the device', async () => {
      const paid = setup();
      await toPayment(paid);
      await paid.insertCash(500);
      expect(paid.session.getView()).toMatchObject({ screen: 'done' });
      expect(paid.cashDevice.paidOut).toEqual([{ yen: 200, reason: 'change' }]);

      const cancelled = setup();
      await toPayment(cancelled);
      await cancelled.insertCash(100);
      await cancelled.send({ type: 'cancel' });
      expect(cancelled.cashDevice.paidOut).toEqual([{ yen: 100, reason: 'cancel' }]);

      const rejected = setup('badSignature');
      await toPayment(rejected);
      await rejected.insertCash(500);
      expect(rejected.session.getView()).toMatchObject({ screen: 'error', refundYen: 500 });
      expect(rejected.cashDevice.paidOut).toEqual([
        { yen: 200, reason: 'change' },
        { yen: 300, reason: 'ISSUANCE_DOCUMENT_MISMATCH' },
      ]);
    });

    it('gives back cash inserted outside the payment step without counting it', async () => {
      const t = setup();
      await toMenu(t);
      const before = t.session.getView();
      await t.insertCash(1000);
      expect(t.session.getView()).toEqual(before);
      expect(t.cashDevice.paidOut).toEqual([{ yen: 1000, reason: 'notAccepting' }]);
      expect(t.cash().movements).toEqual([]);
    });
  });
});

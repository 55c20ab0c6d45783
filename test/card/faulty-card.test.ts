/**
 * A faulty card must not freeze the kiosk (issue 9, item 6), over the real stack: pcscd with
 * vsmartcard-vpcd, the virtual card in its own process misbehaving on purpose (card-faults.ts),
 * the kiosk's pcsclite transport, card service and session. A card answering every command 61 FF
 * and a card that never answers each fail the card step with CARD_ERROR within 2 s (the bound the
 * issue asks for); taking the card away then returns the kiosk to the start screen; a cancel
 * during a hung card step ends the session at once; and the next, healthy card works on the same
 * reader.
 */
import { X509Certificate, randomBytes, randomUUID, verify } from 'node:crypto';
import { rmSync } from 'node:fs';
import { MadoguchiError, type KioskView } from '@madoguchi/shared';
import type { CardFault } from '@madoguchi/card-sim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PinBuffer, createCardService, createPcscTransport, type CardService, type CardServiceOptions } from '@madoguchi/kiosk/card';
import { KioskSession } from '@madoguchi/kiosk/session';
import { startPcscRig, type PcscRig } from '../support/pcsc-rig.js';
import { makeCardWorld, waitUntil } from './card-world.js';

/** What the issue allows from the card step's start to its failure on the resident's screen. */
const CARD_STEP_BOUND_MS = 2000;
const cardId = 'card-CT-0001';
const challenge = new Uint8Array(32).map((_, i) => i * 3);

let rig: PcscRig;
let world: Awaited<ReturnType<typeof makeCardWorld>>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  world = await makeCardWorld();
  rig = await startPcscRig({ cardStateDir: world.stateDir });
  // libpcsclite reads this once, at the first context of the process.
  process.env.PCSCLITE_CSOCK_NAME = rig.socketPath;
});

afterEach(async () => {
  if (rig) await rig.remove();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await rig?.stop();
  if (world) rmSync(world.stateDir, { recursive: true, force: true });
});

const notBeforeThePin = () => Promise.reject(new MadoguchiError('INTERNAL', 'not used before the PIN'));

/** A kiosk over the real reader, as far as the card step goes: the center and printer are never reached. */
async function kiosk(timeouts: Pick<CardServiceOptions, 'commandTimeoutMs' | 'operationTimeoutMs'> = {}) {
  const logs: string[] = [];
  const service: CardService = createCardService({
    transport: createPcscTransport(),
    log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
    ...timeouts,
  });
  const session = new KioskSession({
    card: service,
    center: {
      challenge: async () => ({
        challengeId: randomUUID(),
        challenge: randomBytes(32).toString('base64'),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      }),
      authenticate: notBeforeThePin,
      applyDomicileRegistration: notBeforeThePin,
      quote: notBeforeThePin,
      pay: notBeforeThePin,
      printResult: notBeforeThePin,
      cancel: notBeforeThePin,
    },
    printer: { print: notBeforeThePin, release: notBeforeThePin, status: notBeforeThePin },
    centerPublicKey: notBeforeThePin,
    log: () => {},
  });
  cleanups.push(async () => {
    // The next test's kiosk must find an empty reader, not one pcscd has not polled yet.
    await waitUntil(() => !service.cardPresent, 5000, 'the card taken away');
    session.close();
    await service.close();
  });
  const screens: { screen: KioskView['screen']; at: number; error?: string }[] = [];
  session.onView((v) => {
    if (screens.at(-1)?.screen !== v.screen)
      screens.push({ screen: v.screen, at: performance.now(), ...(v.error ? { error: v.error.code } : {}) });
  });
  await waitUntil(() => service.readerStatus === 'ready', 5000, 'readers');
  const screen = () => session.getView().screen;
  const reach = (wanted: KioskView['screen'], timeoutMs = 5000) =>
    waitUntil(() => screen() === wanted, timeoutMs, `screen ${wanted} (at ${screen()})`);
  /** The resident touches start and places the card. */
  const placeCard = async (fault?: CardFault) => {
    void session.send({ type: 'start' });
    await reach('placeCard');
    await rig.insert(cardId, fault ? { fault } : {});
  };
  return { service, session, screens, logs, screen, reach, placeCard };
}

/** Time from the card step's start (the reading screen) to the screen after it. */
function cardStepMs(screens: { screen: string; at: number }[]): number {
  const reading = screens.findIndex((s) => s.screen === 'readingCard');
  expect(reading).toBeGreaterThanOrEqual(0);
  return screens[reading + 1]!.at - screens[reading]!.at;
}

async function healthyCardAuthenticates(service: CardService): Promise<void> {
  const result = await service.authenticate(PinBuffer.fromDigits(world.cards.get(cardId)!.pin), challenge);
  expect(verify('sha256', challenge, new X509Certificate(result.authCertificateDer).publicKey, result.signature)).toBe(true);
}

describe('a faulty card over pcscd + vpcd', () => {
  for (const fault of ['moreDataForever', 'silent'] as const) {
    it(`${fault}: CARD_ERROR within 2 s; removing the card returns to the start; the next card works on that reader`, async () => {
      const k = await kiosk();
      await k.placeCard(fault);
      await k.reach('refused', CARD_STEP_BOUND_MS + 3000);
      expect(k.session.getView().error).toMatchObject({ code: 'CARD_ERROR' });
      expect(cardStepMs(k.screens), JSON.stringify(k.screens)).toBeLessThan(CARD_STEP_BOUND_MS);
      expect(k.logs.join('\n')).toContain(fault === 'silent' ? 'no answer within' : 'GET RESPONSE');

      await rig.remove();
      await k.reach('idle');
      expect(k.session.getView().error).toBeUndefined();

      await k.placeCard();
      await k.reach('pin');
      await healthyCardAuthenticates(k.service);
    });
  }

  it('a cancel during a card step that never ends returns to the start screen at once, and the next card works', async () => {
    // The card's own deadlines are a minute away: only the cancel can end this step in time.
    const k = await kiosk({ commandTimeoutMs: 60_000, operationTimeoutMs: 60_000 });
    await k.placeCard('silent');
    await k.reach('readingCard');
    await new Promise((r) => setTimeout(r, 100)); // the SELECT is with the card, unanswered
    void k.session.send({ type: 'cancel' });
    await k.reach('idle', 5000);
    expect(k.screens.map((s) => s.screen)).toEqual(['idle', 'placeCard', 'readingCard', 'idle']);

    await rig.remove();
    await waitUntil(() => !k.service.cardPresent, 5000, 'removal seen');
    await k.placeCard();
    await k.reach('pin');
    await healthyCardAuthenticates(k.service);
  });
});

/**
 * NFC as it is (issue 13, item 3), over pcscd + vsmartcard-vpcd with the virtual card in its own
 * process: the card answers with the contactless pseudo-ATR an NFC reader presents; a card lifted
 * and put back between two commands, or reset by a dip in the field, is read again when nothing was
 * spent and it is the same card (its certificate's digest), and otherwise ends the step; a different
 * card in its place ends the session and gets neither the PIN nor the challenge
 * (apps/kiosk/src/main/card/lift-and-return.ts, docs/jpki-card.md#lift-and-return).
 *
 * The card leaves "between APDUs": right after answering the command named, so the kiosk's next one
 * finds it gone. It stays away 500 ms, long enough for pcscd's presence poll (~0.4 s) to see it.
 */
import { X509Certificate, createHash, randomBytes, randomUUID, verify } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { JPKI_CONTACTLESS_ATR } from '@madoguchi/card-sim';
import { MadoguchiError, type KioskView } from '@madoguchi/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_OPERATION_TIMEOUT_MS,
  PinBuffer,
  atrInterface,
  createCardService,
  createPcscTransport,
  type CardService,
} from '@madoguchi/kiosk/card';
import { KioskSession } from '@madoguchi/kiosk/session';
import { startPcscRig, type PcscRig } from '../support/pcsc-rig.js';
import { makeCardWorld, waitUntil } from './card-world.js';

const AWAY_MS = 500;
const SELECT = 0xa4;
const READ_BINARY = 0xb0;
const VERIFY = 0x20;
const SIGN = 0x2a;
const first = 'card-CT-0001';
const second = 'card-CT-0002';
const challenge = new Uint8Array(32).map((_, i) => 7 * i + 1);

let rig: PcscRig;
let service: CardService;
let world: Awaited<ReturnType<typeof makeCardWorld>>;
/** What the service tells its listeners (the session), in order. */
const events: string[] = [];
const logs: { event: string; fields?: Record<string, unknown> }[] = [];

beforeAll(async () => {
  world = await makeCardWorld();
  rig = await startPcscRig({ cardStateDir: world.stateDir });
  // libpcsclite reads this once, at the first context of the process.
  process.env.PCSCLITE_CSOCK_NAME = rig.socketPath;
  service = createCardService({
    transport: createPcscTransport(),
    log: (event, fields) => logs.push({ event, ...(fields ? { fields } : {}) }),
  });
  service.on('cardInserted', () => events.push('inserted'));
  service.on('cardRemoved', () => events.push('removed'));
  await waitUntil(() => service.readerStatus === 'ready', 5000, 'readers');
});

afterAll(async () => {
  await service?.close();
  await rig?.stop();
  if (world) rmSync(world.stateDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await rig.remove();
  await waitUntil(() => !service.cardPresent, 3000, 'an empty reader');
  events.length = 0;
  logs.length = 0;
  await rig.takeCommandLog();
});

async function place(cardId: string): Promise<void> {
  await rig.insert(cardId);
  await waitUntil(() => service.cardPresent, 3000, `${cardId} on the reader`);
  events.length = 0;
}

async function failure(promise: Promise<unknown>): Promise<MadoguchiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MadoguchiError)) throw new Error(`expected a MadoguchiError, got ${String(error)}`);
  return error;
}

const noCommands = { pinVerifies: 0, signatures: 0, certificateReads: 0 };
const digest = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');
const certificateOf = (cardId: string) => world.cards.get(cardId)!.certificateDer;
const verifiesFor = (cardId: string, signature: Uint8Array) =>
  verify('sha256', challenge, new X509Certificate(certificateOf(cardId)).publicKey, signature);
const triesLeft = (cardId: string) =>
  (JSON.parse(readFileSync(join(world.stateDir, 'cards', cardId, 'counters.json'), 'utf8')) as { authPinTriesLeft: number })
    .authPinTriesLeft;

/** The commands a card received: VERIFY with a PIN is the only 9-byte VERIFY (the empty one is 4). */
async function commandsBy(): Promise<Map<string, typeof noCommands>> {
  const byCard = new Map<string, typeof noCommands>();
  for (const c of await rig.takeCommandLog()) {
    const entry = byCard.get(c.card) ?? { ...noCommands };
    const ins = Number.parseInt(c.header.slice(2, 4), 16);
    if (ins === VERIFY && c.length > 4) entry.pinVerifies++;
    if (ins === SIGN) entry.signatures++;
    // READ BINARY of the certificate's 4-byte DER header starts each reading of it.
    if (ins === READ_BINARY && c.header.endsWith('0000') && c.le === 4) entry.certificateReads++;
    byCard.set(c.card, entry);
  }
  return byCard;
}

describe('a contactless card', () => {
  it('presents the Type B pseudo-ATR (3B 88 80 01 …, TCK right) through pcscd, and the whole read and signature work', async () => {
    await place(first);
    const atr = service.cardAtr!;
    expect(Buffer.from(atr).toString('hex')).toBe('3b888001000005e0b381a1007f');
    expect(Buffer.from(atr).equals(Buffer.from(JPKI_CONTACTLESS_ATR))).toBe(true);
    expect(atr.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0);
    expect(atrInterface(atr)).toBe('contactless');
    const info = await service.readCardInfo();
    expect(digest(info.authCertificateDer!)).toBe(digest(certificateOf(first)));
    expect(info.pinTriesLeft).toBe(3);
    const result = await service.authenticate(PinBuffer.fromDigits('1234'), challenge);
    expect(verifiesFor(first, result.signature)).toBe(true);
  });
});

describe('a card lifted and put back while the kiosk reads it', () => {
  it('reads it again when the same card is back (same certificate digest), within the step budget, unseen by the session', async () => {
    await place(first);
    // SELECT 0018 is the 4th SELECT: the certificate has been read, the tries-left VERIFY not yet.
    await rig.liftAfter({ ins: SELECT, nth: 4 }, AWAY_MS);
    const started = Date.now();
    const info = await service.readCardInfo();
    expect(Date.now() - started).toBeLessThan(DEFAULT_OPERATION_TIMEOUT_MS);
    expect(digest(info.authCertificateDer!)).toBe(digest(certificateOf(first)));
    expect(info.pinTriesLeft).toBe(3);
    expect((await commandsBy()).get(first)?.certificateReads).toBe(2);
    expect(logs.map((l) => l.event)).toEqual(expect.arrayContaining(['card.liftedDuringStep', 'card.again', 'card.backDuringStep']));
    // The lift was made good inside the step: the session heard neither the removal nor the return.
    expect(events).toEqual([]);
    expect(service.cardPresent).toBe(true);
  });

  it('reads it again after a dip in the field resets it mid-certificate (6986), the reader reporting nothing', async () => {
    await place(first);
    // The 3rd READ BINARY is the certificate's first 256-byte piece; the next one finds no current EF.
    await rig.resetAfter({ ins: READ_BINARY, nth: 3 });
    const info = await service.readCardInfo();
    expect(digest(info.authCertificateDer!)).toBe(digest(certificateOf(first)));
    expect(logs.find((l) => l.event === 'card.again')?.fields).toMatchObject({
      reason: 'CARD_ERROR',
      detail: expect.stringContaining('6986'),
    });
    expect(events).toEqual([]);
  });

  it('ends with CARD_REMOVED when a different card comes back; the session hears the removal and the new card', async () => {
    await place(first);
    await rig.liftAfter({ ins: SELECT, nth: 4 }, AWAY_MS, second);
    const error = await failure(service.readCardInfo());
    expect(error.code).toBe('CARD_REMOVED');
    expect(error.detail).toMatch(/different card/);
    expect(events).toEqual(['removed', 'inserted']);
    const commands = await commandsBy();
    expect(commands.get(second)?.certificateReads).toBe(1);
    expect(commands.get(second)?.pinVerifies ?? 0).toBe(0);
  });

  it('ends with CARD_REMOVED when the card does not come back within a second', async () => {
    await place(first);
    await rig.liftAfter({ ins: SELECT, nth: 4 }, 60_000);
    const started = Date.now();
    expect((await failure(service.readCardInfo())).code).toBe('CARD_REMOVED');
    // pcscd's poll (~0.4 s) + the 1 s the card may stay away, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(DEFAULT_OPERATION_TIMEOUT_MS);
    expect(events).toEqual(['removed']);
  });
});

describe('a card lifted during the authentication', () => {
  it('before VERIFY and put back: the same card gets the PIN once and signs; no try is spent', async () => {
    await place(first);
    await service.readCardInfo();
    await rig.takeCommandLog();
    // The 3rd SELECT of the authentication selects the certificate: the card leaves right after it.
    await rig.liftAfter({ ins: SELECT, nth: 3 }, AWAY_MS);
    const pin = PinBuffer.fromDigits('1234');
    const result = await service.authenticate(pin, challenge);
    expect(pin.wiped).toBe(true);
    expect(verifiesFor(first, result.signature)).toBe(true);
    expect(digest(result.authCertificateDer)).toBe(digest(certificateOf(first)));
    // The first try's certificate READ went to a card no longer there; the second try's reached it.
    expect((await commandsBy()).get(first)).toMatchObject({ pinVerifies: 1, signatures: 1, certificateReads: 1 });
    expect(logs.find((l) => l.event === 'card.again')?.fields).toMatchObject({ step: 'authenticate', reason: 'CARD_REMOVED' });
    expect(triesLeft(first)).toBe(3);
    expect(events).toEqual([]);
  });

  it('before VERIFY with a different card put back: CARD_REMOVED, the new card gets neither the PIN nor the challenge', async () => {
    await place(first);
    await service.readCardInfo();
    await rig.takeCommandLog();
    await rig.liftAfter({ ins: SELECT, nth: 3 }, AWAY_MS, second);
    const pin = PinBuffer.fromDigits('1234');
    const error = await failure(service.authenticate(pin, challenge));
    expect(error.code).toBe('CARD_REMOVED');
    expect(pin.wiped).toBe(true);
    const commands = await commandsBy();
    expect(commands.get(first)).toMatchObject({ pinVerifies: 0, signatures: 0 });
    expect(commands.get(second)).toMatchObject({ pinVerifies: 0, signatures: 0, certificateReads: 1 });
    expect(events).toEqual(['removed', 'inserted']);
  });

  it('after VERIFY: the PIN is never sent twice, no signature is asked for; CARD_REMOVED, the session hears the removal', async () => {
    await place(first);
    await service.readCardInfo();
    // The 1st VERIFY after the reading is the one with the PIN.
    await rig.liftAfter({ ins: VERIFY, nth: 1 }, AWAY_MS);
    await rig.takeCommandLog();
    const error = await failure(service.authenticate(PinBuffer.fromDigits('1234'), challenge));
    expect(error.code).toBe('CARD_REMOVED');
    expect((await commandsBy()).get(first)).toMatchObject({ pinVerifies: 1, signatures: 0 });
    expect(events[0]).toBe('removed');
    expect(triesLeft(first)).toBe(3);
  });

  it('reset after VERIFY (the verified PIN gone): CARD_ERROR, the PIN not sent again, no signature', async () => {
    await place(first);
    await service.readCardInfo();
    await rig.resetAfter({ ins: VERIFY, nth: 1 });
    await rig.takeCommandLog();
    const error = await failure(service.authenticate(PinBuffer.fromDigits('1234'), challenge));
    expect(error.code).toBe('CARD_ERROR');
    expect((await commandsBy()).get(first)).toMatchObject({ pinVerifies: 1, signatures: 0 });
    expect(events).toEqual([]);
  });
});

describe('a different card in the first one’s place ends the session', () => {
  /** A session on the shared card service; the center answers challenges and records what reaches it. */
  function kiosk() {
    const challenges: string[] = [];
    const authenticated: string[] = [];
    const refuse = () => Promise.reject(new MadoguchiError('INTERNAL', 'not reached in these tests'));
    const session = new KioskSession({
      card: service,
      center: {
        challenge: async () => {
          const value = randomBytes(32).toString('base64');
          challenges.push(value);
          return { challengeId: randomUUID(), challenge: value, expiresAt: new Date(Date.now() + 60_000).toISOString() };
        },
        authenticate: async (request) => {
          authenticated.push(request.authCertificate);
          return refuse();
        },
        applyDomicileRegistration: refuse,
        quote: refuse,
        pay: refuse,
        printResult: refuse,
        cancel: refuse,
      },
      printer: { print: refuse, release: refuse, status: refuse },
      centerPublicKey: refuse,
      log: () => {},
    });
    const screen = () => session.getView().screen;
    const reach = (wanted: KioskView['screen']) => waitUntil(() => screen() === wanted, 5000, `screen ${wanted} (at ${screen()})`);
    const typePin = async (pin: string) => {
      for (const digit of pin) await session.send({ type: 'pinKey', position: session.getView().keypad!.indexOf(digit) });
    };
    return { session, screen, reach, typePin, challenges, authenticated };
  }

  it('a card swapped during authentication (before VERIFY): CARD_REMOVED, the customer dropped, the new card untouched', async () => {
    const k = kiosk();
    try {
      await place(first);
      void k.session.send({ type: 'start' });
      await k.reach('pin');
      await k.typePin('1234');
      await rig.takeCommandLog();
      await rig.liftAfter({ ins: SELECT, nth: 3 }, AWAY_MS, second);
      await k.session.send({ type: 'pinSubmit' });
      await k.reach('refused');
      await k.session.idle();
      expect(k.session.getView().error).toMatchObject({ code: 'CARD_REMOVED' });
      expect(k.session.getView().pinLength).toBeUndefined();
      const commands = await commandsBy();
      // The second card may have shown its certificate (the check that refuses it), nothing more.
      for (const cardId of [first, second]) expect(commands.get(cardId) ?? noCommands).toMatchObject({ pinVerifies: 0, signatures: 0 });
      // The challenge fetched for the first card was never signed nor sent back to the center.
      expect(k.challenges).toHaveLength(1);
      expect(k.authenticated).toEqual([]);
      // Taking the second card away ends the refused session.
      await waitUntil(() => service.cardPresent, 3000, 'the second card on the reader');
      await rig.remove();
      await k.reach('idle');
    } finally {
      k.session.close();
    }
  });

  it('a card swapped while pcscd was down (no removal ever reported) gets no PIN: CARD_REMOVED before VERIFY', async () => {
    const k = kiosk();
    try {
      await place(first);
      void k.session.send({ type: 'start' });
      await k.reach('pin');
      await k.typePin('1234');
      // The reader goes away with the first card on it and comes back with the second: the
      // transport treats a card present again as the same one (pcsc-transport.ts, reappear grace).
      await rig.stopPcscdOnly();
      await waitUntil(() => service.readerStatus === 'reconnecting', 5000, 'reconnecting');
      // The card process waits for vpcd to listen again: insert while pcscd starts.
      const inserting = rig.insert(second);
      await rig.startPcscdOnly();
      await inserting;
      await waitUntil(() => service.readerStatus === 'ready' && service.cardPresent, 5000, 'reader back with a card');
      expect(events).toEqual([]);
      expect(k.screen()).toBe('pin');
      await rig.takeCommandLog();
      await k.session.send({ type: 'pinSubmit' });
      await k.reach('refused');
      expect(k.session.getView().error).toMatchObject({ code: 'CARD_REMOVED' });
      expect((await commandsBy()).get(second)).toMatchObject({ pinVerifies: 0, signatures: 0, certificateReads: 1 });
      expect(k.authenticated).toEqual([]);
      expect(triesLeft(second)).toBe(3);
    } finally {
      k.session.close();
    }
  });
});

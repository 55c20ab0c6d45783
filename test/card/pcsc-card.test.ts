/**
 * The kiosk card service over a real pcscd with vsmartcard-vpcd and the virtual My Number card in
 * its own process (test/support/pcsc-rig.ts). The rig uses the quickack namespace, so these tests do
 * not depend on Debian vpcd's ~44 ms per-APDU stall (they would pass with it, only slower).
 */
import { X509Certificate, verify } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MadoguchiError } from '@madoguchi/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CardPinWrongError,
  PinBuffer,
  createCardService,
  createPcscTransport,
  type CardService,
  type ReaderStatus,
} from '@madoguchi/kiosk/card';
import { startPcscRig, type PcscRig } from '../support/pcsc-rig.js';
import { makeCardWorld, waitUntil } from './card-world.js';

let rig: PcscRig;
let service: CardService;
let world: Awaited<ReturnType<typeof makeCardWorld>>;
const statuses: ReaderStatus[] = [];
const events: string[] = [];
const logs: string[] = [];
const challenge = new Uint8Array(32).map((_, i) => 255 - i);

beforeAll(async () => {
  world = await makeCardWorld();
  rig = await startPcscRig({ cardStateDir: world.stateDir });
  // libpcsclite reads this once, at the first context of the process.
  process.env.PCSCLITE_CSOCK_NAME = rig.socketPath;
  service = createCardService({
    transport: createPcscTransport(),
    log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
  });
  service.on('readerStatus', (s) => statuses.push(s));
  service.on('cardInserted', () => events.push('inserted'));
  service.on('cardRemoved', () => events.push('removed'));
  await waitUntil(() => service.readerStatus === 'ready', 5000, 'readers');
});

afterAll(async () => {
  await service?.close();
  await rig?.stop();
  if (world) rmSync(world.stateDir, { recursive: true, force: true });
});

async function place(cardId: string): Promise<void> {
  if (service.cardPresent) {
    await rig.remove();
    await waitUntil(() => !service.cardPresent, 3000, 'removal');
  }
  await rig.insert(cardId);
  await waitUntil(() => service.cardPresent, 3000, 'insertion');
}

async function failure(promise: Promise<unknown>): Promise<MadoguchiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MadoguchiError)) throw new Error(`expected a MadoguchiError, got ${String(error)}`);
  return error;
}

const counters = (cardId: string) =>
  JSON.parse(readFileSync(join(world.stateDir, 'cards', cardId, 'counters.json'), 'utf8')) as { authPinTriesLeft: number };

describe('card service over pcscd + vpcd', () => {
  it('runs the full authentication: certificate, tries left, PIN, signature that verifies', async () => {
    const card = world.cards.get('card-CT-0001')!;
    await place(card.cardId);
    const info = await service.readCardInfo();
    expect(info.tokenType).toBe('card');
    expect(info.pinTriesLeft).toBe(3);
    expect(Buffer.from(info.authCertificateDer!).equals(Buffer.from(card.certificateDer))).toBe(true);
    const pin = PinBuffer.fromDigits(card.pin);
    const result = await service.authenticate(pin, challenge);
    expect(pin.wiped).toBe(true);
    expect(verify('sha256', challenge, new X509Certificate(result.authCertificateDer).publicKey, result.signature)).toBe(true);
    expect(events).toContain('inserted');
  });

  it('locks after three wrong PINs, and the card is still locked after pcscd and the card process restart', async () => {
    await place('card-CT-0002');
    const first = await failure(service.authenticate(PinBuffer.fromDigits('9999'), challenge));
    expect(first).toBeInstanceOf(CardPinWrongError);
    expect((first as CardPinWrongError).triesLeft).toBe(2);
    expect(((await failure(service.authenticate(PinBuffer.fromDigits('9999'), challenge))) as CardPinWrongError).triesLeft).toBe(1);
    expect((await failure(service.authenticate(PinBuffer.fromDigits('9999'), challenge))).code).toBe('CARD_PIN_LOCKED');
    expect(counters('card-CT-0002').authPinTriesLeft).toBe(0);

    await rig.restartCardProcess();
    await rig.restartPcscd();
    await waitUntil(() => service.readerStatus === 'ready' && service.cardPresent, 5000, 'reader and card after restart');
    expect((await service.readCardInfo()).pinTriesLeft).toBe(0);
    expect((await failure(service.authenticate(PinBuffer.fromDigits('1234'), challenge))).code).toBe('CARD_PIN_LOCKED');
  });

  it('reports CARD_REMOVED when the card is pulled mid-signature, and works after reinsertion', async () => {
    await place('card-CT-0003');
    await rig.removeOnNextSignature();
    const pin = PinBuffer.fromDigits('1234');
    expect((await failure(service.authenticate(pin, challenge))).code).toBe('CARD_REMOVED');
    expect(pin.wiped).toBe(true);
    await waitUntil(() => !service.cardPresent, 3000, 'removal seen');
    expect((await failure(service.readCardInfo())).code).toBe('CARD_REMOVED');
    await place('card-CT-0003');
    const result = await service.authenticate(PinBuffer.fromDigits('1234'), challenge);
    expect(verify('sha256', challenge, new X509Certificate(result.authCertificateDer).publicKey, result.signature)).toBe(true);
    expect(events.filter((e) => e === 'removed').length).toBeGreaterThan(0);
  });

  it('reads an Android token PIN-first', async () => {
    await place('card-edge-android');
    const info = await service.readCardInfo();
    expect(info).toMatchObject({ tokenType: 'android', authCertificateDer: null, pinTriesLeft: 3 });
    const result = await service.authenticate(PinBuffer.fromDigits('1234'), challenge);
    expect(Buffer.from(result.authCertificateDer).equals(Buffer.from(world.cards.get('card-edge-android')!.certificateDer))).toBe(true);
  });

  it('recreates its PC/SC context when pcscd restarts mid-session; readers are back within 5 s', async () => {
    await place('card-CT-0004');
    const info = await service.readCardInfo(); // the resident is now typing the PIN…
    expect(info.pinTriesLeft).toBe(3);
    statuses.length = 0;
    // The 5 s count from before the kill, not from when the new pcscd's socket exists.
    const killedAt = Date.now();
    await rig.restartPcscd();
    await waitUntil(
      () => service.readerStatus === 'ready' && service.cardPresent,
      killedAt + 5000 - Date.now(),
      'readers within 5 s of the pcscd kill',
    );
    expect(statuses).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('ready');
    const result = await service.authenticate(PinBuffer.fromDigits('1234'), challenge);
    expect(result.signature.length).toBe(256);
  });

  it('answers CARD_READER_UNAVAILABLE when pcscd dies mid-signature; readers return in 5 s, the next authentication works', async () => {
    await place('card-CT-0004');
    statuses.length = 0;
    const removalsBefore = events.filter((e) => e === 'removed').length;
    // The card holds the signature command unanswered; the rig then kills pcscd and starts a new one.
    const restart = await rig.restartPcscdOnNextSignature();
    const pin = PinBuffer.fromDigits('1234');
    const outcome = await failure(service.authenticate(pin, challenge));
    expect(outcome.code).toBe('CARD_READER_UNAVAILABLE');
    expect(pin.wiped).toBe(true);
    const { killedAt } = await restart.done;
    await waitUntil(
      () => service.readerStatus === 'ready' && service.cardPresent,
      killedAt + 5000 - Date.now(),
      'readers within 5 s of the pcscd kill',
    );
    expect(statuses).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('ready');
    // The card never left the reader: no removal was reported for it.
    expect(events.filter((e) => e === 'removed').length).toBe(removalsBefore);
    const result = await service.authenticate(PinBuffer.fromDigits('1234'), challenge);
    expect(verify('sha256', challenge, new X509Certificate(result.authCertificateDer).publicKey, result.signature)).toBe(true);
    expect(counters('card-CT-0004').authPinTriesLeft).toBe(3);
  });

  it('says CARD_READER_UNAVAILABLE while pcscd is down', async () => {
    statuses.length = 0;
    await rig.stopPcscdOnly();
    await waitUntil(() => service.readerStatus === 'reconnecting', 5000, 'reconnecting status');
    expect((await failure(service.readCardInfo())).code).toBe('CARD_READER_UNAVAILABLE');
    await rig.startPcscdOnly();
    await waitUntil(() => service.readerStatus === 'ready' && service.cardPresent, 5000, 'readers back');
  });

  it('logged events without the PIN', () => {
    expect(logs.length).toBeGreaterThan(5);
    for (const line of logs) expect(line).not.toMatch(/1234|9999/);
  });
});

/**
 * Smartphone tokens through pcscd + vsmartcard-vpcd (issue 13, item 4), the virtual phone in its own
 * process: an iPhone signs the center's challenge after its holder confirms on the phone, with no
 * VERIFY sent to it, and a declined prompt ends the step; an Android phone still takes the PIN.
 */
import { X509Certificate, verify } from 'node:crypto';
import { rmSync } from 'node:fs';
import { MadoguchiError } from '@madoguchi/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PinBuffer, createCardService, createPcscTransport, type CardService } from '@madoguchi/kiosk/card';
import type { PhoneConfirmation } from '@madoguchi/card-sim';
import { startPcscRig, type PcscRig } from '../support/pcsc-rig.js';
import { makeCardWorld, waitUntil } from './card-world.js';

const iphone = 'card-edge-iphone';
const android = 'card-edge-android';
const challenge = new Uint8Array(32).map((_, i) => 5 * i + 3);
const isVerify = (header: string) => header.toUpperCase().startsWith('0020');
const isSign = (header: string) => header.toUpperCase().startsWith('802A');

let rig: PcscRig;
let service: CardService;
let world: Awaited<ReturnType<typeof makeCardWorld>>;

beforeAll(async () => {
  world = await makeCardWorld();
  rig = await startPcscRig({ cardStateDir: world.stateDir });
  process.env.PCSCLITE_CSOCK_NAME = rig.socketPath;
  service = createCardService({ transport: createPcscTransport(), phoneConfirmationMs: 3000, phonePollMs: 100 });
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
  await rig.takeCommandLog();
});

async function place(cardId: string, phone?: PhoneConfirmation): Promise<void> {
  await rig.insert(cardId, phone ? { phone } : {});
  await waitUntil(() => service.cardPresent, 3000, `${cardId} on the reader`);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof MadoguchiError ? error.code : String(error)),
  );
}

describe('iPhone token over pcscd', () => {
  it('signs the challenge once the holder confirms on the phone; no VERIFY reaches it', async () => {
    await place(iphone, { answer: 'confirm', afterMs: 500 });
    const info = await service.readCardInfo();
    expect(info).toMatchObject({ tokenType: 'iphone', pinTriesLeft: null });
    const signed = await service.authenticateOnPhone(challenge);
    const expected = world.cards.get(iphone)!.certificateDer;
    expect(Buffer.from(signed.authCertificateDer).equals(Buffer.from(expected))).toBe(true);
    expect(verify('sha256', challenge, new X509Certificate(signed.authCertificateDer).publicKey, signed.signature)).toBe(true);
    const headers = (await rig.takeCommandLog()).map((c) => c.header);
    expect(headers.filter(isVerify)).toEqual([]);
    // Asked again while the prompt was open: more than one SIGNATURE, the last one answered.
    expect(headers.filter(isSign).length).toBeGreaterThan(1);
  });

  it('ends the step with CARD_PHONE_DECLINED when the holder declines', async () => {
    await place(iphone, { answer: 'decline', afterMs: 200 });
    await service.readCardInfo();
    expect(await codeOf(service.authenticateOnPhone(challenge))).toBe('CARD_PHONE_DECLINED');
  });

  it('ends the step with CARD_PHONE_TIMEOUT when the phone is never answered', async () => {
    await place(iphone, { answer: 'never', afterMs: 0 });
    await service.readCardInfo();
    expect(await codeOf(service.authenticateOnPhone(challenge))).toBe('CARD_PHONE_TIMEOUT');
  });
});

describe('Android token over pcscd', () => {
  it('keeps its PIN: VERIFY carries the PIN and then the certificate and signature come', async () => {
    await place(android);
    expect(await service.readCardInfo()).toMatchObject({ tokenType: 'android', authCertificateDer: null, pinTriesLeft: 3 });
    await rig.takeCommandLog();
    const signed = await service.authenticate(PinBuffer.fromDigits(world.cards.get(android)!.pin), challenge);
    expect(signed.tokenType).toBe('android');
    expect(verify('sha256', challenge, new X509Certificate(signed.authCertificateDer).publicKey, signed.signature)).toBe(true);
    const verifies = (await rig.takeCommandLog()).filter((c) => isVerify(c.header));
    expect(verifies.map((c) => c.length)).toEqual([9]); // 00 20 00 80 04 + the four digits
  });
});

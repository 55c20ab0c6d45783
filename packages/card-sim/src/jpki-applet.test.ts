import { constants, createHash, generateKeyPairSync, publicDecrypt, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, hex } from './apdu.js';
import { fileCardState } from './card-state.js';
import { VirtualJpkiCard, type TokenType } from './jpki-applet.js';

let privateKey: KeyObject;
let publicKey: KeyObject;
const certificate = fromHex('3082000A' + '0102030405060708090A'); // shape only: the applet never parses it
const dir = mkdtempSync(join(tmpdir(), 'jpki-applet-'));

beforeAll(() => {
  ({ privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function card(options: { tokenType?: TokenType; statePath?: string } = {}): VirtualJpkiCard {
  const c = new VirtualJpkiCard({
    tokenType: options.tokenType ?? 'card',
    authCertificateDer: certificate,
    authPrivateKey: privateKey,
    authPin: '1234',
    certificateFiller: 16,
    ...(options.statePath ? { state: fileCardState(options.statePath) } : {}),
  });
  c.powerOn();
  return c;
}

/** Sends hex, returns the response as hex (data + SW). */
const send = (c: VirtualJpkiCard, apdu: string) => hex(c.transmit(fromHex(apdu)));
const SELECT_AP = '00A4040C0AD392F000260100000001';
const selectEf = (fid: string) => `00A4020C02${fid}`;

describe('VirtualJpkiCard', () => {
  it('answers unknown AIDs 6A82 and unknown instructions 6D00, like a card that is not a MuscleApplet', () => {
    const c = card();
    expect(send(c, '00A4040C07A0000000030000')).toBe('6A82');
    expect(send(c, '00CA010000')).toBe('6D00');
    expect(send(c, selectEf('000A'))).toBe('6A82'); // no applet selected yet
    expect(send(c, SELECT_AP)).toBe('9000');
    expect(send(c, selectEf('1234'))).toBe('6A82');
  });

  it('serves the certificate EF with filler and says 6282 when the file ends before Le', () => {
    const c = card();
    send(c, SELECT_AP);
    expect(send(c, selectEf('000A'))).toBe('9000');
    expect(send(c, '00B0000004')).toBe('3082000A9000');
    const rest = send(c, '00B0000400');
    expect(rest.endsWith('6282')).toBe(true);
    expect(rest.slice(0, 20)).toBe('0102030405060708090A');
    expect(rest.slice(20, -4)).toBe('FF'.repeat(16));
    expect(send(c, '00B0010000')).toBe('6B00');
  });

  it('labels EF 0006 with the token type', () => {
    for (const [type, label] of [
      ['card', 'JPKIAPICCTOKEN2'],
      ['android', 'JPKIAPGPSETOKEN'],
      ['iphone', 'JPKIAPIOSTOKEN'],
    ] as const) {
      const c = card({ tokenType: type });
      send(c, SELECT_AP);
      send(c, selectEf('0006'));
      const data = Buffer.from(fromHex(send(c, '00B0000020').slice(0, -4))).toString('ascii');
      expect(data).toBe(label.padEnd(32, ' '));
    }
  });

  it('counts wrong PINs in the state file, which survives power cycles and a new card instance', () => {
    const statePath = join(dir, 'counters.json');
    let c = card({ statePath });
    send(c, SELECT_AP);
    send(c, selectEf('0018'));
    expect(send(c, '00200080')).toBe('63C3');
    expect(send(c, '002000800431313131')).toBe('63C2');
    c.powerOff();
    c = card({ statePath }); // "restart": a new process reading the same state file
    send(c, SELECT_AP);
    send(c, selectEf('0018'));
    expect(send(c, '00200080')).toBe('63C2');
    expect(send(c, '002000800431313131')).toBe('63C1');
    expect(send(c, '002000800431313131')).toBe('63C0');
    expect(send(c, '002000800431323334')).toBe('6983'); // right PIN, but blocked
    expect(send(c, '00200080')).toBe('63C0'); // OpenSC's bind needs 63Cx even when blocked
    c = card({ statePath });
    send(c, SELECT_AP);
    send(c, selectEf('0018'));
    expect(send(c, '002000800431323334')).toBe('6983');
    expect(c.counters().authPinTriesLeft).toBe(0);
  });

  it('signs a DigestInfo only after VERIFY, and forgets VERIFY on power off and reset', () => {
    const c = card();
    const digestInfo = '3031300D060960864801650304020105000420' + createHash('sha256').update('challenge').digest('hex');
    const signApdu = `802A008033${digestInfo}00`;
    send(c, SELECT_AP);
    send(c, selectEf('0017'));
    expect(send(c, signApdu)).toBe('6982');
    send(c, selectEf('0018'));
    expect(send(c, '002000800431323334')).toBe('9000');
    expect(send(c, '00200080')).toBe('9000');
    send(c, selectEf('0017'));
    const answer = send(c, signApdu);
    expect(answer.endsWith('9000')).toBe(true);
    const signature = Buffer.from(answer.slice(0, -4), 'hex');
    expect(signature.length).toBe(256);
    // Undo the RSA operation with the public key: PKCS#1 v1.5 block type 1 around our DigestInfo.
    expect(publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature).toString('hex').toUpperCase()).toBe(
      digestInfo.toUpperCase(),
    );
    send(c, SELECT_AP); // re-selecting the application drops the verified PIN too
    send(c, selectEf('0017'));
    expect(send(c, signApdu)).toBe('6982');
    send(c, selectEf('0018'));
    send(c, '002000800431323334');
    c.reset();
    send(c, SELECT_AP);
    send(c, selectEf('0017'));
    expect(send(c, signApdu)).toBe('6982');
    c.powerOff();
    expect(() => c.transmit(fromHex(SELECT_AP))).toThrow(/not powered/);
  });

  it('keeps an Android token certificate behind the PIN', () => {
    const c = card({ tokenType: 'android' });
    send(c, SELECT_AP);
    send(c, selectEf('000A'));
    expect(send(c, '00B0000004')).toBe('6982');
    send(c, selectEf('0018'));
    send(c, '002000800431323334');
    send(c, selectEf('000A'));
    expect(send(c, '00B0000004')).toBe('3082000A9000');
  });

  it('has a signing-password EF that answers an empty VERIFY with 63C5', () => {
    const c = card();
    send(c, SELECT_AP);
    expect(send(c, selectEf('001B'))).toBe('9000');
    expect(send(c, '00200080')).toBe('63C5');
  });
});

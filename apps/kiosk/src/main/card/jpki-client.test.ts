/**
 * The JPKI client's APDU handling against a scripted card: the 6Cxx "wrong Le" retry applies only
 * to commands that carry an Le (never to VERIFY, whose last byte is a PIN digit), every copy it
 * makes is wiped, and an empty VERIFY answering 9000 is reported as "already verified", not as a
 * made-up count.
 */
import { MadoguchiError } from '@madoguchi/shared';
import { describe, expect, it } from 'vitest';
import { JpkiClient, MAX_GET_RESPONSE_ROUNDS, MAX_RESPONSE_BYTES, hasLe } from './jpki-client.js';
import { PinBuffer } from './pin-buffer.js';
import type { CardConnection } from './transport.js';

/** A connection that answers from `script` and keeps (by reference) every buffer it was handed. */
function scripted(script: (apdu: Uint8Array) => number[]): { connection: CardConnection; sent: Uint8Array[]; seen: number[][] } {
  const sent: Uint8Array[] = [];
  const seen: number[][] = [];
  return {
    sent,
    seen,
    connection: {
      async transmit(command) {
        sent.push(command);
        seen.push([...command]); // what the card received, before anyone wiped it
        return Uint8Array.from(script(command));
      },
      async disconnect() {},
    },
  };
}

const SELECT_OK = [0x90, 0x00];
const isSelect = (apdu: Uint8Array) => apdu[1] === 0xa4;
const isVerify = (apdu: Uint8Array) => apdu[1] === 0x20;

describe('JPKI client', () => {
  it('knows which short APDUs end with an Le', () => {
    expect(hasLe(Uint8Array.from([0x00, 0xb0, 0x00, 0x00, 0x04]))).toBe(true); // case 2
    expect(hasLe(Uint8Array.from([0x80, 0x2a, 0x00, 0x80, 0x02, 0xaa, 0xbb, 0x00]))).toBe(true); // case 4
    expect(hasLe(Uint8Array.from([0x00, 0x20, 0x00, 0x80]))).toBe(false); // case 1
    expect(hasLe(Uint8Array.from([0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34]))).toBe(false); // case 3
    expect(hasLe(Uint8Array.from([0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x18]))).toBe(false); // case 3
  });

  it('resends a command with an Le with the Le the card asked for (6Cxx), and wipes its copy', async () => {
    const { connection, sent, seen } = scripted((apdu) => (apdu[4] === 0x10 ? [...new Array(0x10).fill(0xab), 0x90, 0x00] : [0x6c, 0x10]));
    const client = new JpkiClient(connection);
    const { data, sw } = await client.readBinary(0, 4);
    expect(sw).toBe(0x9000);
    expect(data.length).toBe(0x10);
    expect(seen).toEqual([
      [0x00, 0xb0, 0x00, 0x00, 0x04],
      [0x00, 0xb0, 0x00, 0x00, 0x10],
    ]);
    expect([...sent[1]!].every((b) => b === 0)).toBe(true);
  });

  it('never resends VERIFY on 6Cxx (its last byte is a PIN digit): one try, no corrupted PIN, the PIN bytes wiped', async () => {
    const { connection, sent, seen } = scripted((apdu) => (isSelect(apdu) ? SELECT_OK : isVerify(apdu) ? [0x6c, 0x00] : [0x6d, 0x00]));
    const client = new JpkiClient(connection);
    const pin = PinBuffer.fromDigits('9573');
    const error = await client.verifyPin(pin).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MadoguchiError);
    expect((error as MadoguchiError).code).toBe('CARD_ERROR');
    const verifies = seen.filter((apdu) => apdu[1] === 0x20);
    expect(verifies).toEqual([[0x00, 0x20, 0x00, 0x80, 0x04, 0x39, 0x35, 0x37, 0x33]]);
    // Every buffer that held the digits is zero now.
    for (const buffer of sent.filter((b, i) => seen[i]![1] === 0x20)) expect([...buffer].every((b) => b === 0)).toBe(true);
  });

  it('reports tries left, locked, and "already verified" (9000: no count) from the empty VERIFY', async () => {
    const counterFor = async (sw: number) => {
      const { connection } = scripted((apdu) =>
        isSelect(apdu) ? SELECT_OK : isVerify(apdu) && apdu.length === 4 ? [sw >> 8, sw & 0xff] : [0x6d, 0x00],
      );
      return new JpkiClient(connection).pinCounter();
    };
    expect(await counterFor(0x63c2)).toEqual({ kind: 'triesLeft', triesLeft: 2 });
    for (const sw of [0x63c0, 0x6983, 0x6984]) expect(await counterFor(sw)).toEqual({ kind: 'locked' });
    expect(await counterFor(0x9000)).toEqual({ kind: 'verified' });
    await expect(counterFor(0x6a86)).rejects.toMatchObject({ code: 'CARD_ERROR' });
  });

  describe('61xx "more data" answers', () => {
    let calls = 0;
    /** A card that would go on for ever; the script gives up long after any sane client has. */
    const endless = (answer: number[]) =>
      scripted(() => {
        if (calls++ > 1000) throw new Error('the client never stopped asking for more data');
        return answer;
      });

    it('follows a chained answer with GET RESPONSE and returns it whole', async () => {
      const piece = (n: number) => [...new Array(n).fill(0xcd)];
      const { connection, seen } = scripted((apdu) => (apdu[1] === 0xc0 ? [...piece(256), 0x90, 0x00] : [...piece(100), 0x61, 0x00]));
      const { data, sw } = await new JpkiClient(connection).readBinary(0, 0);
      expect(sw).toBe(0x9000);
      expect(data.length).toBe(356);
      expect(seen[1]).toEqual([0x00, 0xc0, 0x00, 0x00, 0x00]);
    });

    it('gives up with CARD_ERROR on a card that answers every command with 61 FF', async () => {
      calls = 0;
      const { connection, seen } = endless([0x61, 0xff]);
      await expect(new JpkiClient(connection).selectAp()).rejects.toMatchObject({
        code: 'CARD_ERROR',
        detail: expect.stringContaining('GET RESPONSE') as unknown,
      });
      expect(seen.length).toBe(1 + MAX_GET_RESPONSE_ROUNDS);
    });

    it(`gives up with CARD_ERROR once a chained answer passes ${MAX_RESPONSE_BYTES} bytes`, async () => {
      calls = 0;
      const { connection, seen } = endless([...new Array(255).fill(0xee), 0x61, 0xff]);
      await expect(new JpkiClient(connection).readBinary(0, 0)).rejects.toMatchObject({
        code: 'CARD_ERROR',
        detail: expect.stringContaining(`${MAX_RESPONSE_BYTES} bytes`) as unknown,
      });
      expect(seen.length * 255).toBeGreaterThan(MAX_RESPONSE_BYTES);
      expect(seen.length).toBeLessThanOrEqual(1 + MAX_GET_RESPONSE_ROUNDS);
    });
  });
});

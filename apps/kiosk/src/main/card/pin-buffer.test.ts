import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PinBuffer } from './pin-buffer.js';
import { classifyPcscError, pcscErrorCode } from './pcsc-transport.js';

describe('PinBuffer', () => {
  it('is built key by key, supports backspace, and writes ASCII digits only when complete', () => {
    const pin = new PinBuffer();
    for (const d of [5, 8, 0]) pin.push(d);
    pin.backspace();
    pin.push(2);
    expect(() => pin.writeTo(new Uint8Array(4), 0)).toThrow(/not complete/);
    pin.push(9);
    pin.push(7); // ignored: already four digits
    const out = new Uint8Array(6);
    pin.writeTo(out, 1);
    expect([...out]).toEqual([0, 0x35, 0x38, 0x32, 0x39, 0]);
    pin.wipe();
    expect(pin.wiped).toBe(true);
    expect(pin.length).toBe(0);
  });

  it('cannot be carried out by JSON, util.inspect, string conversion or structured clone (Electron IPC)', () => {
    const pin = PinBuffer.fromDigits('5829');
    const leaks = [
      JSON.stringify({ pin }),
      inspect(pin, { showHidden: true, depth: 5 }),
      String(pin),
      JSON.stringify(structuredClone({ pin })),
    ];
    for (const text of leaks) {
      expect(text).not.toContain('5829');
      expect(text).not.toMatch(/53,\s*56,\s*50,\s*57/);
    }
  });
});

describe('PC/SC error classification', () => {
  it('reads the result code from the binding message and maps it', () => {
    expect(pcscErrorCode(new Error('SCardTransmit error: Card was removed.(0x80100069)'))).toBe(0x80100069);
    expect(classifyPcscError(new Error('SCardTransmit error: Card was removed.(0x80100069)'))).toBe('cardRemoved');
    expect(classifyPcscError(new Error('SCardConnect error: No smart card inserted.(0x8010000c)'))).toBe('noCard');
    expect(classifyPcscError(new Error('SCardEstablishContext error: Service not available.(0x8010001d)'))).toBe('readerUnavailable');
    expect(classifyPcscError(new Error('SCardConnect error: Sharing violation.(0x8010000b)'))).toBe('busy');
    expect(classifyPcscError(new Error('something else'))).toBe('other');
  });
});

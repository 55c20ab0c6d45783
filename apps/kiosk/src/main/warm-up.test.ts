import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { warmUpKiosk } from './warm-up.js';

describe('the warm-up before the first resident', () => {
  it('fetches the binding key, runs the whole last-hop check on its own document and asks the printer, once each', async () => {
    const calls: string[] = [];
    const logs: { event: string; fields?: Record<string, unknown> }[] = [];
    const took = await warmUpKiosk({
      centerPublicKey: async () => {
        calls.push('bindingKey');
        return generateKeyPairSync('ed25519').publicKey;
      },
      printer: {
        status: async () => {
          calls.push('printerStatus');
          return { canPrint: true, reasons: [] };
        },
      },
      log: (event, fields) => logs.push({ event, ...(fields ? { fields } : {}) }),
    });
    expect(calls).toEqual(['bindingKey', 'printerStatus']);
    expect(Object.keys(took)).toEqual(['center', 'documentCheck', 'printer']);
    // The document check refusing its own document would be logged as a failed step.
    expect(logs.map((l) => l.event)).toEqual(['warmed up']);
  });

  it('never fails: a center still down at start is logged by step and error class, and the journey pays for it as before', async () => {
    const logs: { event: string; fields?: Record<string, unknown> }[] = [];
    await expect(
      warmUpKiosk({
        centerPublicKey: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')),
        printer: { status: () => Promise.reject(new TypeError('no printer')) },
        log: (event, fields) => logs.push({ event, ...(fields ? { fields } : {}) }),
      }),
    ).resolves.toBeDefined();
    expect(logs.slice(0, 2)).toEqual([
      { event: 'warm-up step failed', fields: { step: 'center', error: 'Error' } },
      { event: 'warm-up step failed', fields: { step: 'printer', error: 'TypeError' } },
    ]);
  });
});

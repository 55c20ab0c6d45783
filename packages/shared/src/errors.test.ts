import { describe, expect, it } from 'vitest';
import { MadoguchiError, errorCatalog, errorCodes, errorMessage, isErrorCode } from './errors.js';

describe('error catalog', () => {
  it('gives every code a Japanese and an English message and an HTTP status', () => {
    for (const code of errorCodes) {
      const def = errorCatalog[code];
      expect(def.ja.length, code).toBeGreaterThan(5);
      expect(def.en.length, code).toBeGreaterThan(5);
      expect(def.status, code).toBeGreaterThanOrEqual(400);
      expect(/[ぁ-んァ-ヶ一-龯]/.test(def.ja), `${code} ja is Japanese`).toBe(true);
    }
  });

  it('answers every eligibility refusal with a 4xx: the kiosk retries 5xx, and a refusal (an outage too) is definitive', () => {
    const refusals = errorCodes.filter((code) => code.startsWith('ELIGIBILITY_'));
    expect(refusals).toContain('ELIGIBILITY_OUTAGE');
    expect(refusals.filter((code) => errorCatalog[code].status >= 500)).toEqual([]);
  });

  it('never hints at a protection measure or another person at the kiosk', () => {
    const text = (code: keyof typeof errorCatalog) => errorCatalog[code].ja + errorCatalog[code].en;
    expect(text('ELIGIBILITY_RESTRICTED')).not.toMatch(/支援|DV|protect/i);
  });

  it('carries a code and status on MadoguchiError', () => {
    const e = new MadoguchiError('CARD_PIN_LOCKED', 'tries 0');
    expect(e.code).toBe('CARD_PIN_LOCKED');
    expect(e.status).toBe(423);
    expect(errorMessage('CARD_PIN_LOCKED', 'en')).toMatch(/locked/);
    expect(isErrorCode('CARD_PIN_LOCKED')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { MunicipalDataBatch } from '../domain/municipal-data.js';
import { generateDemoData, scaledMunicipalities } from './index.js';

/** FNV-1a over the UTF-16 code units: a fingerprint of the demo's world without node:crypto (shared imports no Node). */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${text.length}:${hash.toString(16)}`;
}

describe('the scaled demo world (load runs)', () => {
  it('leaves the demo’s own world byte for byte as it was before scaling existed', () => {
    // Computed with the generator as it was before the scaled world existed (commit 8a59a65).
    expect(fingerprint(JSON.stringify(generateDemoData()))).toBe('4537255:531fe58d');
  });

  const scaled = generateDemoData(undefined, { municipalities: 12, residents: 3_000 });
  const { batch } = scaled;
  const demo = generateDemoData();

  it('starts with the demo’s own residents unchanged and reaches the size asked for', () => {
    expect(batch.residents.slice(0, demo.batch.residents.length)).toEqual(demo.batch.residents);
    expect(batch.residents.length).toBeGreaterThanOrEqual(3_000);
    expect(batch.municipalities.map((m) => m.code)).toEqual(
      [...demo.batch.municipalities, ...scaledMunicipalities.slice(0, 9)].map((m) => m.code),
    );
    expect(scaled.policies.map((p) => p.municipalityCode)).toEqual(batch.municipalities.map((m) => m.code));
    expect(MunicipalDataBatch.safeParse(batch).success).toBe(true);
  });

  it('gives every added municipality residents and its own edge cases', () => {
    for (const m of batch.municipalities.slice(demo.batch.municipalities.length)) {
      const own = batch.residents.filter((r) => r.municipalityCode === m.code);
      const ids = new Set(own.map((r) => r.residentId));
      expect(own.length, m.code).toBeGreaterThan(100);
      for (const status of ['movedOut', 'deceased', 'pendingMoveOut'] as const)
        expect(
          own.some((r) => r.status === status),
          `${m.code} ${status}`,
        ).toBe(true);
      expect(
        own.some((r) => r.recordState === 'provisional'),
        m.code,
      ).toBe(true);
      expect(
        own.some((r) => r.domicile?.municipalityCode === '271004'),
        m.code,
      ).toBe(true);
      expect(
        batch.sealRegistrations.some((s) => ids.has(s.residentId) && s.status === 'cancelled'),
        m.code,
      ).toBe(true);
      expect(
        batch.protectionMeasures.some((p) => ids.has(p.residentId)),
        m.code,
      ).toBe(true);
      expect(
        batch.issuanceBlocks.some((b) => ids.has(b.residentId)),
        m.code,
      ).toBe(true);
    }
  });

  it('keeps ids and My Numbers unique across the whole world', () => {
    expect(new Set(batch.residents.map((r) => r.residentId)).size).toBe(batch.residents.length);
    expect(new Set(batch.residents.map((r) => r.myNumber)).size).toBe(batch.residents.length);
    expect(new Set(batch.households.map((h) => h.householdId)).size).toBe(batch.households.length);
    expect(new Set(batch.protectionMeasures.map((p) => p.measureId)).size).toBe(batch.protectionMeasures.length);
  });
});

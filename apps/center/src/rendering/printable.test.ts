import { describe, expect, it } from 'vitest';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import type { CertificateData } from '@madoguchi/shared';
import { FontSet } from './fonts/font-set.js';
import { checkPrintable, type PrintableInput } from './printable.js';

const fonts = new FontSet();
const demo = generateDemoData();
const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
const registration = demo.batch.sealRegistrations.find((s) => s.residentId === r.residentId && s.status === 'active')!;
const data: CertificateData = { certificateType: 'sealCertificate', resident: r, address: 'テスト住所', registration };
const municipality = demo.batch.municipalities.find((m) => m.code === r.municipalityCode)!;
const policy = demo.policies.find((p) => p.municipalityCode === r.municipalityCode)!;
const base: PrintableInput = { data, municipality, policy, issuedOn: '2026-11-23' };

// U+30000 (CJK Extension G) is in neither BIZ UDMincho nor IPAmj明朝; U+F8FF is private use.
const unprintable = { ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER' } as const;

describe('checkPrintable checks everything the certificate draws', () => {
  it('accepts a printable request', () => {
    expect(checkPrintable(base, fonts)).toEqual({ ok: true });
  });

  it("refuses an unprintable character in the head's name under the 認証文", () => {
    const m = { ...municipality, head: { ...municipality.head, name: `\u{30000}${municipality.head.name}` } };
    expect(checkPrintable({ ...base, municipality: m }, fonts)).toEqual({ ...unprintable, detail: 'U+30000' });
  });

  it("refuses one in the head's title, the municipality or prefecture name", () => {
    for (const m of [
      { ...municipality, head: { ...municipality.head, title: '市長\u{F8FF}' } },
      { ...municipality, name: `${municipality.name}\u{F8FF}` },
      { ...municipality, prefecture: `\u{F8FF}${municipality.prefecture}` },
    ]) {
      expect(checkPrintable({ ...base, municipality: m }, fonts)).toEqual({ ...unprintable, detail: 'U+F8FF' });
    }
  });

  it('refuses one in any of the policy fixed texts (seal note, 認証文 wording)', () => {
    for (const key of Object.keys(policy.fixedTexts) as (keyof typeof policy.fixedTexts)[]) {
      const fixedTexts = { ...policy.fixedTexts, [key]: `${policy.fixedTexts[key]}\u{F8FF}` };
      expect(checkPrintable({ ...base, policy: { fixedTexts } }, fonts)).toEqual({ ...unprintable, detail: 'U+F8FF' });
    }
  });

  it('refuses one in the issue number when it is known', () => {
    expect(checkPrintable({ ...base, issueNumber: '20261123 横浜\u{F8FF}市 KIOSK-0001 P01 000001' }, fonts)).toEqual({
      ...unprintable,
      detail: 'U+F8FF',
    });
  });

  it("still refuses one in the resident's data", () => {
    const resident = { ...r, name: { ...r.name, given: '\u{30000}' } };
    expect(checkPrintable({ ...base, data: { ...data, resident } }, fonts)).toEqual({ ...unprintable, detail: 'U+30000' });
  });
});

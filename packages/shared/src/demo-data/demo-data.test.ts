import { describe, expect, it } from 'vitest';
import { demoHolidays, demoTaxYears, generateDemoData, myNumberCheckDigit } from './index.js';
import { MunicipalDataBatch } from '../domain/municipal-data.js';
import { ageOn } from '../domain/dates.js';

const data = generateDemoData();
const { batch, featured } = data;
const resident = (id: string) => batch.residents.find((r) => r.residentId === id)!;

describe('demo data', () => {
  it('is deterministic', () => {
    expect(JSON.stringify(generateDemoData())).toBe(JSON.stringify(data));
    expect(JSON.stringify(generateDemoData(7))).not.toBe(JSON.stringify(data));
  });

  it('is valid against the import schema and internally consistent', () => {
    expect(MunicipalDataBatch.safeParse(batch).success).toBe(true);
    const ids = new Set(batch.residents.map((r) => r.residentId));
    expect(ids.size).toBe(batch.residents.length);
    for (const h of batch.households) expect(ids.has(h.householdHeadId)).toBe(true);
    for (const s of batch.sealRegistrations) expect(ids.has(s.residentId)).toBe(true);
    for (const t of batch.taxRecords) expect(ids.has(t.residentId)).toBe(true);
    const myNumbers = batch.residents.map((r) => r.myNumber);
    expect(new Set(myNumbers).size).toBe(myNumbers.length);
    for (const n of myNumbers) expect(myNumberCheckDigit([...n.slice(0, 11)].map(Number))).toBe(Number(n[11]));
  });

  it('has three municipalities of the required kinds and at least 200 residents in households', () => {
    expect(batch.municipalities.map((m) => m.kind).sort()).toEqual(['designatedCity', 'specialWard', 'town']);
    expect(batch.residents.length).toBeGreaterThanOrEqual(200);
    expect(batch.households.some((h) => batch.residents.filter((r) => r.householdId === h.householdId).length >= 4)).toBe(true);
    const chiyoda = data.policies.find((p) => p.municipalityCode === '131016')!;
    const koseki = chiyoda.offerings.find((o) => o.certificateType === 'familyRegisterFull')!;
    expect(koseki.hours).toEqual([{ weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '17:00', closedOnHolidays: true }]);
  });

  it('has every edge case', () => {
    expect(resident(featured.foreignResident).foreign?.residenceCardNumber).toMatch(/^[A-Z]{2}\d{8}[A-Z]{2}$/);
    expect(batch.protectionMeasures.map((m) => m.residentId)).toContain(featured.protectionMeasure);
    expect(resident(featured.pendingMoveOut).status).toBe('pendingMoveOut');
    expect(resident(featured.deceased).status).toBe('deceased');
    expect(resident(featured.movedOut).status).toBe('movedOut');
    expect(resident(featured.provisional).recordState).toBe('provisional');
    expect(resident(featured.formerSurname).formerSurname).toBe('佐藤');
    expect(ageOn(resident(featured.under15).birthDate, data.referenceDate)).toBeLessThan(15);
    const long = resident(featured.longNameAndAddress);
    expect(batch.households.find((h) => h.householdId === long.householdId)!.address.length).toBeGreaterThan(60);
    expect(resident(featured.ivsName).name.family).toMatch(/[\u{E0100}-\u{E01EF}]/u);
    expect(resident(featured.outsideJisName).name.family.codePointAt(0)).toBe(0x20bb7);
    const other = resident(featured.domicileInOtherServedMunicipality);
    expect(other.domicile?.municipalityCode).toBe('131016');
    expect(
      batch.familyRegisters.some((r) => r.municipalityCode === '131016' && r.persons.some((p) => p.residentId === other.residentId)),
    ).toBe(true);
    expect(resident(featured.domicileNotServed).domicile?.municipalityCode).toBe('271004');
    expect(
      batch.taxRecords.find((t) => t.residentId === featured.notRegisteredOnJanuaryFirst && t.taxYear === 2026)?.registeredOnJanuaryFirst,
    ).toBe(false);
    expect(
      batch.familyRegisters.find((r) => r.persons.some((p) => p.residentId === featured.multiPageFamilyRegister))!.persons.length,
    ).toBeGreaterThanOrEqual(9);
    expect(batch.sealRegistrations.filter((s) => s.status === 'cancelled').length).toBeGreaterThan(3);
    expect(batch.sealRegistrations.find((s) => s.residentId === featured.formerSurname)?.status).toBe('cancelled');
    expect(batch.issuanceBlocks.map((b) => b.residentId)).toContain(featured.issuanceBlocked);
    expect(new Set(batch.taxRecords.map((t) => t.taxYear))).toEqual(new Set([2025, 2026]));
  });

  it('never registers anyone as a resident before their birth', () => {
    const early = batch.residents.filter((r) => r.becameResidentOn < r.birthDate).map((r) => r.residentId);
    expect(early).toEqual([]);
    for (const r of batch.residents) expect(r.addressSetOn >= r.birthDate, r.residentId).toBe(true);
  });

  it('dates nothing after the day the data describes', () => {
    const after = (label: string, value: string | undefined) =>
      value !== undefined && value > data.referenceDate ? [`${label} ${value}`] : [];
    const late = [
      ...batch.residents.flatMap((r) => [
        ...after(`${r.residentId} birthDate`, r.birthDate),
        ...after(`${r.residentId} becameResidentOn`, r.becameResidentOn),
        ...after(`${r.residentId} addressSetOn`, r.addressSetOn),
        ...after(`${r.residentId} notifiedOn`, r.notifiedOn),
        ...after(`${r.residentId} statusChangedOn`, r.statusChangedOn),
      ]),
      ...batch.sealRegistrations.flatMap((s) => [
        ...after(`${s.registrationId} registeredOn`, s.registeredOn),
        ...after(`${s.registrationId} cancelledOn`, s.cancelledOn),
      ]),
      ...batch.familyRegisters.flatMap((reg) =>
        reg.persons.flatMap((p) => p.events.flatMap((e) => after(`${p.personId} ${e.kind}`, e.date))),
      ),
      ...batch.addressHistories.flatMap((h) => h.entries.flatMap((e) => after(`${e.personId} addressSetOn`, e.addressSetOn))),
      ...batch.protectionMeasures.flatMap((m) => after(m.measureId, m.from)),
      ...batch.issuanceBlocks.flatMap((b) => after(b.blockId, b.from)),
    ];
    expect(late).toEqual([]);
    expect(resident(featured.provisional).notifiedOn <= data.referenceDate).toBe(true);
  });

  it('registers seals only for residents aged 15 or over, and cancels after registering', () => {
    for (const s of batch.sealRegistrations) {
      const r = resident(s.residentId);
      expect(s.registeredOn >= r.becameResidentOn, s.registrationId).toBe(true);
      expect(ageOn(r.birthDate, s.registeredOn), s.registrationId).toBeGreaterThanOrEqual(15);
      if (s.status === 'cancelled') expect(s.cancelledOn! >= s.registeredOn, s.registrationId).toBe(true);
    }
  });

  it('erases the seal registration of a resident who died or moved out', () => {
    const gone = batch.residents.filter((r) => r.status === 'deceased' || r.status === 'movedOut');
    expect(gone.map((r) => r.residentId)).toEqual(expect.arrayContaining([featured.deceased, featured.movedOut]));
    for (const r of gone) {
      for (const s of batch.sealRegistrations.filter((x) => x.residentId === r.residentId)) {
        expect(s.status, r.residentId).toBe('cancelled');
        expect(s.cancelledOn, r.residentId).toBe(r.statusChangedOn);
      }
    }
    // The featured deceased resident had a registration: the case shows it erased, not missing.
    expect(batch.sealRegistrations.find((s) => s.residentId === featured.deceased)?.status).toBe('cancelled');
  });

  it('offers, in every municipality, exactly the tax years the data holds', () => {
    const held = [...new Set(batch.taxRecords.map((t) => t.taxYear))].sort();
    expect(held).toEqual([...demoTaxYears]);
    expect(held.length).toBeGreaterThanOrEqual(2);
    for (const policy of data.policies) {
      const tax = policy.offerings.find((o) => o.certificateType === 'taxCertificate')!;
      expect([...tax.taxYears].sort(), policy.municipalityCode).toEqual(held);
    }
  });

  it('lists the national holidays of every year the demo clock can land on, through 2028', () => {
    const dates = demoHolidays.map((h) => h.date);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(dates).size).toBe(dates.length);
    for (let year = Number(data.referenceDate.slice(0, 4)); year <= 2028; year++) {
      const ofYear = demoHolidays.filter((h) => h.date.startsWith(`${year}-`));
      expect(ofYear.length, String(year)).toBeGreaterThanOrEqual(16);
      expect(
        ofYear.map((h) => h.name),
        String(year),
      ).toEqual(expect.arrayContaining(['元日', '春分の日', '秋分の日', '勤労感謝の日']));
    }
  });

  it('carries seal images as real PNGs', () => {
    const png = Uint8Array.from(atob(batch.sealRegistrations[0]!.sealImagePng), (c) => c.charCodeAt(0));
    expect([...png.slice(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(String.fromCharCode(...png.slice(12, 16))).toBe('IHDR');
  });
});

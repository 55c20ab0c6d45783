/**
 * Every refusal rule of docs/service-rules.md#refusals, each with its own code and its own test,
 * on both databases, against the demo world. Refusals are decided here, before any payment exists.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, type CertificateOptions, type CertificateType, type MunicipalDataBatchInput } from '@madoguchi/shared';
import type { CenterDatabase } from '@madoguchi/center';
import { checkEligibility, createEligibility, menuFor, type EligibilityContext } from '@madoguchi/center/eligibility';
import { createPolicyStore } from '@madoguchi/center/policy';
import { createMunicipalStore } from '@madoguchi/center/residents';
import { forEachDatabase } from '../support/databases.js';
import { demo, demoNow, demoWorldFactory, japanInstant } from '../support/demo-world.js';

const f = demo.featured;
const residenceOptions = (o: Partial<NonNullable<CertificateOptions['residenceRecord']>>): CertificateOptions => ({
  residenceRecord: {
    scope: 'household',
    memberIds: [],
    form: 'household',
    householdHeadAndRelationship: true,
    domicile: false,
    myNumber: false,
    foreignResidentItems: true,
    ...o,
  },
});

forEachDatabase((harness) => {
  /** A database of its own (a copy of the seeded demo world) for tests that change data. */
  const own = demoWorldFactory(harness);
  let shared: CenterDatabase;
  beforeAll(async () => {
    shared = await own();
  });

  const check = (residentId: string, certificateType: CertificateType, extra: Partial<EligibilityContext> = {}) =>
    checkEligibility({
      database: extra.database ?? shared,
      residentId,
      certificateType,
      options: {},
      copies: 1,
      now: demoNow,
      printableCheck: null,
      ...extra,
    });

  const refusal = async (residentId: string, certificateType: CertificateType, extra: Partial<EligibilityContext> = {}) => {
    const result = await check(residentId, certificateType, extra);
    return result.ok ? 'ok' : result.code;
  };

  describe('a resident who may get certificates', () => {
    it('gets the fee in force today and the total for the copies', async () => {
      const result = await check(f.ordinary, 'residenceRecord', { copies: 2 });
      expect(result).toMatchObject({ ok: true, feeYen: 300, totalYen: 600, municipalityCode: '141003' });
    });

    it('is charged the new fee from its effective date (2026-12-01)', async () => {
      expect(await check(f.ordinary, 'residenceRecord', { now: japanInstant('2026-12-01', '08:00') })).toMatchObject({
        ok: true,
        feeYen: 250,
      });
      expect(await check(f.ordinary, 'residenceRecord', { now: japanInstant('2026-11-30', '22:59') })).toMatchObject({
        ok: true,
        feeYen: 300,
      });
    });

    it('gets each certificate type the demo municipality offers', async () => {
      for (const type of [
        'sealCertificate',
        'familyRegisterFull',
        'familyRegisterIndividual',
        'familyRegisterAddressHistory',
        'residenceItemsCertificate',
      ] as const) {
        expect([type, await refusal(f.ordinary, type)]).toEqual([type, 'ok']);
      }
      expect(await refusal(f.ordinary, 'taxCertificate', { options: { tax: { kind: 'income', taxYear: 2026 } } })).toBe('ok');
      expect(await refusal(f.nonTaxable, 'taxCertificate', { options: { tax: { kind: 'nonTaxable', taxYear: 2026 } } })).toBe('ok');
    });
  });

  describe('card rules', () => {
    it('AUTH_CERTIFICATE_EXPIRED: the authCertificate expired', async () => {
      expect(await refusal(f.ordinary, 'residenceRecord', { authCertificateNotAfter: new Date(demoNow.getTime() - 1000) })).toBe(
        'AUTH_CERTIFICATE_EXPIRED',
      );
      expect(await refusal(f.ordinary, 'residenceRecord', { authCertificateNotAfter: new Date(demoNow.getTime() + 86_400_000) })).toBe(
        'ok',
      );
    });

    it('ELIGIBILITY_CARD_NOT_YET_USABLE: the card is usable only from tomorrow (issuance, move-in, PIN change)', async () => {
      expect(await refusal(f.ordinary, 'residenceRecord', { cardUsableFrom: '2026-11-03' })).toBe('ELIGIBILITY_CARD_NOT_YET_USABLE');
      expect(await refusal(f.ordinary, 'residenceRecord', { cardUsableFrom: '2026-11-02' })).toBe('ok');
    });

    it('AUTH_RESIDENT_UNKNOWN: no resident record behind the card', async () => {
      expect(await refusal('NO-SUCH-RESIDENT', 'residenceRecord')).toBe('AUTH_RESIDENT_UNKNOWN');
    });
  });

  describe('resident status', () => {
    it('ELIGIBILITY_MOVED_OUT: moved out (転出)', async () => {
      expect(await refusal(f.movedOut, 'residenceRecord')).toBe('ELIGIBILITY_MOVED_OUT');
    });

    it('ELIGIBILITY_PENDING_MOVE_OUT: a pending move-out blocks the holder, and the 住民票 of the whole household', async () => {
      expect(await refusal(f.pendingMoveOut, 'sealCertificate')).toBe('ELIGIBILITY_PENDING_MOVE_OUT');
      expect(await refusal(f.householdOfPendingMoveOut, 'residenceRecord')).toBe('ELIGIBILITY_PENDING_MOVE_OUT');
    });

    it('ELIGIBILITY_DECEASED: died', async () => {
      expect(await refusal(f.deceased, 'residenceRecord')).toBe('ELIGIBILITY_DECEASED');
    });

    it('ELIGIBILITY_REMOVED: removed from the record (消除)', async () => {
      const database = await own();
      const r = demo.batch.residents.find((x) => x.residentId === f.chiyodaResident)!;
      await createMunicipalStore(database).importBatch({ residents: [{ ...r, status: 'removed', statusChangedOn: '2026-10-01' }] });
      expect(await refusal(f.chiyodaResident, 'residenceRecord', { database })).toBe('ELIGIBILITY_REMOVED');
    });

    it('ELIGIBILITY_UNDER_15: under 15 years old', async () => {
      expect(await refusal(f.under15, 'residenceRecord')).toBe('ELIGIBILITY_UNDER_15');
    });

    it('ELIGIBILITY_PROVISIONAL: the record is still in 仮登録', async () => {
      expect(await refusal(f.provisional, 'residenceRecord')).toBe('ELIGIBILITY_PROVISIONAL');
    });

    it('ELIGIBILITY_PROVISIONAL: a provisional family register is never used', async () => {
      const database = await own();
      const register = demo.batch.familyRegisters.find((r) => r.persons.some((p) => p.residentId === f.ordinary))!;
      await createMunicipalStore(database).importBatch({ familyRegisters: [{ ...register, recordState: 'provisional' }] });
      expect(await refusal(f.ordinary, 'familyRegisterFull', { database })).toBe('ELIGIBILITY_PROVISIONAL');
    });
  });

  describe('protection measures and issuance blocks', () => {
    it('ELIGIBILITY_RESTRICTED: a 支援措置 on the holder', async () => {
      expect(await refusal(f.protectionMeasure, 'residenceRecord')).toBe('ELIGIBILITY_RESTRICTED');
    });

    it('ELIGIBILITY_RESTRICTED: a 支援措置 on someone the requested record shows', async () => {
      const database = await own();
      await createMunicipalStore(database).importBatch({
        protectionMeasures: [{ measureId: 'PM-T1', residentId: f.formerSurname, from: '2026-11-01' }],
      });
      expect(await refusal(f.ordinary, 'residenceRecord', { database })).toBe('ELIGIBILITY_RESTRICTED');
      // A 住民票 of the holder alone does not show the protected member.
      expect(
        await refusal(f.ordinary, 'residenceRecord', {
          database,
          options: residenceOptions({ scope: 'selected', memberIds: [f.ordinary] }),
        }),
      ).toBe('ok');
      // An ended measure no longer applies.
      await createMunicipalStore(database).importBatch({
        protectionMeasures: [{ measureId: 'PM-T1', residentId: f.formerSurname, from: '2026-11-01', until: '2026-11-01' }],
      });
      expect(await refusal(f.ordinary, 'residenceRecord', { database })).toBe('ok');
    });

    it('ELIGIBILITY_ISSUANCE_BLOCKED: a 発行抑止 for the type, and only that type', async () => {
      expect(await refusal(f.issuanceBlocked, 'sealCertificate')).toBe('ELIGIBILITY_ISSUANCE_BLOCKED');
      expect(await refusal(f.issuanceBlocked, 'residenceRecord')).toBe('ok');
      expect(errorMessage('ELIGIBILITY_ISSUANCE_BLOCKED')).toBe(errorMessage('ELIGIBILITY_RESTRICTED'));
    });
  });

  describe('printability', () => {
    it('ELIGIBILITY_TEXT_OVERFLOW: the renderer’s own layout refuses the long-address resident’s 戸籍の附票 before payment', async () => {
      const check = (certificateType: CertificateType) =>
        checkEligibility({ database: shared, residentId: f.longNameAndAddress, certificateType, options: {}, copies: 1, now: demoNow });
      expect(await check('familyRegisterAddressHistory')).toEqual({ ok: false, code: 'ELIGIBILITY_TEXT_OVERFLOW' });
      // Where the address fits at a smaller size (the 住民票's wider cell), it is printed.
      expect(await check('residenceRecord')).toMatchObject({ ok: true });
    });

    it('ELIGIBILITY_UNPRINTABLE_CHARACTER: the injected check refuses, and nothing is printed instead', async () => {
      expect(
        await refusal(f.ordinary, 'residenceRecord', { printableCheck: () => ({ ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER' }) }),
      ).toBe('ELIGIBILITY_UNPRINTABLE_CHARACTER');
    });

    it('ELIGIBILITY_UNPRINTABLE_CHARACTER: the renderer’s own check refuses a 外字 (private-use) name by default', async () => {
      const database = await own();
      const r = demo.batch.residents.find((x) => x.residentId === f.chiyodaResident)!;
      await createMunicipalStore(database).importBatch({
        residents: [{ ...r, name: { ...r.name, given: '美\uE000' } }],
      } satisfies MunicipalDataBatchInput);
      const result = await checkEligibility({
        database,
        residentId: f.chiyodaResident,
        certificateType: 'residenceRecord',
        options: {},
        copies: 1,
        now: demoNow,
      });
      expect(result).toEqual({ ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER' });
      const ordinary = await checkEligibility({
        database,
        residentId: f.ordinary,
        certificateType: 'residenceRecord',
        options: {},
        copies: 1,
        now: demoNow,
      });
      expect(ordinary.ok).toBe(true);
    });
  });

  describe('hours, outages and closure', () => {
    it('ELIGIBILITY_OUTSIDE_HOURS: before 06:30 and from 23:00', async () => {
      expect(await refusal(f.ordinary, 'residenceRecord', { now: japanInstant('2026-11-02', '06:29') })).toBe('ELIGIBILITY_OUTSIDE_HOURS');
      expect(await refusal(f.ordinary, 'residenceRecord', { now: japanInstant('2026-11-02', '06:30') })).toBe('ok');
      expect(await refusal(f.ordinary, 'residenceRecord', { now: japanInstant('2026-11-02', '23:00') })).toBe('ELIGIBILITY_OUTSIDE_HOURS');
    });

    it('ELIGIBILITY_OUTSIDE_HOURS: 戸籍 only on weekdays 9–17 and not on holidays (per type)', async () => {
      // 千代田区 registers: the resident whose 本籍 is there has to be registered first.
      const database = await own();
      const policies = createPolicyStore(database);
      const application = await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: demoNow });
      await policies.decideDomicileRegistration(application.registrationId, 'approved', 'clerk-1');
      const at = (date: string, time: string) =>
        refusal(f.domicileInOtherServedMunicipality, 'familyRegisterFull', { database, now: japanInstant(date, time) });
      expect(await at('2026-11-02', '10:00')).toBe('ok'); // Monday
      expect(await at('2026-11-02', '18:00')).toBe('ELIGIBILITY_OUTSIDE_HOURS');
      expect(await at('2026-11-07', '10:00')).toBe('ELIGIBILITY_OUTSIDE_HOURS'); // Saturday
      expect(await at('2026-11-03', '10:00')).toBe('ELIGIBILITY_OUTSIDE_HOURS'); // 文化の日
      // The same resident's 住民票 (横浜市, every day) is available on the holiday.
      expect(
        await refusal(f.domicileInOtherServedMunicipality, 'residenceRecord', { database, now: japanInstant('2026-11-03', '10:00') }),
      ).toBe('ok');
    });

    it('ELIGIBILITY_OUTAGE: a declared outage of the municipality', async () => {
      expect(await refusal(f.okutamaResident, 'residenceRecord', { now: japanInstant('2027-01-16', '12:00') })).toBe('ELIGIBILITY_OUTAGE');
      expect(await refusal(f.okutamaResident, 'residenceRecord', { now: japanInstant('2027-01-18', '12:00') })).toBe('ok');
    });

    it('ELIGIBILITY_YEAR_END_CLOSURE: 29 December to 3 January', async () => {
      expect(await refusal(f.ordinary, 'residenceRecord', { now: japanInstant('2026-12-29', '12:00') })).toBe(
        'ELIGIBILITY_YEAR_END_CLOSURE',
      );
      expect(await refusal(f.ordinary, 'residenceRecord', { now: japanInstant('2027-01-03', '22:00') })).toBe(
        'ELIGIBILITY_YEAR_END_CLOSURE',
      );
      expect(await refusal(f.ordinary, 'residenceRecord', { now: japanInstant('2026-12-28', '22:00') })).toBe('ok');
      expect(await refusal(f.ordinary, 'residenceRecord', { now: japanInstant('2027-01-04', '07:00') })).toBe('ok');
    });
  });

  describe('the offer and the request', () => {
    it('ELIGIBILITY_TYPE_NOT_OFFERED: the municipality does not offer the type at stores', async () => {
      expect(await refusal(f.chiyodaResident, 'residenceItemsCertificate')).toBe('ELIGIBILITY_TYPE_NOT_OFFERED');
    });

    it('ELIGIBILITY_OPTION_NOT_ALLOWED: 個人番号 where the municipality forbids it at stores', async () => {
      expect(await refusal(f.chiyodaResident, 'residenceRecord', { options: residenceOptions({ myNumber: true }) })).toBe(
        'ELIGIBILITY_OPTION_NOT_ALLOWED',
      );
      expect(await refusal(f.ordinary, 'residenceRecord', { options: residenceOptions({ myNumber: true }) })).toBe('ok');
    });

    it('ELIGIBILITY_TOO_MANY_COPIES: more copies than the municipality allows at once', async () => {
      expect(await refusal(f.ordinary, 'residenceRecord', { copies: 11 })).toBe('ELIGIBILITY_TOO_MANY_COPIES');
      expect(await refusal(f.ordinary, 'residenceRecord', { copies: 0 })).toBe('ELIGIBILITY_TOO_MANY_COPIES');
    });

    it('ELIGIBILITY_MEMBER_NOT_IN_HOUSEHOLD: a chosen member from another household', async () => {
      expect(
        await refusal(f.ordinary, 'residenceRecord', { options: residenceOptions({ scope: 'selected', memberIds: [f.chiyodaResident] }) }),
      ).toBe('ELIGIBILITY_MEMBER_NOT_IN_HOUSEHOLD');
    });
  });

  describe('records behind the certificate', () => {
    it('ELIGIBILITY_NO_SEAL_REGISTRATION: the seal registration was cancelled (廃止)', async () => {
      expect(await refusal(f.formerSurname, 'sealCertificate')).toBe('ELIGIBILITY_NO_SEAL_REGISTRATION');
    });

    it('ELIGIBILITY_DOMICILE_NOT_REGISTERED: 本籍 in another municipality without 利用登録', async () => {
      expect(await refusal(f.domicileInOtherServedMunicipality, 'familyRegisterFull', { now: japanInstant('2026-11-02', '10:00') })).toBe(
        'ELIGIBILITY_DOMICILE_NOT_REGISTERED',
      );
    });

    it('ELIGIBILITY_NO_FAMILY_REGISTER: no 本籍 recorded (a foreign resident), or a register the holder is not in', async () => {
      expect(await refusal(f.foreignResident, 'familyRegisterFull')).toBe('ELIGIBILITY_NO_FAMILY_REGISTER');
      const other = demo.batch.familyRegisters.find(
        (r) => r.municipalityCode === '141003' && !r.persons.some((p) => p.residentId === f.ordinary),
      )!;
      expect(await refusal(f.ordinary, 'familyRegisterFull', { options: { familyRegister: { registerId: other.registerId } } })).toBe(
        'ELIGIBILITY_NO_FAMILY_REGISTER',
      );
    });

    it('ELIGIBILITY_NO_FAMILY_REGISTER: a register held by another municipality than the holder’s 本籍地', async () => {
      const database = await own();
      const register = demo.batch.familyRegisters.find((r) => r.persons.some((p) => p.residentId === f.ordinary))!;
      expect(await refusal(f.ordinary, 'familyRegisterFull', { database })).toBe('ok');
      await createMunicipalStore(database).importBatch({ familyRegisters: [{ ...register, municipalityCode: '133086' }] });
      expect(await refusal(f.ordinary, 'familyRegisterFull', { database })).toBe('ELIGIBILITY_NO_FAMILY_REGISTER');
    });

    it('ELIGIBILITY_TAX_NOT_REGISTERED_JAN_1: not registered here on 1 January of the tax year', async () => {
      expect(await refusal(f.notRegisteredOnJanuaryFirst, 'taxCertificate', { options: { tax: { kind: 'income', taxYear: 2026 } } })).toBe(
        'ELIGIBILITY_TAX_NOT_REGISTERED_JAN_1',
      );
    });

    it('ELIGIBILITY_TAX_YEAR_UNAVAILABLE: a tax year the municipality does not offer', async () => {
      // The demo offers 2025 and 2026 (the years it holds); 2024 is offered by no municipality.
      expect(await refusal(f.ordinary, 'taxCertificate', { options: { tax: { kind: 'income', taxYear: 2024 } } })).toBe(
        'ELIGIBILITY_TAX_YEAR_UNAVAILABLE',
      );
    });

    it('ELIGIBILITY_NOT_NON_TAXABLE: a 非課税証明書 for someone who is taxed', async () => {
      const taxed = demo.batch.taxRecords.find(
        (t) => t.taxYear === 2026 && !t.nonTaxable && t.registeredOnJanuaryFirst && t.residentId === f.ordinary,
      );
      expect(taxed).toBeDefined();
      expect(await refusal(f.ordinary, 'taxCertificate', { options: { tax: { kind: 'nonTaxable', taxYear: 2026 } } })).toBe(
        'ELIGIBILITY_NOT_NON_TAXABLE',
      );
    });
  });

  describe('menu', () => {
    it('lists every type with availability, refusal code, fee and allowed options', async () => {
      const menu = await menuFor({
        database: shared,
        residentId: f.domicileInOtherServedMunicipality,
        now: japanInstant('2026-11-02', '10:00'),
        printableCheck: null,
      });
      const byType = Object.fromEntries(menu.map((m) => [m.certificateType, m]));
      expect(menu).toHaveLength(7);
      expect(byType.residenceRecord).toMatchObject({ available: true, feeYen: 300, allowMyNumber: true, maxCopies: 10 });
      expect(byType.familyRegisterFull).toMatchObject({ available: false, refusal: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED', feeYen: 400 });
      const chiyoda = await createEligibility(shared, { printableCheck: null }).menuFor(f.chiyodaResident, demoNow);
      expect(chiyoda.find((m) => m.certificateType === 'residenceItemsCertificate')).toMatchObject({
        available: false,
        refusal: 'ELIGIBILITY_TYPE_NOT_OFFERED',
      });
      expect(chiyoda.find((m) => m.certificateType === 'residenceRecord')).toMatchObject({
        available: true,
        allowMyNumber: false,
        feeYen: 200,
      });
    });

    it('offers nothing to a resident refused as a person, each item carrying the code', async () => {
      const menu = await menuFor({ database: shared, residentId: f.under15, now: demoNow, printableCheck: null });
      expect(menu.every((m) => !m.available && m.refusal === 'ELIGIBILITY_UNDER_15')).toBe(true);
    });

    it('lists the tax years the resident has records for', async () => {
      const menu = await menuFor({ database: shared, residentId: f.ordinary, now: demoNow, printableCheck: null });
      expect(menu.find((m) => m.certificateType === 'taxCertificate')).toMatchObject({ available: true, taxYears: [2026, 2025] });
    });
  });
});

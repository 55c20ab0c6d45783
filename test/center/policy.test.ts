/**
 * Policy store and the 本籍地 registration workflow on both databases: policies are validated and
 * read afresh (a fee change applies to the next request), and a resident's 戸籍 certificates from
 * another municipality become available only after that municipality approves the registration.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, type CenterDatabase } from '@madoguchi/center';
import { checkEligibility } from '@madoguchi/center/eligibility';
import { createPolicyStore } from '@madoguchi/center/policy';
import { forEachDatabase } from '../support/databases.js';
import { demo, demoNow, demoWorldFactory, japanInstant } from '../support/demo-world.js';

const f = demo.featured;
const weekdayMorning = japanInstant('2026-11-02', '10:00');

forEachDatabase((harness) => {
  const seeded = demoWorldFactory(harness);
  let shared: CenterDatabase;
  beforeAll(async () => {
    shared = await seeded();
  });

  describe('policy store', () => {
    it('returns the stored policy with defaults applied, and null for an unknown municipality', async () => {
      const policies = createPolicyStore(shared);
      const chiyoda = await policies.getPolicy('131016');
      expect(chiyoda?.fixedTexts.sealCertificate).toBe('この写しは、登録されている印影と相違ないことを証明します。');
      expect(chiyoda?.yearEndClosure).toBe(true);
      expect(await policies.getPolicy('999999')).toBeNull();
    });

    it('feeFor gives the fee in force on the date, and null for a type not offered', async () => {
      const policies = createPolicyStore(shared);
      expect(await policies.feeFor('141003', 'residenceRecord', '2026-11-30')).toBe(300);
      expect(await policies.feeFor('141003', 'residenceRecord', '2026-12-01')).toBe(250);
      expect(await policies.feeFor('131016', 'residenceItemsCertificate', '2026-12-01')).toBeNull();
    });

    it('refuses an invalid policy with field paths and keeps the stored one', async () => {
      const policies = createPolicyStore(shared);
      const bad = {
        ...demo.policies[1]!,
        offerings: [{ ...demo.policies[1]!.offerings[0]!, fees: [{ effectiveFrom: '2026-13-01', feeYen: 1.5 }] }],
      };
      await expect(policies.putPolicy(bad)).rejects.toMatchObject({
        code: 'INPUT_INVALID',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'offerings[0].fees[0].effectiveFrom' }),
          expect.objectContaining({ path: 'offerings[0].fees[0].feeYen' }),
        ]),
      });
      const dup = { ...demo.policies[1]!, offerings: [demo.policies[1]!.offerings[0]!, demo.policies[1]!.offerings[0]!] };
      await expect(policies.putPolicy(dup)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      expect((await policies.getPolicy('131016'))?.offerings).toHaveLength(7);
    });

    it('a changed policy applies to the very next eligibility check (no cache)', async () => {
      const database = await seeded();
      const policies = createPolicyStore(database);
      const check = () =>
        checkEligibility({
          database,
          residentId: f.chiyodaResident,
          certificateType: 'sealCertificate',
          options: {},
          copies: 1,
          now: demoNow,
          printableCheck: null,
        });
      expect(await check()).toMatchObject({ ok: true, feeYen: 200 });
      const chiyoda = (await policies.getPolicy('131016'))!;
      await policies.putPolicy({
        ...chiyoda,
        offerings: chiyoda.offerings.map((o) =>
          o.certificateType === 'sealCertificate' ? { ...o, fees: [...o.fees, { effectiveFrom: demo.referenceDate, feeYen: 180 }] } : o,
        ),
      });
      expect(await check()).toMatchObject({ ok: true, feeYen: 180 });
      await policies.putPolicy({
        ...chiyoda,
        offerings: chiyoda.offerings.map((o) => (o.certificateType === 'sealCertificate' ? { ...o, enabled: false } : o)),
      });
      expect(await check()).toEqual({ ok: false, code: 'ELIGIBILITY_TYPE_NOT_OFFERED' });
      await policies.putPolicy({
        ...chiyoda,
        outages: [{ outageId: 'now', from: '2026-11-02T00:00:00+09:00', until: '2026-11-03T00:00:00+09:00', reason: 'fee change day' }],
      });
      expect(await check()).toEqual({ ok: false, code: 'ELIGIBILITY_OUTAGE' });
    });
  });

  describe('本籍地 registration (domicileRegistration)', () => {
    it('apply → approve → the domicile municipality’s 戸籍 certificates become available', async () => {
      const database = await seeded();
      const policies = createPolicyStore(database);
      const familyRegister = () =>
        checkEligibility({
          database,
          residentId: f.domicileInOtherServedMunicipality,
          certificateType: 'familyRegisterFull',
          options: {},
          copies: 1,
          now: weekdayMorning,
          printableCheck: null,
        });
      expect(await familyRegister()).toEqual({ ok: false, code: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' });

      const application = await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: weekdayMorning });
      expect(application).toMatchObject({ status: 'pending', domicileMunicipalityCode: '131016' });
      // A kiosk retry returns the open application, not a second one.
      expect(
        (await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: weekdayMorning })).registrationId,
      ).toBe(application.registrationId);
      expect(await policies.listDomicileRegistrations('131016', 'pending')).toHaveLength(1);
      // Pending is not approved.
      expect(await familyRegister()).toEqual({ ok: false, code: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' });
      expect(await policies.isDomicileRegistered(f.domicileInOtherServedMunicipality, '131016')).toBe(false);

      const decided = await policies.decideDomicileRegistration(application.registrationId, 'approved', 'clerk-131016-01');
      expect(decided).toMatchObject({ status: 'approved', decidedBy: 'clerk-131016-01' });
      expect(await policies.isDomicileRegistered(f.domicileInOtherServedMunicipality, '131016')).toBe(true);
      // Certified by the 本籍地, at its fee.
      expect(await familyRegister()).toMatchObject({
        ok: true,
        municipalityCode: '131016',
        residenceMunicipalityCode: '141003',
        feeYen: 400,
      });
      // A decision is final.
      await expect(policies.decideDomicileRegistration(application.registrationId, 'rejected', 'clerk-2')).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('a rejected application keeps the certificates unavailable, and the resident may apply again', async () => {
      const database = await seeded();
      const policies = createPolicyStore(database);
      const first = await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: weekdayMorning });
      await policies.decideDomicileRegistration(first.registrationId, 'rejected', 'clerk-1');
      expect(await policies.isDomicileRegistered(f.domicileInOtherServedMunicipality, '131016')).toBe(false);
      const second = await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: weekdayMorning });
      expect(second.registrationId).not.toBe(first.registrationId);
      expect(second.status).toBe('pending');
      // Both applications (entered by clerks: no store, no terminal) and the rejection are history.
      const rows = await database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('event', 'like', 'domicile_registration_%')
        .orderBy('seq')
        .execute();
      expect(
        rows.map((r) => [r.event, r.resident_id, r.municipality_code, r.store_code, r.terminal_id, JSON.parse(r.detail_json!)]),
      ).toEqual([
        [
          'domicile_registration_applied',
          f.domicileInOtherServedMunicipality,
          '131016',
          null,
          null,
          { registrationId: first.registrationId, channel: 'clerk' },
        ],
        [
          'domicile_registration_rejected',
          f.domicileInOtherServedMunicipality,
          '131016',
          null,
          null,
          { registrationId: first.registrationId, decidedBy: 'clerk-1' },
        ],
        [
          'domicile_registration_applied',
          f.domicileInOtherServedMunicipality,
          '131016',
          null,
          null,
          { registrationId: second.registrationId, channel: 'clerk' },
        ],
      ]);
      expect(rows.map((r) => r.recorded_at)).toEqual([weekdayMorning.toISOString(), expect.any(String), weekdayMorning.toISOString()]);
      expect((await verifyAuditChain(database.db)).ok).toBe(true);
    });

    it('a decision that loses, or an open application answered again, writes no history row', async () => {
      const database = await seeded();
      const policies = createPolicyStore(database);
      const count = async () =>
        (await database.db.selectFrom('audit_events').select('seq').where('event', 'like', 'domicile_registration_%').execute()).length;
      const application = await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: weekdayMorning });
      await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: weekdayMorning });
      expect(await count()).toBe(1);
      await policies.decideDomicileRegistration(application.registrationId, 'approved', 'clerk-a');
      await expect(policies.decideDomicileRegistration(application.registrationId, 'rejected', 'clerk-b')).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await count()).toBe(2);
      expect((await verifyAuditChain(database.db)).ok).toBe(true);
    });

    it('audit verify reports a 本籍地 registration whose application or decision is missing from the history', async () => {
      const database = await seeded();
      const policies = createPolicyStore(database);
      const application = await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: weekdayMorning });
      expect((await verifyAuditChain(database.db)).ok).toBe(true);
      // Written behind the library's back: an approval the history never saw.
      await database.db
        .updateTable('domicile_registrations')
        .set({ status: 'approved', decided_at: weekdayMorning.toISOString(), decided_by: 'nobody' })
        .where('registration_id', '=', application.registrationId)
        .execute();
      const verified = await verifyAuditChain(database.db);
      expect(verified.ok).toBe(false);
      expect(verified.problems).toEqual([
        expect.objectContaining({ kind: 'state_not_recorded', message: expect.stringContaining(application.registrationId) }),
      ]);
    });

    it('two clerks deciding at once: exactly one decision wins', async () => {
      const database = await seeded();
      const policies = createPolicyStore(database);
      const other = harness.kind === 'postgres' ? createPolicyStore(await harness.openAnother(database)) : policies;
      const application = await policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: weekdayMorning });
      const results = await Promise.allSettled([
        policies.decideDomicileRegistration(application.registrationId, 'approved', 'clerk-a'),
        other.decideDomicileRegistration(application.registrationId, 'rejected', 'clerk-b'),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const final = (await policies.listDomicileRegistrations('131016'))[0]!;
      const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ status: string }>;
      expect(final.status).toBe(winner.value.status);
    });

    it('refuses applications outside the registration hours, to a municipality that is not the 本籍, or not served', async () => {
      const policies = createPolicyStore(await seeded());
      // 千代田区 takes registrations on weekdays 9–17 only.
      await expect(
        policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '131016', { now: japanInstant('2026-11-07', '10:00') }),
      ).rejects.toMatchObject({ code: 'ELIGIBILITY_OUTSIDE_HOURS' });
      await expect(
        policies.applyDomicileRegistration(f.domicileInOtherServedMunicipality, '133086', { now: weekdayMorning }),
      ).rejects.toMatchObject({ code: 'ELIGIBILITY_NO_FAMILY_REGISTER' });
      await expect(policies.applyDomicileRegistration(f.ordinary, '141003', { now: weekdayMorning })).rejects.toMatchObject({
        code: 'ELIGIBILITY_NO_FAMILY_REGISTER',
      });
      await expect(policies.applyDomicileRegistration(f.domicileNotServed, '271004', { now: weekdayMorning })).rejects.toMatchObject({
        code: 'ELIGIBILITY_TYPE_NOT_OFFERED',
      });
      await expect(policies.applyDomicileRegistration(f.movedOut, '131016', { now: weekdayMorning })).rejects.toMatchObject({
        code: 'ELIGIBILITY_MOVED_OUT',
      });
      await expect(policies.decideDomicileRegistration('00000000-0000-0000-0000-000000000000', 'approved', 'clerk')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });
});

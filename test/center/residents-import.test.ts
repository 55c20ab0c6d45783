/**
 * Municipal data store on both databases: JSON import (validation, atomicity, upsert), card links,
 * and CertificateData for the 住民票 from the demo world.
 */
import { describe, expect, it } from 'vitest';
import { MadoguchiError, type MunicipalDataBatchInput } from '@madoguchi/shared';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { createMunicipalStore, pendingProvisional, getFamilyRegister } from '@madoguchi/center/residents';
import { forEachDatabase } from '../support/databases.js';

const demo = generateDemoData();
const now = new Date(`${demo.referenceDate}T03:00:00Z`); // noon in Japan
const ISSUER = 'CN=Japan Agency for Local Authority Information Systems, OU=JPKI, O=JPKI, C=JP';

async function importError(promise: Promise<unknown>): Promise<MadoguchiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MadoguchiError);
  return error as MadoguchiError;
}

forEachDatabase((harness) => {
  describe('JSON import', () => {
    it('imports the demo world and reports counts; importing it again upserts without duplicating', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      const report = await store.importBatch(demo.batch);
      expect(report.counts.residents).toBe(demo.batch.residents.length);
      expect(report.counts.familyRegisters).toBe(demo.batch.familyRegisters.length);
      await store.importBatch(demo.batch);
      const count = await database.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(demo.batch.residents.length);
      const ordinary = await store.getResident(demo.featured.ordinary);
      expect(ordinary?.residentId).toBe(demo.featured.ordinary);
    });

    it('refuses a batch with schema errors, naming each row and field, and changes nothing', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      const residents = demo.batch.residents.map((r) => ({ ...r }));
      (residents[12] as { birthDate: string }).birthDate = '2026-02-30';
      (residents[40] as { myNumber: string }).myNumber = '123';
      const error = await importError(store.importBatch({ ...demo.batch, residents }));
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['residents[12].birthDate', 'residents[40].myNumber']));
      const count = await database.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('refuses an id a kiosk could not send back (spaces, non-ASCII, over 64 characters), naming the row; changes nothing', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      const residents = demo.batch.residents.map((r) => ({ ...r }));
      residents[3]!.residentId = '住民 0003';
      residents[5]!.residentId = 'R'.repeat(65);
      const error = await importError(store.importBatch({ ...demo.batch, residents }));
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['residents[3].residentId', 'residents[5].residentId']));
      const count = await database.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('refuses references to unknown records and rolls the whole batch back', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      await store.importBatch({ municipalities: demo.batch.municipalities });
      const ordinary = demo.batch.residents.find((r) => r.residentId === demo.featured.ordinary)!;
      const household = demo.batch.households.find((h) => h.householdId === ordinary.householdId)!;
      const batch: MunicipalDataBatchInput = {
        households: [household],
        residents: [ordinary, { ...ordinary, residentId: 'X-1', householdId: 'NO-SUCH-HOUSEHOLD' }],
        cardLinks: [{ residentId: 'NO-SUCH-RESIDENT', issuer: ISSUER, serialNumber: 'ABC1', usableFrom: '2026-01-01' }],
      };
      const error = await importError(store.importBatch(batch));
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'residents[1].householdId' }),
          expect.objectContaining({ path: 'cardLinks[0].residentId' }),
        ]),
      );
      // The valid household and resident of the same batch were not kept.
      expect(await store.getResident(ordinary.residentId)).toBeNull();
    });

    it('refuses duplicates inside one batch and a second active seal registration', async () => {
      const store = createMunicipalStore(await harness.fresh());
      await store.importBatch(demo.batch);
      const seal = demo.batch.sealRegistrations.find((s) => s.residentId === demo.featured.ordinary && s.status === 'active')!;
      const error = await importError(store.importBatch({ sealRegistrations: [{ ...seal, registrationId: 'SEAL-NEW' }] }));
      expect(error.issues?.[0]?.path).toBe('sealRegistrations[0].status');
      const dup = await importError(store.importBatch({ residents: [demo.batch.residents[0]!, demo.batch.residents[0]!] }));
      expect(dup.issues?.[0]?.path).toBe('residents[1].residentId');
    });
  });

  describe('concurrent imports', () => {
    it('imports racing to add an active seal registration for one resident: exactly one wins each time', async () => {
      const database = await harness.fresh();
      await createMunicipalStore(database).importBatch(demo.batch);
      const other = harness.kind === 'postgres' ? await harness.openAnother(database) : database;
      // Warm both pools so neither import waits for a connection while the other runs.
      await Promise.all([database, other].map((d) => d.db.selectFrom('residents').select('resident_id').limit(1).execute()));
      const cancelled = demo.batch.sealRegistrations.filter((s) => s.status === 'cancelled').slice(0, 5);
      expect(cancelled.length).toBeGreaterThan(0);
      for (const seal of cancelled) {
        const fresh = (id: string) => ({
          ...seal,
          registrationId: id,
          registrationNumber: id,
          status: 'active' as const,
          cancelledOn: undefined,
          registeredOn: demo.referenceDate,
        });
        const results = await Promise.allSettled([
          createMunicipalStore(database).importBatch({ sealRegistrations: [fresh(`${seal.registrationId}-A`)] }),
          createMunicipalStore(other).importBatch({ sealRegistrations: [fresh(`${seal.registrationId}-B`)] }),
        ]);
        const active = await database.db
          .selectFrom('seal_registrations')
          .select('registration_id')
          .where('resident_id', '=', seal.residentId)
          .where('status', '=', 'active')
          .execute();
        const hadActive = demo.batch.sealRegistrations.some((s) => s.residentId === seal.residentId && s.status === 'active');
        expect(active).toHaveLength(1);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(hadActive ? 0 : 1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'IMPORT_INVALID' });
      }
    });
  });

  describe('card links', () => {
    it('finds the resident by (issuer, serial) and nobody for an unknown card', async () => {
      const store = createMunicipalStore(await harness.fresh());
      await store.importBatch(demo.batch);
      await store.importBatch({
        cardLinks: [{ residentId: demo.featured.ordinary, issuer: ISSUER, serialNumber: '0A1B2C', usableFrom: '2026-01-01' }],
      });
      expect((await store.findResidentByCard(ISSUER, '0A1B2C'))?.residentId).toBe(demo.featured.ordinary);
      expect(await store.findResidentByCard(ISSUER, '0A1B2D')).toBeNull();
      expect(await store.findResidentByCard('CN=Other CA', '0A1B2C')).toBeNull();
      // Relinking the card (a reissued card with the same serial cannot happen, but an upsert moves it).
      await store.importBatch({
        cardLinks: [{ residentId: demo.featured.chiyodaResident, issuer: ISSUER, serialNumber: '0A1B2C', usableFrom: '2026-01-01' }],
      });
      expect((await store.findResidentByCard(ISSUER, '0A1B2C'))?.residentId).toBe(demo.featured.chiyodaResident);
    });
  });

  describe('仮登録 (provisional records) never replace the last approved state', () => {
    const approved = demo.batch.residents.find((r) => r.residentId === demo.featured.ordinary)!;
    const entered = { ...approved, name: { ...approved.name, given: `新${approved.name.given}` } };
    const residenceRecord = (store: ReturnType<typeof createMunicipalStore>) =>
      store.loadCertificateData({ residentId: approved.residentId, certificateType: 'residenceRecord', options: {}, now });
    const nameShown = async (store: ReturnType<typeof createMunicipalStore>) => {
      const data = await residenceRecord(store);
      if (data.certificateType !== 'residenceRecord') throw new Error('wrong type');
      return data.members.find((m) => m.residentId === approved.residentId)!.name.given;
    };

    it('a provisional resident over an approved one is refused and kept aside; the approved data stands until approval', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      await store.importBatch(demo.batch);
      expect(await nameShown(store)).toBe(approved.name.given);

      await store.importBatch({ residents: [{ ...entered, recordState: 'provisional' }] });
      // Refused at once (the 仮登録 affects the very next issuance) …
      await expect(residenceRecord(store)).rejects.toMatchObject({ code: 'ELIGIBILITY_PROVISIONAL' });
      // … but the approved record is still there, only marked, and the entered one waits beside it.
      const stored = (await store.getResident(approved.residentId))!;
      expect(stored.recordState).toBe('provisional');
      expect(stored.name).toEqual(approved.name);
      expect((await pendingProvisional(database.db, 'resident', approved.residentId))?.name.given).toBe(entered.name.given);
      // A second provisional import (a correction during entry) still keeps the approved data.
      await store.importBatch({ residents: [{ ...entered, recordState: 'provisional', notifiedOn: '2026-10-01' }] });
      expect((await store.getResident(approved.residentId))!.name).toEqual(approved.name);
      expect((await pendingProvisional(database.db, 'resident', approved.residentId))?.notifiedOn).toBe('2026-10-01');

      // 本登録: the entered record imported as approved replaces the old one and is served.
      await store.importBatch({ residents: [{ ...entered, recordState: 'approved' }] });
      expect(await nameShown(store)).toBe(entered.name.given);
      expect(await pendingProvisional(database.db, 'resident', approved.residentId)).toBeNull();
    });

    it('a withdrawn 仮登録 (the approved record imported again) serves the approved data as before', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      await store.importBatch(demo.batch);
      await store.importBatch({ residents: [{ ...entered, recordState: 'provisional' }] });
      await store.importBatch({ residents: [approved] });
      expect(await nameShown(store)).toBe(approved.name.given);
      expect(await pendingProvisional(database.db, 'resident', approved.residentId)).toBeNull();
    });

    it('a resident never approved is stored as it comes and refused (nothing to keep aside)', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      await store.importBatch(demo.batch);
      const provisional = demo.batch.residents.find((r) => r.residentId === demo.featured.provisional)!;
      await store.importBatch({ residents: [{ ...provisional, notifiedOn: '2026-10-31' }] });
      expect((await store.getResident(provisional.residentId))?.notifiedOn).toBe('2026-10-31');
      expect(await pendingProvisional(database.db, 'resident', provisional.residentId)).toBeNull();
      await expect(
        store.loadCertificateData({ residentId: provisional.residentId, certificateType: 'residenceRecord', options: {}, now }),
      ).rejects.toMatchObject({ code: 'ELIGIBILITY_PROVISIONAL' });
    });

    it('a provisional family register keeps the approved register and its persons until approved', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      await store.importBatch(demo.batch);
      const register = demo.batch.familyRegisters.find((r) => r.persons.some((p) => p.residentId === approved.residentId))!;
      const enteredRegister = {
        ...register,
        registerEvents: [...register.registerEvents, ['【転籍日】', '令和8年11月1日'] as [string, string]],
        persons: register.persons.slice(0, 1),
      };
      const before = (await getFamilyRegister(database.db, register.registerId))!;

      await store.importBatch({ familyRegisters: [{ ...enteredRegister, recordState: 'provisional' }] });
      await expect(
        store.loadCertificateData({ residentId: approved.residentId, certificateType: 'familyRegisterFull', options: {}, now }),
      ).rejects.toMatchObject({ code: 'ELIGIBILITY_PROVISIONAL' });
      const held = (await getFamilyRegister(database.db, register.registerId))!;
      expect({ ...held, recordState: 'approved' }).toEqual(before);
      expect((await pendingProvisional(database.db, 'familyRegister', register.registerId))?.persons).toHaveLength(1);

      await store.importBatch({ familyRegisters: [{ ...enteredRegister, recordState: 'approved' }] });
      const data = await store.loadCertificateData({
        residentId: approved.residentId,
        certificateType: 'familyRegisterFull',
        options: {},
        now,
      });
      if (data.certificateType !== 'familyRegisterFull') throw new Error('wrong type');
      expect(data.register.registerEvents.at(-1)).toEqual(['【転籍日】', '令和8年11月1日']);
      expect(await pendingProvisional(database.db, 'familyRegister', register.registerId)).toBeNull();
    });
  });

  describe('residence record data', () => {
    it('prints the whole household in the standard order with the 旧氏 kept', async () => {
      const store = createMunicipalStore(await harness.fresh());
      await store.importBatch(demo.batch);
      const data = await store.loadCertificateData({
        residentId: demo.featured.formerSurname,
        certificateType: 'residenceRecord',
        options: {},
        now,
      });
      if (data.certificateType !== 'residenceRecord') throw new Error('wrong type');
      expect(data.wholeHousehold).toBe(true);
      const rels = data.members.map((m) => m.relationship);
      expect(rels[0]).toBe('世帯主');
      expect(['妻', '夫']).toContain(rels[1]);
      const children = data.members.filter((m) => m.relationship === '子');
      expect(children.map((c) => c.birthDate)).toEqual([...children.map((c) => c.birthDate)].sort());
      expect(data.members.find((m) => m.residentId === demo.featured.formerSurname)?.formerSurname).toBeTruthy();
      expect(data.household.householdId).toBe(data.members[0]!.householdId);
    });

    it('prints only the chosen members for scope "selected", and refuses someone from another household', async () => {
      const store = createMunicipalStore(await harness.fresh());
      await store.importBatch(demo.batch);
      const data = await store.loadCertificateData({
        residentId: demo.featured.ordinary,
        certificateType: 'residenceRecord',
        options: {
          residenceRecord: {
            scope: 'selected',
            memberIds: [demo.featured.formerSurname],
            form: 'household',
            householdHeadAndRelationship: true,
            domicile: false,
            myNumber: false,
            foreignResidentItems: true,
          },
        },
        now,
      });
      if (data.certificateType !== 'residenceRecord') throw new Error('wrong type');
      expect(data.members.map((m) => m.residentId)).toEqual([demo.featured.formerSurname]);
      expect(data.wholeHousehold).toBe(false);
      await expect(
        store.loadCertificateData({
          residentId: demo.featured.ordinary,
          certificateType: 'residenceRecord',
          options: {
            residenceRecord: {
              scope: 'selected',
              memberIds: [demo.featured.chiyodaResident],
              form: 'household',
              householdHeadAndRelationship: true,
              domicile: false,
              myNumber: false,
              foreignResidentItems: true,
            },
          },
          now,
        }),
      ).rejects.toMatchObject({ code: 'ELIGIBILITY_MEMBER_NOT_IN_HOUSEHOLD' });
    });

    it('leaves removed persons (死亡) out and refuses a household with a pending move-out', async () => {
      const store = createMunicipalStore(await harness.fresh());
      await store.importBatch(demo.batch);
      const data = await store.loadCertificateData({
        residentId: demo.featured.householdOfDeceased,
        certificateType: 'residenceRecord',
        options: {},
        now,
      });
      if (data.certificateType !== 'residenceRecord') throw new Error('wrong type');
      expect(data.members.map((m) => m.residentId)).not.toContain(demo.featured.deceased);
      expect(data.members.length).toBeGreaterThan(0);
      await expect(
        store.loadCertificateData({
          residentId: demo.featured.householdOfPendingMoveOut,
          certificateType: 'residenceRecord',
          options: {},
          now,
        }),
      ).rejects.toMatchObject({ code: 'ELIGIBILITY_PENDING_MOVE_OUT' });
    });

    it('carries the 個人番号 only when the 住民票 prints it', async () => {
      const store = createMunicipalStore(await harness.fresh());
      await store.importBatch(demo.batch);
      const request = (myNumber: boolean) =>
        store.loadCertificateData({
          residentId: demo.featured.ordinary,
          certificateType: 'residenceRecord',
          options: {
            residenceRecord: {
              scope: 'household',
              memberIds: [],
              form: 'household',
              householdHeadAndRelationship: true,
              domicile: false,
              myNumber,
              foreignResidentItems: true,
            },
          },
          now,
        });
      const without = await request(false);
      const withIt = await request(true);
      if (without.certificateType !== 'residenceRecord' || withIt.certificateType !== 'residenceRecord') throw new Error('wrong type');
      expect(without.members.every((m) => m.myNumber === '')).toBe(true);
      expect(withIt.members.every((m) => /^\d{12}$/.test(m.myNumber))).toBe(true);
      const seal = await store.loadCertificateData({
        residentId: demo.featured.ordinary,
        certificateType: 'sealCertificate',
        options: {},
        now,
      });
      expect(seal.certificateType === 'sealCertificate' && seal.resident.myNumber).toBe('');
    });

    it('householdMembers lists the printable members in order', async () => {
      const store = createMunicipalStore(await harness.fresh());
      await store.importBatch(demo.batch);
      const members = await store.householdMembers(demo.featured.ordinary);
      expect(members[0]?.relationship).toBe('世帯主');
      expect(members.map((m) => m.residentId)).toContain(demo.featured.under15);
    });
  });
});

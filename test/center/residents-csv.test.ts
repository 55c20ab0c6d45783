/**
 * CSV import on both databases: the demo world written as CSV imports to exactly the records the
 * JSON import gives; problems are reported as file:line:column and nothing is imported.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MadoguchiError } from '@madoguchi/shared';
import type { CenterDatabase } from '@madoguchi/center';
import { batchToCsv, createMunicipalStore } from '@madoguchi/center/residents';
import { forEachDatabase } from '../support/databases.js';
import { demo, demoNow } from '../support/demo-world.js';

const files = batchToCsv(demo.batch);

async function issuesOf(promise: Promise<unknown>): Promise<{ path: string; message: string }[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MadoguchiError);
  expect((error as MadoguchiError).code).toBe('IMPORT_INVALID');
  return [...((error as MadoguchiError).issues ?? [])];
}

/** Replace one cell (by column name) of one data line (2 = first data row) of a CSV text. */
function editCell(text: string, line: number, column: string, value: string): string {
  const lines = text.split('\r\n');
  const header = lines[0]!.split(',');
  const cells = lines[line - 1]!.split(',');
  cells[header.indexOf(column)] = value;
  lines[line - 1] = cells.join(',');
  return lines.join('\r\n');
}

forEachDatabase((harness) => {
  describe('CSV import', () => {
    let fromCsv: CenterDatabase;
    let fromJson: CenterDatabase;
    beforeAll(async () => {
      fromCsv = await harness.fresh();
      fromJson = await harness.fresh();
      await createMunicipalStore(fromJson).importBatch(demo.batch);
    });

    it('imports the demo world from CSV files to the same records as the JSON import', async () => {
      const report = await createMunicipalStore(fromCsv).importCsv(files);
      expect(report.counts).toEqual(Object.fromEntries(Object.entries(demo.batch).map(([k, v]) => [k, (v as unknown[]).length])));
      for (const table of [
        'residents',
        'households',
        'seal_registrations',
        'family_registers',
        'family_register_persons',
        'address_histories',
        'tax_records',
        'municipalities',
      ] as const) {
        const a = await fromCsv.db.selectFrom(table).select('data').execute();
        const b = await fromJson.db.selectFrom(table).select('data').execute();
        const sort = (rows: { data: string }[]) =>
          rows.map((r) => JSON.parse(r.data) as unknown).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
        expect([table, sort(a)]).toEqual([table, sort(b)]);
      }
      const data = await createMunicipalStore(fromCsv).loadCertificateData({
        residentId: demo.featured.multiPageFamilyRegister,
        certificateType: 'familyRegisterFull',
        options: {},
        now: demoNow,
      });
      if (data.certificateType !== 'familyRegisterFull') throw new Error('wrong type');
      expect(data.persons.length).toBeGreaterThanOrEqual(9);
      expect(data.persons.some((p) => p.events.some((e) => e.details.length > 0))).toBe(true);
    });

    it('reports bad cells as file:line:column and imports nothing', async () => {
      const database = await harness.fresh();
      const broken = {
        ...files,
        'residents.csv': editCell(editCell(files['residents.csv']!, 14, 'birthDate', '2001-02-30'), 20, 'sex', 'x'),
        'tax_records.csv': editCell(files['tax_records.csv']!, 3, 'municipalTax', '12,5'.replace(',', '.')),
      };
      const issues = await issuesOf(createMunicipalStore(database).importCsv(broken));
      expect(issues.map((i) => i.path)).toEqual(
        expect.arrayContaining(['residents.csv:14:birthDate', 'residents.csv:20:sex', 'tax_records.csv:3:municipalTax']),
      );
      const count = await database.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('reports nested rows (persons, events, tax amounts) at their own file and line', async () => {
      const database = await harness.fresh();
      const broken = {
        ...files,
        'family_register_persons.csv': editCell(files['family_register_persons.csv']!, 5, 'birthDate', 'yesterday'),
        'family_register_events.csv': editCell(files['family_register_events.csv']!, 4, 'kind', 'party'),
        'tax_amounts.csv': editCell(files['tax_amounts.csv']!, 2, 'section', 'bonus'),
      };
      const issues = await issuesOf(createMunicipalStore(database).importCsv(broken));
      expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['tax_amounts.csv:2:section']));
      // Schema issues are found once the rows are assembled; fix the structural one to see them.
      const issues2 = await issuesOf(createMunicipalStore(database).importCsv({ ...broken, 'tax_amounts.csv': files['tax_amounts.csv']! }));
      expect(issues2.map((i) => i.path)).toEqual(
        expect.arrayContaining(['family_register_persons.csv:5:birthDate', 'family_register_events.csv:4:kind']),
      );
    });

    it('reports references to unknown records with the row that makes them', async () => {
      const store = createMunicipalStore(await harness.fresh());
      await store.importCsv({ 'municipalities.csv': files['municipalities.csv']! });
      const households = files['households.csv']!.split('\r\n').slice(0, 2).join('\r\n');
      const issues = await issuesOf(store.importCsv({ 'households.csv': households }));
      expect(issues).toEqual([expect.objectContaining({ path: 'households.csv:2:householdHeadId' })]);
      const orphan = 'registerId,personId,eventNo,label,value\r\nNO-REG,P1,1,出生日,令和元年\r\n';
      expect((await issuesOf(store.importCsv({ 'family_register_event_details.csv': orphan })))[0]?.path).toBe(
        'family_register_event_details.csv:2:eventNo',
      );
    });

    it('checks headers: unknown and missing columns, unknown files, ragged rows and quoting', async () => {
      const store = createMunicipalStore(await harness.fresh());
      const issues = await issuesOf(
        store.importCsv({
          'card_links.csv': 'residentId,issuer,serial,usableFrom\r\nR1,CN=x,AB,2026-01-01\r\nR2,CN=y\r\n',
          'people.csv': 'a\r\n1\r\n',
          'protection_measures.csv': 'measureId,residentId,from\r\n"M1,R1,2026-01-01\r\n',
        }),
      );
      expect(issues.map((i) => i.path)).toEqual(
        expect.arrayContaining([
          'card_links.csv:1:serial',
          'card_links.csv:1:serialNumber',
          'card_links.csv:3',
          'people.csv',
          'protection_measures.csv:2',
        ]),
      );
    });

    it('imports a cancellation given as a one-line CSV, and the next certificate sees it', async () => {
      const database = await harness.fresh();
      const store = createMunicipalStore(database);
      await store.importCsv(files);
      const seal = demo.batch.sealRegistrations.find((s) => s.residentId === demo.featured.ordinary && s.status === 'active')!;
      const single = batchToCsv({
        ...emptyBatch(),
        sealRegistrations: [{ ...seal, status: 'cancelled', cancelledOn: demo.referenceDate }],
      });
      await store.importCsv(single);
      await expect(
        store.loadCertificateData({ residentId: demo.featured.ordinary, certificateType: 'sealCertificate', options: {}, now: demoNow }),
      ).rejects.toMatchObject({
        code: 'ELIGIBILITY_NO_SEAL_REGISTRATION',
      });
    });
  });
});

function emptyBatch() {
  return {
    municipalities: [],
    households: [],
    residents: [],
    sealRegistrations: [],
    familyRegisters: [],
    addressHistories: [],
    taxRecords: [],
    protectionMeasures: [],
    issuanceBlocks: [],
    cardLinks: [],
  };
}

/**
 * docs/misissuance.md#r5: a cancelled seal registration, a move, a death, a protection measure
 * or a 仮登録 affects the very next issuance. Kiosk-like loops run eligibility + loadCertificateData
 * while an import commits the change (on PostgreSQL through a second connection pool, as another
 * center process would; on both also from a separate import-CLI process); every call that starts
 * after the import has returned must be refused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { MadoguchiError, type CertificateType, type ErrorCode, type MunicipalDataBatchInput } from '@madoguchi/shared';
import type { CenterDatabase } from '@madoguchi/center';
import { checkEligibility } from '@madoguchi/center/eligibility';
import { createMunicipalStore } from '@madoguchi/center/residents';
import { forEachDatabase } from '../support/databases.js';
import { demo, demoNow, demoWorldFactory } from '../support/demo-world.js';

const f = demo.featured;
const resident = (id: string) => demo.batch.residents.find((r) => r.residentId === id)!;
const KIOSKS = 4;

interface Case {
  name: string;
  residentId: string;
  certificateType: CertificateType;
  change: MunicipalDataBatchInput;
  code: ErrorCode;
}

const cases: Case[] = [
  {
    name: 'a cancelled seal registration (廃止)',
    residentId: f.ordinary,
    certificateType: 'sealCertificate',
    change: {
      sealRegistrations: demo.batch.sealRegistrations
        .filter((s) => s.residentId === f.ordinary && s.status === 'active')
        .map((s) => ({ ...s, status: 'cancelled' as const, cancelledOn: demo.referenceDate })),
    },
    code: 'ELIGIBILITY_NO_SEAL_REGISTRATION',
  },
  {
    name: 'a move-out (転出)',
    residentId: f.ordinary,
    certificateType: 'residenceRecord',
    change: { residents: [{ ...resident(f.ordinary), status: 'movedOut', statusChangedOn: demo.referenceDate }] },
    code: 'ELIGIBILITY_MOVED_OUT',
  },
  {
    name: 'a death',
    residentId: f.chiyodaResident,
    certificateType: 'sealCertificate',
    change: { residents: [{ ...resident(f.chiyodaResident), status: 'deceased', statusChangedOn: demo.referenceDate }] },
    code: 'ELIGIBILITY_DECEASED',
  },
  {
    name: 'a protection measure (支援措置) on a household member',
    residentId: f.ordinary,
    certificateType: 'residenceRecord',
    change: { protectionMeasures: [{ measureId: 'PM-FRESH', residentId: f.formerSurname, from: demo.referenceDate }] },
    code: 'ELIGIBILITY_RESTRICTED',
  },
  {
    name: 'a record put back into 仮登録',
    residentId: f.okutamaResident,
    certificateType: 'residenceRecord',
    change: { residents: [{ ...resident(f.okutamaResident), recordState: 'provisional' }] },
    code: 'ELIGIBILITY_PROVISIONAL',
  },
];

type Outcome = { startedAfterCommit: boolean; eligibility: string; data: string };

async function kiosk(database: CenterDatabase, c: Case, state: { committed: boolean; stop: boolean }, out: Outcome[]): Promise<void> {
  const store = createMunicipalStore(database);
  while (!state.stop) {
    const startedAfterCommit = state.committed;
    const decision = await checkEligibility({
      database,
      residentId: c.residentId,
      certificateType: c.certificateType,
      options: {},
      copies: 1,
      now: demoNow,
      printableCheck: null,
    });
    // The document is made in a separate step (after payment); it must re-check on its own read.
    const dataStartedAfterCommit = state.committed;
    let data: string;
    try {
      const loaded = await store.loadCertificateData({
        residentId: c.residentId,
        certificateType: c.certificateType,
        options: {},
        now: demoNow,
      });
      data = loaded.certificateType === 'sealCertificate' ? `ok:${loaded.registration.status}` : 'ok';
    } catch (error) {
      if (!(error instanceof MadoguchiError)) throw error;
      data = error.code;
    }
    out.push({
      startedAfterCommit,
      eligibility: decision.ok ? 'ok' : decision.code,
      data: dataStartedAfterCommit ? data : `before:${data}`,
    });
    // better-sqlite3 answers synchronously, so without a macrotask turn the loops would starve the
    // timers (and the importer); a real kiosk request has network time here anyway.
    await new Promise((r) => setImmediate(r));
  }
}

forEachDatabase((harness) => {
  const seeded = demoWorldFactory(harness);
  let first: CenterDatabase;
  beforeAll(async () => {
    first = await seeded();
  });

  describe('data freshness under concurrent issuance', () => {
    for (const c of cases) {
      it(`${c.name} stops the very next issuance (${c.code})`, async () => {
        const database = await seeded();
        // The importer is another handle on PostgreSQL (another center process); SQLite's single
        // in-process connection serialises the import with the reads on the same handle.
        const importer = harness.kind === 'postgres' ? await harness.openAnother(database) : database;
        const state = { committed: false, stop: false };
        const outcomes: Outcome[] = [];
        const loops = Array.from({ length: KIOSKS }, () => kiosk(database, c, state, outcomes));

        while (outcomes.length < 3 * KIOSKS) await new Promise((r) => setTimeout(r, 2));
        await createMunicipalStore(importer).importBatch(c.change);
        state.committed = true;
        const after = outcomes.length;
        while (outcomes.length < after + 6 * KIOSKS) await new Promise((r) => setTimeout(r, 2));
        state.stop = true;
        await Promise.all(loops);

        const before = outcomes.filter((o) => !o.startedAfterCommit);
        const afterCommit = outcomes.filter((o) => o.startedAfterCommit);
        expect(before.some((o) => o.eligibility === 'ok')).toBe(true); // the loop did issue before
        expect(afterCommit.length).toBeGreaterThanOrEqual(5 * KIOSKS);
        for (const o of afterCommit) expect(o).toEqual({ startedAfterCommit: true, eligibility: c.code, data: c.code });
        // A document started after the commit never shows the old state, even when its eligibility
        // was decided before the commit.
        for (const o of outcomes.filter((x) => !x.data.startsWith('before:'))) expect(o.data).toBe(c.code);
      });
    }

    it('a cancellation imported by another process (the import CLI) stops the next issuance in this one', async () => {
      const database = await seeded();
      const c = cases[0]!;
      const dir = mkdtempSync(join(tmpdir(), 'madoguchi-fresh-'));
      const changeFile = join(dir, 'change.json');
      writeFileSync(changeFile, JSON.stringify(c.change));
      const config = harness.configOf(database);
      const state = { committed: false, stop: false };
      const outcomes: Outcome[] = [];
      const loops = Array.from({ length: KIOSKS }, () => kiosk(database, c, state, outcomes));
      try {
        const root = join(import.meta.dirname, '../..');
        await promisify(execFile)(
          process.execPath,
          [
            '--import',
            'tsx',
            join(root, 'apps/center/src/cli/import.ts'),
            '--database',
            config.kind === 'sqlite' ? config.path : config.connectionString,
            'json',
            changeFile,
          ],
          { cwd: root },
        );
        state.committed = true;
        const after = outcomes.length;
        while (outcomes.length < after + 6 * KIOSKS) await new Promise((r) => setTimeout(r, 2));
      } finally {
        state.stop = true;
        await Promise.all(loops);
        rmSync(dir, { recursive: true, force: true });
      }
      expect(outcomes.some((o) => !o.startedAfterCommit && o.eligibility === 'ok')).toBe(true);
      for (const o of outcomes.filter((x) => x.startedAfterCommit))
        expect(o).toEqual({ startedAfterCommit: true, eligibility: c.code, data: c.code });
    });

    it('each case has its own copy of the demo world: the first copy is untouched', async () => {
      const decision = await checkEligibility({
        database: first,
        residentId: f.ordinary,
        certificateType: 'sealCertificate',
        options: {},
        copies: 1,
        now: demoNow,
        printableCheck: null,
      });
      expect(decision.ok).toBe(true);
    });
  });
});

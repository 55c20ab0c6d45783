/**
 * The municipality pages' console API over real TLS on both databases (issue 11, H2): fees with
 * effective dates seen at the kiosk on their day, hours, outages seen at the kiosk at once, head
 * and seal, previews that say 見本 and that /verify refuses, the 本籍地 queue whose approval opens
 * 戸籍 at the kiosk, offerings and their options as the kiosk's menu and quote see them, scope
 * (another municipality's ids find nothing), and the history of every change with the staff id and
 * before/after. One center per database, each role signed in once, one virtual card per resident.
 */
import { Agent, request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticateResponse, ConsoleBody, MunicipalityOverview } from '@madoguchi/shared';
import { drawSealPng } from '@madoguchi/shared/demo-data';
import { forEachDatabase } from '../support/databases.js';
import { pageTexts } from '../rendering/support/pdf-text.js';
import { newKey, ok, refusalOf, TEST_NOW, type TestCard, type TestKiosk } from './support/center-harness.js';
import { startConsoleCenter, type ConsoleCenter, type ConsoleClient, type StaffAccount } from './support/console-harness.js';

const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;
const YOKOHAMA = '141003';
const CHIYODA = '131016';
const DAY = 24 * 60 * 60 * 1000;
type OfferingSettings = ConsoleBody<'putOfferings'>['offerings'][number];

forEachDatabase((databases) => {
  describe('console: municipality pages', () => {
    let con: ConsoleCenter;
    let admin: ConsoleClient;
    let yokohamaClerk: ConsoleClient;
    let chiyodaClerk: ConsoleClient;
    let kiosk: TestKiosk;
    let adminAccount: StaffAccount;

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh(), { build: { sweeper: false } });
      const accounts = await Promise.all([
        con.createStaffAccount({ role: 'municipalityAdministrator', municipalityCode: YOKOHAMA }),
        con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: YOKOHAMA }),
        con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: CHIYODA }),
      ]);
      adminAccount = accounts[0];
      [admin, yokohamaClerk, chiyodaClerk] = await Promise.all([con.signIn(accounts[0]), con.signIn(accounts[1]), con.signIn(accounts[2])]);
      kiosk = await con.center.enrollKiosk();
    }, 60_000);
    afterAll(() => con?.close());

    // A card's RSA key is the dearest thing a test makes here: each resident gets one, used for every session.
    const cards = new Map<string, Promise<TestCard>>();
    const cardOf = (residentId: string) =>
      cards.get(residentId) ?? cards.set(residentId, con.center.issueCard(residentId)).get(residentId)!;
    const session = async (residentId: string) => ok(await con.center.authenticate(kiosk, await cardOf(residentId)));
    const menuItem = (s: AuthenticateResponse, type: string) => s.menu.find((m) => m.certificateType === type)!;
    const overview = async () => (await admin.call('overview', { params: { municipalityCode: YOKOHAMA } })).body as MunicipalityOverview;
    const stored = async () => {
      const db = con.center.database.db;
      const policy = await db
        .selectFrom('municipality_policies')
        .select('data')
        .where('municipality_code', '=', YOKOHAMA)
        .executeTakeFirst();
      const municipality = await db.selectFrom('municipalities').select('data').where('code', '=', YOKOHAMA).executeTakeFirst();
      const history = await db.selectFrom('audit_events').select('seq').execute();
      return { policy: policy?.data, municipality: municipality?.data, history: history.length };
    };
    const lastChange = async () => {
      const row = await con.center.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('event', '=', 'configuration_changed')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      return { municipality: row.municipality_code, detail: JSON.parse(row.detail_json!) as Record<string, unknown> };
    };

    it('schedules a fee for tomorrow: today’s kiosk quote charges the old fee, tomorrow’s the new one', async () => {
      const ordinary = con.center.demo.featured.ordinary;
      const before = (await overview()).offerings.find((o) => o.certificateType === 'residenceRecord')!;
      expect(before.feeTodayYen).toBe(300);
      const res = await admin.call('scheduleFee', {
        params: { municipalityCode: YOKOHAMA },
        body: { certificateType: 'residenceRecord', effectiveFrom: '2026-11-25', feeYen: 280 },
      });
      expect(res.status).toBe(200);
      const fees = (res.body as MunicipalityOverview).offerings.find((o) => o.certificateType === 'residenceRecord')!.fees;
      expect(fees.map((f) => [f.effectiveFrom, f.state])).toEqual([
        ['2020-04-01', 'inForce'],
        ['2026-11-25', 'scheduled'],
        ['2026-12-01', 'scheduled'],
      ]);
      expect(await lastChange()).toMatchObject({ municipality: YOKOHAMA, detail: { staffId: admin.me!.staffId, section: 'fees' } });

      const today = ok(await con.center.quote(kiosk, (await session(ordinary)).sessionId));
      expect(today.feeYen).toBe(300);
      con.center.clock.advance(DAY);
      try {
        const tomorrow = ok(await con.center.quote(kiosk, (await session(ordinary)).sessionId));
        expect(tomorrow.feeYen).toBe(280);
        // A day ends every console session; the others, unused meanwhile, are still good once the clock is back.
        const nextDayAdmin = await con.signIn(adminAccount);
        // In force now: no longer cancellable.
        const late = await nextDayAdmin.call('cancelFee', {
          params: { municipalityCode: YOKOHAMA },
          body: { certificateType: 'residenceRecord', effectiveFrom: '2026-11-25' },
        });
        expect([late.status, codeOf(late.body)]).toEqual([409, 'FEE_CHANGE_NOT_CANCELLABLE']);
      } finally {
        con.center.clock.set(TEST_NOW);
      }
    });

    it('cancels a scheduled fee before it takes effect', async () => {
      const cancelled = await admin.call('cancelFee', {
        params: { municipalityCode: YOKOHAMA },
        body: { certificateType: 'residenceRecord', effectiveFrom: '2026-12-01' },
      });
      expect(cancelled.status).toBe(200);
      const fees = (cancelled.body as MunicipalityOverview).offerings.find((o) => o.certificateType === 'residenceRecord')!.fees;
      expect(fees.map((f) => f.effectiveFrom)).not.toContain('2026-12-01');
      expect((await lastChange()).detail).toMatchObject({
        section: 'fees',
        before: { fees: expect.arrayContaining([{ effectiveFrom: '2026-12-01', feeYen: 250 }]) },
      });
    });

    it('refuses invalid fees with the field, and saves nothing', async () => {
      const before = await stored();
      for (const feeYen of [-1, 1.5, 10_001, '300'] as unknown as number[]) {
        const res = await admin.call('scheduleFee', {
          params: { municipalityCode: YOKOHAMA },
          body: { certificateType: 'residenceRecord', effectiveFrom: '2026-12-10', feeYen },
        });
        expect([res.status, codeOf(res.body)]).toEqual([400, 'INPUT_INVALID']);
        expect(JSON.stringify(res.body)).toContain('feeYen');
      }
      const past = await admin.call('scheduleFee', {
        params: { municipalityCode: YOKOHAMA },
        body: { certificateType: 'residenceRecord', effectiveFrom: '2026-11-24', feeYen: 200 },
      });
      expect([past.status, codeOf(past.body)]).toEqual([400, 'INPUT_INVALID']);
      expect(await stored()).toEqual(before);
    });

    it('refuses overlapping hours naming both ranges, and an end before the start', async () => {
      const before = await stored();
      const overlapping = await admin.call('putHours', {
        params: { municipalityCode: YOKOHAMA },
        body: {
          target: 'sealCertificate',
          hours: [
            { weekdays: [1, 2], from: '09:00', to: '17:00', closedOnHolidays: false },
            { weekdays: [2], from: '16:00', to: '20:00', closedOnHolidays: false },
          ],
        },
      });
      expect([overlapping.status, codeOf(overlapping.body)]).toEqual([400, 'INPUT_INVALID']);
      expect(JSON.stringify(overlapping.body)).toContain('火 09:00–17:00 と 火 16:00–20:00');
      const backwards = await admin.call('putHours', {
        params: { municipalityCode: YOKOHAMA },
        body: { target: 'sealCertificate', hours: [{ weekdays: [1], from: '18:00', to: '09:00', closedOnHolidays: false }] },
      });
      expect([backwards.status, codeOf(backwards.body)]).toEqual([400, 'INPUT_INVALID']);
      expect(await stored()).toEqual(before);

      const hours = [{ weekdays: [1, 2, 3, 4, 5], from: '08:30', to: '19:00', closedOnHolidays: true }];
      const saved = await admin.call('putHours', { params: { municipalityCode: YOKOHAMA }, body: { target: 'sealCertificate', hours } });
      expect(saved.status).toBe(200);
      expect((await lastChange()).detail).toMatchObject({ section: 'hours', after: { target: 'sealCertificate', hours } });
    });

    it('an outage in progress shows at the kiosk at once; ending it makes the type available again', async () => {
      const ordinary = con.center.demo.featured.ordinary;
      const now = con.center.clock.now();
      const past = await admin.call('declareOutage', {
        params: { municipalityCode: YOKOHAMA },
        body: { from: new Date(now.getTime() - 2 * DAY).toISOString(), until: now.toISOString(), certificateTypes: null, reason: '点検' },
      });
      expect([past.status, codeOf(past.body)]).toEqual([400, 'INPUT_INVALID']);

      const declared = await admin.call('declareOutage', {
        params: { municipalityCode: YOKOHAMA },
        body: {
          from: now.toISOString(),
          until: new Date(now.getTime() + DAY).toISOString(),
          certificateTypes: ['residenceRecord'],
          reason: '保守',
        },
      });
      expect(declared.body).toMatchObject({ state: 'inProgress', certificateTypes: ['residenceRecord'] });
      const outageId = (declared.body as { outageId: string }).outageId;
      expect(menuItem(await session(ordinary), 'residenceRecord')).toMatchObject({ available: false, refusal: 'ELIGIBILITY_OUTAGE' });

      // 奥多摩町's outage id under 横浜市's path: not found, and 奥多摩町's outage stays.
      const foreign = await admin.call('endOutage', {
        params: { municipalityCode: YOKOHAMA, outageId: 'okutama-2027-migration' },
        body: {},
      });
      expect([foreign.status, codeOf(foreign.body)]).toEqual([404, 'NOT_FOUND']);

      const ended = await admin.call('endOutage', { params: { municipalityCode: YOKOHAMA, outageId }, body: {} });
      expect(ended.body).toMatchObject({ outageId, until: now.toISOString(), state: 'ended' });
      expect(menuItem(await session(ordinary), 'residenceRecord')).toMatchObject({ available: true });
    });

    it('updates the head and the seal; refuses what is not a whole PNG, saving nothing', async () => {
      const head = await admin.call('putHead', {
        params: { municipalityCode: YOKOHAMA },
        body: { title: '市長', name: '見本 一郎', sealNote: 'この印は黒色です' },
      });
      expect((head.body as MunicipalityOverview).head).toEqual({ title: '市長', name: '見本 一郎' });
      expect((await lastChange()).detail).toMatchObject({ section: 'head', after: { title: '市長', name: '見本 一郎' } });

      const png = Buffer.from(drawSealPng({ size: 200, shape: 'square', seed: 7, ink: 0.9 }), 'base64');
      const before = await stored();
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), png.subarray(4)]);
      for (const bad of [Buffer.from('not an image at all'), png.subarray(0, png.length - 30), jpeg, Buffer.alloc(600 * 1024, 1)]) {
        const res = await admin.call('putSeal', {
          params: { municipalityCode: YOKOHAMA },
          body: { imageBase64: bad.toString('base64'), sizeMm: 21 },
        });
        expect([400, 422]).toContain(res.status);
        expect(['SEAL_IMAGE_INVALID', 'INPUT_INVALID']).toContain(codeOf(res.body));
      }
      const tooWide = await admin.call('putSeal', {
        params: { municipalityCode: YOKOHAMA },
        body: { imageBase64: png.toString('base64'), sizeMm: 26 },
      });
      expect([tooWide.status, codeOf(tooWide.body)]).toEqual([400, 'INPUT_INVALID']);
      expect(await stored()).toEqual(before);

      const saved = await admin.call('putSeal', {
        params: { municipalityCode: YOKOHAMA },
        body: { imageBase64: png.toString('base64'), sizeMm: 20 },
      });
      expect(saved.body).toMatchObject({ sizeMm: 20, widthPx: 200, heightPx: 200 });
      const sha256 = (saved.body as { sha256: string }).sha256;
      expect((await overview()).sealSha256).toBe(sha256);
      const change = await lastChange();
      expect(change.detail).toMatchObject({ section: 'seal', after: { sha256, sizeMm: 20 } });
      expect(JSON.stringify(change.detail)).not.toContain(png.toString('base64').slice(0, 40));
    });

    it('previews a certificate marked 見本 with the head’s name, which /verify does not accept', async () => {
      const res = await yokohamaClerk.call('preview', { params: { municipalityCode: YOKOHAMA, certificateType: 'residenceRecord' } });
      expect(res.status).toBe(200);
      const pdf = Buffer.from((res.body as { pdfBase64: string }).pdfBase64, 'base64');
      const texts = await pageTexts(pdf);
      for (const text of texts) expect(text).toContain('見本');
      expect(texts.at(-1)).toContain('見本一郎');
      const verified = await upload(con, pdf);
      expect(verified.body).not.toMatchObject({ authentic: true });

      const sealPreview = await admin.call('previewSeal', {
        params: { municipalityCode: YOKOHAMA },
        body: { imageBase64: drawSealPng({ size: 120, shape: 'round', seed: 3, ink: 0.8 }), sizeMm: 15 },
      });
      expect(sealPreview.status).toBe(200);
    });

    it('本籍地 queue: another municipality’s id is not found; approval puts 戸籍 on the kiosk menu; twice is CONFLICT', async () => {
      const residentId = con.center.demo.featured.domicileInOtherServedMunicipality;
      const applied = ok(
        await kiosk.call('applyDomicileRegistration', {
          body: { idempotencyKey: newKey(), sessionId: (await session(residentId)).sessionId },
        }),
      );
      const queue = await chiyodaClerk.call('domicileRegistrations', {
        params: { municipalityCode: CHIYODA },
        query: { status: 'pending' },
      });
      const entry = (queue.body as { registrations: { registrationId: string; applicant: { name: string } }[] }).registrations.find(
        (r) => r.registrationId === applied.registrationId,
      )!;
      expect(entry.applicant.name.length).toBeGreaterThan(0);

      const foreign = await yokohamaClerk.call('approveDomicileRegistration', {
        params: { municipalityCode: YOKOHAMA, registrationId: applied.registrationId },
        body: {},
      });
      expect([foreign.status, codeOf(foreign.body)]).toEqual([404, 'NOT_FOUND']);

      const approved = await chiyodaClerk.call('approveDomicileRegistration', {
        params: { municipalityCode: CHIYODA, registrationId: applied.registrationId },
        body: {},
      });
      expect(approved.body).toMatchObject({ status: 'approved', decidedBy: chiyodaClerk.me!.staffId });
      expect(menuItem(await session(residentId), 'familyRegisterFull')).toMatchObject({ available: true });
      const again = await chiyodaClerk.call('rejectDomicileRegistration', {
        params: { municipalityCode: CHIYODA, registrationId: applied.registrationId },
        body: { reason: '重複' },
      });
      expect([again.status, codeOf(again.body)]).toEqual([409, 'CONFLICT']);
    });

    it('offerings: a type switched off leaves the kiosk menu and comes back; options reach the quote; a type twice refused', async () => {
      const ordinary = con.center.demo.featured.ordinary;
      const current = (await overview()).offerings.find((o) => o.certificateType === 'residenceRecord')!;
      const settings: OfferingSettings = {
        certificateType: 'residenceRecord',
        enabled: current.enabled,
        allowMyNumber: current.allowMyNumber,
        allowDomicile: current.allowDomicile,
        maxCopies: current.maxCopies,
        taxYears: current.taxYears,
      };
      const put = (offerings: OfferingSettings[]) =>
        admin.call('putOfferings', { params: { municipalityCode: YOKOHAMA }, body: { offerings } });
      const myNumber = { residenceRecord: { myNumber: true } } as const;

      const before = await stored();
      const twice = await put([settings, { ...settings, enabled: false }]);
      expect([twice.status, codeOf(twice.body)]).toEqual([400, 'INPUT_INVALID']);
      expect(JSON.stringify(twice.body)).toContain('offerings[1].certificateType');
      expect(await stored()).toEqual(before);

      expect((await put([{ ...settings, enabled: false }])).status).toBe(200);
      const off = await session(ordinary);
      expect(menuItem(off, 'residenceRecord')).toMatchObject({ available: false, refusal: 'ELIGIBILITY_TYPE_NOT_OFFERED' });
      expect(refusalOf(await con.center.quote(kiosk, off.sessionId)).code).toBe('ELIGIBILITY_TYPE_NOT_OFFERED');
      expect((await lastChange()).detail).toMatchObject({
        staffId: admin.me!.staffId,
        section: 'offerings',
        before: expect.arrayContaining([expect.objectContaining({ certificateType: 'residenceRecord', enabled: true })]),
        after: expect.arrayContaining([expect.objectContaining({ certificateType: 'residenceRecord', enabled: false })]),
      });

      const changed = await put([{ ...settings, enabled: true, allowMyNumber: false }]);
      expect((changed.body as MunicipalityOverview).offerings.find((o) => o.certificateType === 'residenceRecord')!.fees.length).toBe(
        current.fees.length,
      );
      const on = await session(ordinary);
      expect(menuItem(on, 'residenceRecord')).toMatchObject({ available: true, allowMyNumber: false });
      expect(ok(await con.center.quote(kiosk, on.sessionId)).feeYen).toBe(300);
      const refused = refusalOf(await con.center.quote(kiosk, on.sessionId, { options: myNumber }));
      expect(refused).toEqual({ status: 403, code: 'ELIGIBILITY_OPTION_NOT_ALLOWED' });
      await put([{ ...settings, enabled: true, allowMyNumber: true }]);
      expect(menuItem(await session(ordinary), 'residenceRecord')).toMatchObject({ available: true, allowMyNumber: true });
      expect(ok(await con.center.quote(kiosk, on.sessionId, { options: myNumber })).certificateType).toBe('residenceRecord');
    });

    it('history: the municipality’s rows newest first with the staff id and before/after, a page at a time', async () => {
      type Page = {
        entries: { sequence: number; event: string; staffId: string | null; detail: Record<string, unknown> }[];
        nextBefore: number;
      };
      const all = (await admin.call('history', { params: { municipalityCode: YOKOHAMA }, query: { limit: 200 } })).body as Page;
      const sections = all.entries.filter((e) => e.event === 'configuration_changed').map((e) => [e.detail.section, e.staffId]);
      expect(sections).toEqual([
        ['offerings', admin.me!.staffId],
        ['offerings', admin.me!.staffId],
        ['offerings', admin.me!.staffId],
        ['seal', admin.me!.staffId],
        ['head', admin.me!.staffId],
        ['outages', admin.me!.staffId],
        ['outages', admin.me!.staffId],
        ['hours', admin.me!.staffId],
        ['fees', admin.me!.staffId],
        ['fees', admin.me!.staffId],
      ]);
      // Only this municipality's rows: 千代田区's approval is not among them.
      expect(all.entries.some((e) => e.event === 'domicile_registration_approved')).toBe(false);

      const first = (await admin.call('history', { params: { municipalityCode: YOKOHAMA }, query: { limit: 3 } })).body as Page;
      const next = (await admin.call('history', { params: { municipalityCode: YOKOHAMA }, query: { before: first.nextBefore, limit: 3 } }))
        .body as Page;
      const sequences = [...first.entries, ...next.entries].map((e) => e.sequence);
      expect(sequences).toEqual(all.entries.slice(0, 6).map((e) => e.sequence));
    });
  });
});

/** POST /verify/document as anyone does it. */
function upload(con: ConsoleCenter, pdf: Uint8Array): Promise<{ status: number; body: unknown }> {
  const agent = new Agent({ ca: con.center.caPem });
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${con.center.baseUrl}/verify/document`,
      { method: 'POST', agent, headers: { 'content-type': 'application/pdf', 'content-length': pdf.byteLength } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          agent.destroy();
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        });
      },
    );
    req.on('error', reject);
    req.end(pdf);
  });
}

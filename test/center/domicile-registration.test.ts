/**
 * Acceptance 4, the 本籍地 registration workflow from the kiosk, over real mutual TLS on both
 * databases: a resident whose 本籍 is in another municipality applies from their session
 * (kioskApi.applyDomicileRegistration, idempotency key), the 本籍地 approves through the policy
 * CLI, and the 戸籍 certificates of that municipality then appear in their kiosk menu. Each refusal
 * carries its own catalog code. The application and the decision are in the hash-chained history,
 * written with them (when, store and terminal, resident id, 本籍地; never a name).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH, kioskPath, type AuthenticateResponse } from '@madoguchi/shared';
import { verifyAuditChain } from '@madoguchi/center';
import { forEachDatabase } from '../support/databases.js';
import { httpsClient, newKey, ok, refusalOf, startCenter, TEST_NOW, type CenterHarness, type TestKiosk } from './support/center-harness.js';

const root = join(__dirname, '../..');
const CHIYODA = '131016';

forEachDatabase((harness) => {
  describe('本籍地 registration from a kiosk', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;

    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
      kiosk = await center.enrollKiosk();
    });
    afterAll(() => center?.close());

    const signIn = async (residentId: string, k: TestKiosk = kiosk) => {
      return ok(await center.authenticate(k, await center.issueCard(residentId)));
    };
    const apply = (sessionId: string, idempotencyKey = newKey(), k: TestKiosk = kiosk) =>
      k.call('applyDomicileRegistration', { body: { idempotencyKey, sessionId } });
    const historyOf = async (registrationId: string) =>
      (
        await center.database.db
          .selectFrom('audit_events')
          .selectAll()
          .where('event', 'like', 'domicile_registration_%')
          .orderBy('seq')
          .execute()
      ).filter((r) => (JSON.parse(r.detail_json ?? '{}') as { registrationId?: string }).registrationId === registrationId);
    const domicileRows = async () =>
      (await center.database.db.selectFrom('audit_events').select('seq').where('event', 'like', 'domicile_registration_%').execute())
        .length;
    const familyRegister = (session: AuthenticateResponse) => session.menu.find((m) => m.certificateType === 'familyRegisterFull')!;
    const policyCli = async (...args: string[]) => {
      const config = harness.configOf(center.database);
      const url = config.kind === 'sqlite' ? config.path : config.connectionString;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', join(root, 'apps/center/src/cli/policy.ts'), '--database', url, ...args],
        { cwd: root, encoding: 'utf8' },
      );
      return stdout;
    };

    it('refuses outside the 本籍地’s hours for registrations, and says so at authentication', async () => {
      const residentId = center.demo.featured.domicileInOtherServedMunicipality;
      // Saturday 2026-11-28 10:00 in Japan: 千代田区 takes registrations on weekdays only.
      center.clock.set(new Date('2026-11-28T01:00:00Z'));
      try {
        const session = await signIn(residentId);
        expect(session.domicileRegistration).toMatchObject({ status: 'notApplied', canApply: false, refusal: 'ELIGIBILITY_OUTSIDE_HOURS' });
        const rowsBefore = await domicileRows();
        expect(refusalOf(await apply(session.sessionId))).toEqual({ status: 403, code: 'ELIGIBILITY_OUTSIDE_HOURS' });
        // A refused application is no application: nothing in the history either.
        expect(await domicileRows()).toBe(rowsBefore);
      } finally {
        center.clock.set(TEST_NOW);
      }
    });

    it('apply at the kiosk → approve through the CLI → the 本籍地’s 戸籍 certificates become available', async () => {
      const residentId = center.demo.featured.domicileInOtherServedMunicipality;
      const before = await signIn(residentId);
      expect(familyRegister(before)).toMatchObject({ available: false, refusal: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' });
      expect(before.domicileRegistration).toEqual({ status: 'notApplied', canApply: true, domicileMunicipalityName: '千代田区' });

      const key = newKey();
      const applied = ok(await apply(before.sessionId, key));
      expect(applied).toMatchObject({ status: 'pending', domicileMunicipalityName: '千代田区' });
      // The kiosk's retry (same key) is the same application; a second visit (new key) is told it is pending.
      const retried = await apply(before.sessionId, key);
      expect(retried.body).toEqual(applied);
      expect(refusalOf(await apply(before.sessionId))).toEqual({ status: 409, code: 'DOMICILE_REGISTRATION_PENDING' });
      expect(refusalOf(await apply(newKey(), key))).toEqual({ status: 409, code: 'ISSUANCE_IDEMPOTENCY_CONFLICT' });

      const listed = await policyCli('domicile', 'list', CHIYODA, '--status', 'pending');
      expect(listed).toContain(applied.registrationId);
      expect(listed.match(/pending/g)).toHaveLength(1);

      // Pending: the 戸籍 items stay refused, and the kiosk learns why.
      const pending = await signIn(residentId);
      expect(familyRegister(pending)).toMatchObject({ available: false, refusal: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' });
      expect(pending.domicileRegistration).toMatchObject({ status: 'pending', canApply: false, refusal: 'DOMICILE_REGISTRATION_PENDING' });

      expect(await policyCli('domicile', 'approve', applied.registrationId, '--by', 'clerk-131016-01')).toContain(
        `${applied.registrationId} approved by clerk-131016-01`,
      );

      // The history holds the application (at this kiosk, in that session) and the approval, in
      // the chain, with ids and codes only.
      const history = await historyOf(applied.registrationId);
      expect(history.map((r) => r.event)).toEqual(['domicile_registration_applied', 'domicile_registration_approved']);
      // The retry and the refused second visit added nothing.
      const ofResident = await center.database.db
        .selectFrom('audit_events')
        .select('event')
        .where('resident_id', '=', residentId)
        .where('event', 'like', 'domicile_registration_%')
        .execute();
      expect(ofResident).toHaveLength(2);
      const [appliedRow, approvedRow] = history;
      expect(appliedRow).toMatchObject({
        recorded_at: applied.appliedAt,
        store_code: kiosk.enrollment.kiosk.storeCode,
        terminal_id: kiosk.terminalId,
        resident_id: residentId,
        municipality_code: CHIYODA,
        issuance_id: null,
      });
      expect(JSON.parse(appliedRow!.detail_json!)).toEqual({
        registrationId: applied.registrationId,
        channel: 'kiosk',
        sessionId: before.sessionId,
      });
      expect(approvedRow).toMatchObject({ resident_id: residentId, municipality_code: CHIYODA, store_code: null, terminal_id: null });
      expect(JSON.parse(approvedRow!.detail_json!)).toEqual({ registrationId: applied.registrationId, decidedBy: 'clerk-131016-01' });
      const resident = center.demo.batch.residents.find((r) => r.residentId === residentId)!;
      const everything = JSON.stringify(history);
      expect(everything).not.toContain(resident.name.family);
      expect(everything).not.toContain(resident.name.given);
      const verified = await verifyAuditChain(center.database.db);
      expect(verified.problems).toEqual([]);
      expect(verified.ok).toBe(true);

      const approved = await signIn(residentId);
      expect(familyRegister(approved)).toMatchObject({ available: true, feeYen: expect.any(Number) });
      expect(approved.menu.find((m) => m.certificateType === 'familyRegisterIndividual')?.available).toBe(true);
      expect(approved.domicileRegistration).toMatchObject({ status: 'approved', canApply: false, refusal: 'DOMICILE_ALREADY_REGISTERED' });
      expect(refusalOf(await apply(approved.sessionId))).toEqual({ status: 409, code: 'DOMICILE_ALREADY_REGISTERED' });
      expect((await center.quote(kiosk, approved.sessionId, { certificateType: 'familyRegisterFull' })).status).toBe(200);
    });

    it('refuses a 本籍地 this center does not serve (DOMICILE_NOT_PARTICIPATING)', async () => {
      const session = await signIn(center.demo.featured.domicileNotServed);
      expect(session.domicileRegistration).toMatchObject({ status: 'notApplied', canApply: false, refusal: 'DOMICILE_NOT_PARTICIPATING' });
      expect(session.domicileRegistration?.domicileMunicipalityName).toBeUndefined();
      const res = await apply(session.sessionId);
      expect(refusalOf(res)).toEqual({ status: 403, code: 'DOMICILE_NOT_PARTICIPATING' });
      expect(!res.ok && res.body.error.message).toContain('本籍地');
    });

    it('offers nothing when the 本籍 is in the 住所地 (DOMICILE_REGISTRATION_NOT_NEEDED)', async () => {
      const session = await signIn(center.demo.featured.ordinary);
      expect(session.domicileRegistration).toBeUndefined();
      expect(refusalOf(await apply(session.sessionId))).toEqual({ status: 409, code: 'DOMICILE_REGISTRATION_NOT_NEEDED' });
    });

    it('is bound to the session: another kiosk cannot apply with it, and the key is required', async () => {
      const session = await signIn(center.demo.featured.domicileNotServed);
      const other = await center.enrollKiosk();
      expect(refusalOf(await apply(session.sessionId, newKey(), other))).toEqual({ status: 401, code: 'AUTH_SESSION_EXPIRED' });
      expect(refusalOf(await kiosk.raw('POST', kioskPath('applyDomicileRegistration'), { sessionId: session.sessionId }))).toEqual({
        status: 400,
        code: 'INPUT_INVALID',
      });
    });

    it('is in the OpenAPI document with its body, its answer, and the catalog’s codes for refusals', async () => {
      const client = httpsClient(center.baseUrl, center.caPem);
      type Operation = { requestBody?: unknown; responses: Record<string, unknown> };
      const res = await client.request<{ paths: Record<string, Record<string, Operation>> }>('GET', OPENAPI_PATH);
      client.close();
      const route = res.body.paths[kioskPath('applyDomicileRegistration')]?.post;
      expect(route).toBeDefined();
      expect(JSON.stringify(route!.requestBody)).toContain('idempotencyKey');
      expect(JSON.stringify(route!.requestBody)).toContain('sessionId');
      expect(JSON.stringify(route!.responses['200'])).toContain('registrationId');
      expect(JSON.stringify(route!.responses['4XX'] ?? route!.responses['4xx'])).toContain('DOMICILE_REGISTRATION_PENDING');
      // The two authentication calls document their keys too.
      expect(JSON.stringify(res.body.paths[kioskPath('challenge')]?.post?.requestBody)).toContain('idempotencyKey');
      expect(JSON.stringify(res.body.paths[kioskPath('authenticate')]?.post?.requestBody)).toContain('idempotencyKey');
      expect(JSON.stringify(res.body.paths[kioskPath('authenticate')]?.post?.responses['200'])).toContain('domicileRegistration');
    });

    it('refuses an expired session (AUTH_SESSION_EXPIRED)', async () => {
      const session = await signIn(center.demo.featured.domicileNotServed);
      center.clock.set(new Date(Date.parse(session.expiresAt) + 1_000));
      try {
        expect(refusalOf(await apply(session.sessionId))).toEqual({ status: 401, code: 'AUTH_SESSION_EXPIRED' });
      } finally {
        center.clock.set(TEST_NOW);
      }
    });
  });
});

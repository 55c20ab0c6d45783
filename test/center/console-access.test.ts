/**
 * The generated access test (issue 11): every route of the console route table × every role ×
 * the own and another municipality (the demo data's first two). It proves that
 *   - every refusal is 403 FORBIDDEN whose body holds the error code and message and nothing else;
 *   - what is refused is exactly what mayDo refuses (municipal staff never reach another
 *     municipality's routes; an auditor reaches no route that changes anything);
 *   - an auditor changes nothing: a digest of every table's rows is the same before and after all
 *     of the auditor's calls (staff_sessions.last_seen_at aside, which every call moves);
 *   - another municipality's ids (staffId, tokenId, outageId, registrationId) under the own
 *     municipality's path find nothing and change nothing.
 * A route added to the table without a fixture here fails the first test, so the walk stays complete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApi, mayDo, staffRoles, type ConsoleRouteName, type StaffRole } from '@madoguchi/shared';
import { forEachDatabase } from '../support/databases.js';
import { digestOfAllTables as digestOf } from '../support/table-digest.js';
import { startConsoleCenter, type ConsoleCenter, type ConsoleClient } from './support/console-harness.js';
import { M, type AccessArea, type AccessFixture, type AccessIds } from './support/access-areas/area.js';
import { anomaliesAccess } from './support/access-areas/anomalies.js';
import { billingAccess } from './support/access-areas/billing.js';
import { fleetAccess } from './support/access-areas/fleet.js';
import { issuanceLogAccess } from './support/access-areas/issuance-log.js';
import { statisticsAccess } from './support/access-areas/statistics.js';

type Ids = AccessIds;
type Fixture<N extends ConsoleRouteName> = AccessFixture<N>;
/** The operations areas (issue 12) bring their own fixtures, ids and probes. */
const areas: AccessArea<ConsoleRouteName>[] = [issuanceLogAccess, anomaliesAccess, fleetAccess, billingAccess, statisticsAccess] as never;

/** One input per route: what a caller would send (valid where a call is allowed to run). */
const coreFixtures = {
  signIn: () => ({ body: { loginId: 'probe-login', password: 'probe', totpCode: '000000' } }),
  me: () => ({}),
  signOut: () => ({ body: {} }),
  changePassword: () => ({ body: { currentPassword: 'not the password', newPassword: 'a new long password' } }),
  enrolment: () => ({ params: { token: 'x'.repeat(43) } }),
  completeEnrolment: () => ({ params: { token: 'x'.repeat(43) }, body: { password: 'a new long password', totpCode: '000000' } }),
  municipalities: () => ({}),
  serviceStaff: () => ({}),
  createServiceStaff: () => ({ body: { loginId: 'probe-operator', role: 'auditor' } }),
  overview: (m) => M(m),
  putOfferings: (m) => ({
    ...M(m),
    body: {
      offerings: [
        { certificateType: 'residenceRecord', enabled: true, allowMyNumber: false, allowDomicile: true, maxCopies: 3, taxYears: [] },
      ],
    },
  }),
  scheduleFee: (m) => ({ ...M(m), body: { certificateType: 'residenceRecord', effectiveFrom: '2027-04-01', feeYen: 200 } }),
  cancelFee: (m) => ({ ...M(m), body: { certificateType: 'residenceRecord', effectiveFrom: '2027-04-01' } }),
  putHours: (m) => ({
    ...M(m),
    body: { target: 'residenceRecord', hours: [{ weekdays: [1], from: '09:00', to: '17:00', closedOnHolidays: true }] },
  }),
  declareOutage: (m) => ({
    ...M(m),
    body: { from: '2026-12-01T00:00:00+09:00', until: '2026-12-01T06:00:00+09:00', certificateTypes: null, reason: 'probe' },
  }),
  endOutage: (m, ids) => ({ params: { municipalityCode: m, outageId: ids.outageId! }, body: {} }),
  putHead: (m) => ({ ...M(m), body: { title: '区長', name: 'probe', sealNote: 'probe' } }),
  seal: (m) => M(m),
  putSeal: (m) => ({ ...M(m), body: { imageBase64: 'iVBORw0KGgo=', sizeMm: 20 } }),
  previewSeal: (m) => ({ ...M(m), body: { imageBase64: 'iVBORw0KGgo=', sizeMm: 20 } }),
  preview: (m) => ({ params: { municipalityCode: m, certificateType: 'residenceRecord' } }),
  imports: (m) => M(m),
  runImport: (m) => ({ ...M(m), body: { format: 'json', dryRun: true, batch: {} } }),
  domicileRegistrations: (m) => ({ ...M(m), query: { status: 'pending' } }),
  approveDomicileRegistration: (m, ids) => ({ params: { municipalityCode: m, registrationId: ids.registrationId! }, body: {} }),
  rejectDomicileRegistration: (m, ids) => ({
    params: { municipalityCode: m, registrationId: ids.registrationId! },
    body: { reason: 'probe' },
  }),
  history: (m) => ({ ...M(m), query: { limit: 5 } }),
  staff: (m) => M(m),
  createStaff: (m) => ({ ...M(m), body: { loginId: `probe-${m}`, role: 'municipalityClerk' } }),
  disableStaff: (m, ids) => ({ params: { municipalityCode: m, staffId: ids.staffId! }, body: {} }),
  changeRole: (m, ids) => ({ params: { municipalityCode: m, staffId: ids.staffId! }, body: { role: 'municipalityAdministrator' } }),
  apiTokens: (m) => M(m),
  createApiToken: (m) => ({ ...M(m), body: { label: 'probe' } }),
  revokeApiToken: (m, ids) => ({ params: { municipalityCode: m, tokenId: ids.tokenId! }, body: {} }),
} satisfies { [N in ConsoleRouteName]?: Fixture<N> };
const fixtures = Object.assign({}, coreFixtures, ...areas.map((a) => a.fixtures)) as { [N in ConsoleRouteName]: Fixture<N> };

const routeNames = Object.keys(consoleApi) as ConsoleRouteName[];
const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;

function expectBareRefusal(res: { status: number; body: unknown }, label: string): void {
  expect(res.status, label).toBe(403);
  const body = res.body as { error: Record<string, unknown> };
  expect(Object.keys(body), label).toEqual(['error']);
  expect(Object.keys(body.error).sort(), label).toEqual(['code', 'message', 'messageEn']);
  expect(body.error.code, label).toBe('FORBIDDEN');
}

/** History rows that record a read, not a change. */
const readEvents = new Set(['issuance_log_exported']);

/** Every table's rows, without the sessions' last use (every call moves it) and the reads' history. */
const digestOfAllTables = (con: ConsoleCenter) =>
  digestOf(con.center.database, {
    ignoreColumns: { staff_sessions: ['last_seen_at'] },
    // An export is a read that the history records (issuance_log_exported): an auditor may export.
    ignoreRow: (table, row) => table === 'audit_events' && readEvents.has(String(row.event)),
  });

forEachDatabase((databases) => {
  describe('console access', () => {
    let con: ConsoleCenter;
    let own: string;
    let other: string;
    const clients = new Map<StaffRole, ConsoleClient>();
    let otherIds: Ids;
    const call = <N extends ConsoleRouteName>(client: ConsoleClient, name: N, municipalityCode: string, ids: Ids) =>
      client.call(name, (fixtures[name] as Fixture<N>)(municipalityCode, ids));

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh());
      [own, other] = con.center.demo.batch.municipalities!.map((m) => m.code) as [string, string];
      // The accounts and sign-ins are independent of each other: side by side.
      const [otherClerk] = await Promise.all([
        con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: other }),
        ...staffRoles.map(async (role) => {
          const municipalityCode = role === 'municipalityAdministrator' || role === 'municipalityClerk' ? own : null;
          clients.set(role, await con.signIn(await con.createStaffAccount({ role, municipalityCode })));
        }),
      ]);
      const operator = clients.get('operator')!;
      const [token, outage, pending] = await Promise.all([
        operator.call('createApiToken', { params: { municipalityCode: other }, body: { label: 'other' } }),
        operator.call('declareOutage', fixtures.declareOutage(other, {} as Ids)),
        operator.call('domicileRegistrations', { params: { municipalityCode: other }, query: { status: 'pending' } }),
      ]);
      const registrations = (pending.body as { registrations?: { registrationId: string }[] }).registrations ?? [];
      otherIds = {
        staffId: otherClerk.staffId,
        tokenId: (token.body as { summary: { tokenId: string } }).summary.tokenId,
        outageId: (outage.body as { outageId?: string }).outageId ?? 'no-outage',
        registrationId: registrations[0]?.registrationId ?? 'no-registration',
      };
      for (const area of areas) Object.assign(otherIds, await area.setup?.({ con, operator, other }));
    }, 60_000);
    afterAll(() => con?.close());

    it('has a fixture for every route of the table', () => {
      expect(Object.keys(fixtures).sort()).toEqual([...routeNames].sort());
    });

    it('refuses exactly what mayDo refuses, each refusal a bare 403, for every role on both municipalities', async () => {
      for (const role of staffRoles) {
        const client = clients.get(role)!;
        for (const name of routeNames) {
          const spec = consoleApi[name];
          for (const municipalityCode of [own, other]) {
            const hasMunicipality = 'params' in spec && 'municipalityCode' in spec.params.shape;
            const allowed = mayDo(client.me!, spec.permission, hasMunicipality ? municipalityCode : null);
            if (allowed) continue; // allowed calls are the other tests' business (and would change data)
            expectBareRefusal(await call(client, name, municipalityCode, otherIds), `${role} ${name} ${municipalityCode}`);
          }
        }
      }
      // The rule itself: municipal staff reach nothing of another municipality, auditors nothing that changes.
      for (const name of routeNames) {
        const spec = consoleApi[name];
        if ('params' in spec && 'municipalityCode' in spec.params.shape)
          for (const role of ['municipalityAdministrator', 'municipalityClerk'] as const)
            expect(mayDo(clients.get(role)!.me!, spec.permission, other), `${role} ${name}`).toBe(false);
        if (spec.method !== 'GET' && spec.permission !== 'public' && spec.permission !== 'self')
          expect(mayDo(clients.get('auditor')!.me!, spec.permission, own), name).toBe(false);
      }
    });

    it('lets an auditor change nothing, whatever they call', async () => {
      const before = await digestOfAllTables(con);
      const auditor = clients.get('auditor')!;
      for (const name of routeNames) {
        // Public routes take no session, and signing out ends the auditor's own session only.
        if (consoleApi[name].permission === 'public' || name === 'signOut') continue;
        for (const municipalityCode of [own, other]) {
          const res = await call(auditor, name, municipalityCode, otherIds);
          if (consoleApi[name].method !== 'GET') expect(res.status, name).toBeGreaterThanOrEqual(400);
        }
      }
      expect(await digestOfAllTables(con)).toEqual(before);
    });

    it("finds nothing and changes nothing for another municipality's ids under the own municipality's path", async () => {
      const before = await digestOfAllTables(con);
      const admin = clients.get('municipalityAdministrator')!;
      const clerk = clients.get('municipalityClerk')!;
      const probes: [ConsoleClient, ConsoleRouteName][] = [
        [admin, 'disableStaff'],
        [admin, 'changeRole'],
        [admin, 'revokeApiToken'],
        [admin, 'endOutage'],
        [clerk, 'approveDomicileRegistration'],
        [clerk, 'rejectDomicileRegistration'],
        ...areas.flatMap((area) =>
          (area.probes ?? []).map(([role, name]): [ConsoleClient, ConsoleRouteName] => [clients.get(role)!, name]),
        ),
      ];
      const answers = await Promise.all(probes.map(([client, name]) => call(client, name, own, otherIds)));
      answers.forEach((res, i) => expect([res.status, codeOf(res.body)], probes[i]![1]).toEqual([404, 'NOT_FOUND']));
      expect(await digestOfAllTables(con)).toEqual(before);
    });
  });
});

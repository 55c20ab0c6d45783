/**
 * Anomalies in the console (issue 12 item 2) over real TLS on both databases: every refund is an
 * incident; the list's filters (kind, state, period, municipality, kiosk) and keyset pages;
 * acknowledge and resolve as compare-and-set steps with their history rows (ids and the kind,
 * never the note); a disposal (処分) recorded by a municipality's clerk for its own documents only;
 * chain verification one at a time. One center per database, each role signed in once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentView } from '@madoguchi/shared';
import { forEachDatabase } from '../support/databases.js';
import { ok, type TestKiosk } from './support/center-harness.js';
import { startConsoleCenter, type ConsoleCenter, type ConsoleClient } from './support/console-harness.js';

const CHIYODA = '131016';
const YOKOHAMA = '141003';
const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;
type Page = { incidents: IncidentView[]; nextAfter: string | null };

forEachDatabase((databases) => {
  describe('console: anomalies', () => {
    let con: ConsoleCenter;
    let operator: ConsoleClient;
    let chiyodaClerk: ConsoleClient;
    let yokohamaClerk: ConsoleClient;
    let kiosk: TestKiosk;
    let otherKiosk: TestKiosk;
    /** Yokohama's document the kiosk rejected (refunded) and Chiyoda's printed one. */
    let rejected: { issuanceId: string };
    let printed: { issuanceId: string; issueNumber: string };

    const delivered = async (k: TestKiosk, residentId: string) => {
      const card = await con.center.issueCard(residentId);
      const quote = ok(await con.center.quote(k, ok(await con.center.authenticate(k, card)).sessionId));
      return { issuanceId: quote.issuanceId, issueNumber: ok(await con.center.pay(k, quote)).documents[0]!.binding.issueNumber };
    };

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh(), { build: { sweeper: false } });
      [kiosk, otherKiosk] = [await con.center.enrollKiosk(), await con.center.enrollKiosk()];
      const yokohama = await delivered(kiosk, con.center.demo.featured.ordinary);
      ok(await con.center.reportPrint(kiosk, yokohama.issuanceId, { issueNumber: yokohama.issueNumber, outcome: 'rejected' }));
      rejected = yokohama;
      // The next day (JST), at another kiosk: Chiyoda's document, printed.
      con.center.clock.advance(24 * 3600_000);
      printed = await delivered(otherKiosk, con.center.demo.featured.chiyodaResident);
      ok(await con.center.reportPrint(otherKiosk, printed.issuanceId, { issueNumber: printed.issueNumber }));
      const cancelled = await delivered(otherKiosk, con.center.demo.featured.chiyodaResident);
      ok(await con.center.cancel(otherKiosk, cancelled.issuanceId));
      // Signed in after the clock moved: a session does not outlive a day.
      const accounts = await Promise.all([
        con.createStaffAccount({ role: 'operator', municipalityCode: null }),
        con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: CHIYODA }),
        con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: YOKOHAMA }),
      ]);
      [operator, chiyodaClerk, yokohamaClerk] = await Promise.all([
        con.signIn(accounts[0]),
        con.signIn(accounts[1]),
        con.signIn(accounts[2]),
      ]);
    }, 60_000);
    afterAll(() => con?.close());

    const list = async (query: Record<string, unknown> = {}) => {
      const res = await operator.call('incidents', { query: query as never });
      expect(res.status).toBe(200);
      return res.body as Page;
    };

    it('lists every refund as an incident of kind refunded, with its amount and failure code', async () => {
      const refunds = (await list({ kind: 'refunded' })).incidents;
      expect(refunds.map((i) => i.municipalityCode).sort()).toEqual([CHIYODA, YOKOHAMA]);
      const mine = refunds.find((i) => i.issuanceId === rejected.issuanceId)!;
      expect(mine).toMatchObject({ state: 'open', terminalId: kiosk.terminalId, detail: { failureCode: 'ISSUANCE_DOCUMENT_MISMATCH' } });
      expect(mine.detail.refundYen).toBeGreaterThan(0);
      expect((await list({ kind: 'document_rejected' })).incidents.map((i) => i.issuanceId)).toEqual([rejected.issuanceId]);
    });

    it('filters by municipality, kiosk and Japan-date period, and pages by keyset without repeating a row', async () => {
      const all = (await list()).incidents;
      expect(all.length).toBe(3);
      expect((await list({ municipalityCode: YOKOHAMA })).incidents.every((i) => i.municipalityCode === YOKOHAMA)).toBe(true);
      expect((await list({ terminalId: otherKiosk.terminalId })).incidents.map((i) => i.kind)).toEqual(['refunded']);
      // TEST_NOW is 24 November, 12:00 JST; the Chiyoda refund the day after.
      expect((await list({ from: '2026-11-24', until: '2026-11-24' })).incidents).toHaveLength(2);
      expect((await list({ from: '2026-11-25' })).incidents.map((i) => i.municipalityCode)).toEqual([CHIYODA]);
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page: Page = await list({ limit: 1, ...(after ? { after } : {}) });
        seen.push(...page.incidents.map((i) => i.incidentId));
        after = page.nextAfter;
      } while (after);
      expect(seen).toEqual(all.map((i) => i.incidentId));
      expect((await operator.call('incidents', { query: { after: 'not a cursor' } as never })).status).toBe(400);
    });

    it('acknowledges then resolves with a note (compare-and-set), each step a history row with ids and the kind only', async () => {
      const incident = (await list({ kind: 'document_rejected' })).incidents[0]!;
      const path = { params: { incidentId: incident.incidentId } };
      const acked = await operator.call('acknowledgeIncident', { ...path, body: {} });
      expect(acked.status).toBe(200);
      expect(acked.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: operator.me!.staffId });
      expect(codeOf((await operator.call('acknowledgeIncident', { ...path, body: {} })).body)).toBe('CONFLICT');
      expect((await operator.call('resolveIncident', { ...path, body: {} as never })).status).toBe(400);
      expect((await operator.call('resolveIncident', { ...path, body: { note: 'bad\u0007bell' } })).status).toBe(400);
      expect((await list({ state: 'acknowledged' })).incidents.map((i) => i.incidentId)).toEqual([incident.incidentId]);

      const note = '店舗に確認、用紙の差し替えで解決\n(store checked)';
      const resolved = await operator.call('resolveIncident', { ...path, body: { note } });
      expect(resolved.body).toMatchObject({ state: 'resolved', resolvedBy: operator.me!.staffId, resolutionNote: note });
      expect(codeOf((await operator.call('resolveIncident', { ...path, body: { note: 'again' } })).body)).toBe('CONFLICT');
      const rows = await con.center.database.db
        .selectFrom('audit_events')
        .select(['event', 'detail_json'])
        .where('event', 'in', ['incident_acknowledged', 'incident_resolved'])
        .orderBy('seq')
        .execute();
      const expected = { staffId: operator.me!.staffId, incidentId: incident.incidentId, kind: 'document_rejected' };
      expect(rows.map((r) => [r.event, JSON.parse(r.detail_json!)])).toEqual([
        ['incident_acknowledged', expected],
        ['incident_resolved', expected],
      ]);
      expect(JSON.stringify(rows)).not.toContain('store checked');
    });

    it('resolves an open incident directly; of two racing resolves exactly one wins', async () => {
      const incident = (await list({ kind: 'refunded', municipalityCode: CHIYODA })).incidents.at(-1)!;
      const path = { params: { incidentId: incident.incidentId } };
      const answers = await Promise.all([
        operator.call('resolveIncident', { ...path, body: { note: 'one' } }),
        operator.call('resolveIncident', { ...path, body: { note: 'two' } }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(codeOf((await operator.call('acknowledgeIncident', { ...path, body: {} })).body)).toBe('CONFLICT');
      expect((await operator.call('resolveIncident', { params: { incidentId: crypto.randomUUID() }, body: { note: 'x' } })).status).toBe(
        404,
      );
    });

    it("records a disposal for the clerk's own municipality only: another's issue number is not found and writes nothing", async () => {
      const db = con.center.database.db;
      const count = async () => (await db.selectFrom('audit_events').select('seq').execute()).length;
      const before = await count();
      const foreign = await yokohamaClerk.call('recordDisposal', {
        params: { municipalityCode: YOKOHAMA },
        body: { issueNumber: printed.issueNumber, reason: '誤って印刷' },
      });
      expect([foreign.status, codeOf(foreign.body)]).toEqual([404, 'NOT_FOUND']);
      const multiLine = await chiyodaClerk.call('recordDisposal', {
        params: { municipalityCode: CHIYODA },
        body: { issueNumber: printed.issueNumber, reason: 'two\nlines' },
      });
      expect(multiLine.status).toBe(400);
      expect(await count()).toBe(before);

      const res = await chiyodaClerk.call('recordDisposal', {
        params: { municipalityCode: CHIYODA },
        body: { issueNumber: printed.issueNumber, reason: '店舗で回収しシュレッダー処分' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ issuanceId: printed.issuanceId, issueNumber: printed.issueNumber, sequence: before + 1 });
      const row = await db.selectFrom('audit_events').selectAll().where('event', '=', 'disposal').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ issuance_id: printed.issuanceId, municipality_code: CHIYODA, terminal_id: otherKiosk.terminalId });
      expect(JSON.parse(row.detail_json!)).toEqual({
        reason: '店舗で回収しシュレッダー処分',
        staffId: chiyodaClerk.me!.staffId,
        printOutcome: 'printed',
      });
    });

    it('verifies the chain from the page: intact, every row counted (one at a time: anomaly-verification.test.ts)', async () => {
      let res = await operator.call('verifyChain', {});
      // A walk longer than the page's wait answers its progress; the page asks again about that run.
      while (res.status === 200 && (res.body as { running: { startedAt: string } | null }).running)
        res = await operator.call('verifyChain', {
          query: { startedAfter: (res.body as { running: { startedAt: string } }).running.startedAt },
        });
      expect(res.status).toBe(200);
      const rows = (await con.center.database.db.selectFrom('audit_events').select('seq').execute()).length;
      expect(res.body).toMatchObject({ running: null, last: { ok: true, rows, firstBrokenSeq: null, headsChecked: 0, problems: [] } });
    });
  });
});

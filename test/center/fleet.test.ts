/**
 * The kiosk fleet (issue 12, item 3) over real TLS on both databases: heartbeats over mutual TLS
 * (stored as the kiosk's latest, visible in the fleet API, idempotent, bad input refused with
 * nothing stored), silent kiosks raised by the sweep on the test clock inside service hours only and
 * once per silence, store chains, and a kiosk enrolled from its CSR and revoked through the console.
 * One center per database (its own sweeper off: the tests sweep on their clock), each role signed in
 * once; the silence tests come last, because they move the clock past the staff sessions' end.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolKioskResponse, FleetKiosk, FleetList, HeartbeatRequest } from '@madoguchi/shared';
import { createKioskKeyAndCsr, revokeKiosk, sweep } from '@madoguchi/center';
import { kioskProgram, runProgram } from '@madoguchi/center/cli';
import { forEachDatabase } from '../support/databases.js';
import { kioskAt, newKey, ok, refusalOf, TEST_NOW, type TestKiosk } from './support/center-harness.js';
import { startConsoleCenter, type ConsoleCenter, type ConsoleClient } from './support/console-harness.js';

const MINUTE = 60_000;
const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;
const policy = { printResultTtlMs: 3_600_000, documentTtlMs: 3_600_000, quoteTtlMs: 3_600_000, idempotencyTtlMs: 86_400_000 };
/** A Japan time on the test day (2026-11-24, a Tuesday) or another date. */
const jst = (time: string, date = '2026-11-24') => new Date(`${date}T${time}:00+09:00`);

const beat = (overrides: Partial<HeartbeatRequest> = {}): HeartbeatRequest => ({
  idempotencyKey: newKey(),
  sentAt: '2026-11-24T12:00:03+09:00',
  softwareVersion: '1.4.2',
  reader: 'ready',
  printer: 'ready',
  cash: 'ready',
  lastIssuanceAt: null,
  ...overrides,
});

forEachDatabase((databases) => {
  describe('kiosk fleet', () => {
    let con: ConsoleCenter;
    let operator: ConsoleClient;
    let auditor: ConsoleClient;
    let kiosk: TestKiosk;
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-fleet-'));

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh(), { build: { sweeper: false } });
      const [operatorAccount, auditorAccount] = await Promise.all([
        con.createStaffAccount({ role: 'operator' }),
        con.createStaffAccount({ role: 'auditor' }),
      ]);
      [operator, auditor] = await Promise.all([con.signIn(operatorAccount), con.signIn(auditorAccount)]);
      expect((await operator.call('createStoreChain', { body: { chainCode: 'lawson', name: 'ローソン' } })).status).toBe(200);
      kiosk = await con.center.enrollKiosk(undefined, { chainCode: 'lawson', storeCode: 'L-0001', storeName: 'ローソン 千代田店' });
    }, 60_000);
    afterAll(async () => {
      await con?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const fleet = async (query: Record<string, string> = {}) => {
      const res = await auditor.call('fleet', { query });
      expect(res.status).toBe(200);
      return res.body as FleetList;
    };
    const inFleet = async (terminalId: string) => (await fleet()).kiosks.find((k) => k.terminalId === terminalId)!;
    const silentIncidents = async (terminalId: string) =>
      con.center.database.db
        .selectFrom('incidents')
        .select(['kind', 'detail'])
        .where('kind', '=', 'kiosk_silent')
        .where('terminal_id', '=', terminalId)
        .execute();
    /** The kiosk CLI in-process on this center's database and state directory: what it wrote and its exit status. */
    const cli = async (...args: string[]) => {
      const config = databases.configOf(con.center.database);
      const url = config.kind === 'sqlite' ? config.path : config.connectionString;
      const result = { code: 0, stdout: '', stderr: '' };
      const io = {
        out: (t: string) => void (result.stdout += t),
        err: (t: string) => void (result.stderr += t),
        setExitCode: (c: number) => void (result.code = c),
      };
      await runProgram(kioskProgram, ['--database', url, '--state', con.center.state.dir, ...args], io);
      return result;
    };
    const sweepAt = async (at: Date) => {
      con.center.clock.set(at);
      await sweep(con.center.database, policy, at);
    };

    it('stores a heartbeat sent over mutual TLS and shows it in the fleet; the same heartbeat again changes nothing', async () => {
      con.center.clock.set(TEST_NOW);
      const first = beat({ printer: 'toner-low', softwareVersion: '1.4.2+abc1234', lastIssuanceAt: '2026-11-24T11:58:00+09:00' });
      expect(ok(await kiosk.call('heartbeat', { body: first }))).toEqual({ receivedAt: TEST_NOW.toISOString() });
      expect(await inFleet(kiosk.terminalId)).toMatchObject({
        chainCode: 'lawson',
        chainName: 'ローソン',
        storeCode: 'L-0001',
        condition: 'warning',
        lastSeenAt: TEST_NOW.toISOString(),
        kioskClockAt: '2026-11-24T03:00:03.000Z',
        softwareVersion: '1.4.2+abc1234',
        reader: 'ready',
        printer: 'toner-low',
        cash: 'ready',
        lastIssuanceAt: '2026-11-24T02:58:00.000Z',
      } satisfies Partial<FleetKiosk>);

      con.center.clock.advance(MINUTE);
      // A retry of the first heartbeat (its answer was lost) is answered as the first time, and stores nothing new.
      expect(ok(await kiosk.call('heartbeat', { body: { ...first, printer: 'media-jam' } }))).toEqual({
        receivedAt: TEST_NOW.toISOString(),
      });
      expect(await inFleet(kiosk.terminalId)).toMatchObject({ printer: 'toner-low', lastSeenAt: TEST_NOW.toISOString() });

      const jammed = ok(await kiosk.call('heartbeat', { body: beat({ printer: 'media-jam' }) }));
      expect(jammed.receivedAt).toBe(new Date(TEST_NOW.getTime() + MINUTE).toISOString());
      expect(await inFleet(kiosk.terminalId)).toMatchObject({ printer: 'media-jam', condition: 'fault' });
      expect((await fleet({ condition: 'fault' })).kiosks.map((k) => k.terminalId)).toContain(kiosk.terminalId);
      expect((await fleet({ chainCode: 'seven-eleven' })).kiosks).toEqual([]);
      expect((await fleet({ softwareVersion: '9.9.9' })).kiosks).toEqual([]);
      expect((await fleet({ softwareVersion: '1.4.2' })).kiosks.map((k) => k.terminalId)).toEqual([kiosk.terminalId]);
    });

    it('refuses a malformed heartbeat with 400 INPUT_INVALID and stores nothing of it', async () => {
      const before = await inFleet(kiosk.terminalId);
      const bad: unknown[] = [
        { ...beat(), printer: 'on-fire' },
        { ...beat(), softwareVersion: '1.4.2\n山田太郎' },
        { ...beat(), softwareVersion: '1'.repeat(41) },
        { ...beat(), sentAt: 'yesterday' },
        { ...beat(), idempotencyKey: 'not-a-uuid' },
        { ...beat(), cash: undefined },
      ];
      for (const body of bad) {
        const res = await kiosk.raw('POST', '/api/v1/heartbeats', body);
        expect(refusalOf(res)).toEqual({ status: 400, code: 'INPUT_INVALID' });
      }
      expect(await inFleet(kiosk.terminalId)).toEqual(before);
    });

    it('keeps store chains: a code is added once, and enrolment needs an existing chain', async () => {
      const again = await operator.call('createStoreChain', { body: { chainCode: 'lawson', name: 'ローソン' } });
      expect([again.status, codeOf(again.body)]).toEqual([409, 'CONFLICT']);
      const badCode = await operator.call('createStoreChain', { body: { chainCode: 'Lawson Co.', name: 'x' } });
      expect([badCode.status, codeOf(badCode.body)]).toEqual([400, 'INPUT_INVALID']);
      expect(((await auditor.call('storeChains')).body as { chains: { chainCode: string }[] }).chains.map((c) => c.chainCode)).toEqual([
        'lawson',
      ]);
      const auditorAdds = await auditor.call('createStoreChain', { body: { chainCode: 'ministop', name: 'ミニストップ' } });
      expect(auditorAdds.status).toBe(403);
    });

    it('enrols a kiosk from its CSR through the console and revokes it; the revoked kiosk is refused at once', async () => {
      const made = createKioskKeyAndCsr(dir, 'T-CONSOLE-1');
      const enrol = (chainCode: string) =>
        operator.call('enrolKiosk', {
          body: { csrPem: made.csrPem, terminalId: 'T-CONSOLE-1', printerId: 'P01', storeCode: 'F-0042', storeName: 'テスト店', chainCode },
        });
      const unknownChain = await enrol('no-such-chain');
      expect([unknownChain.status, codeOf(unknownChain.body)]).toEqual([400, 'INPUT_INVALID']);
      expect((await fleet()).kiosks.map((k) => k.terminalId)).not.toContain('T-CONSOLE-1');
      const auditorEnrols = await auditor.call('enrolKiosk', {
        body: { csrPem: made.csrPem, terminalId: 'T-CONSOLE-2', printerId: 'P01', storeCode: 'S1', storeName: 'x', chainCode: 'lawson' },
      });
      expect(auditorEnrols.status).toBe(403);

      const enrolled = await enrol('lawson');
      expect(enrolled.status).toBe(200);
      const answer = enrolled.body as EnrolKioskResponse;
      expect(answer.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(answer.kioskCaPem).toBe(con.center.caPem);
      const installed = kioskAt(
        {
          terminalId: 'T-CONSOLE-1',
          enrollment: undefined as never,
          keyPem: readFileSync(made.keyPath, 'utf8'),
          certPem: answer.certificatePem,
        },
        con.center.baseUrl,
        con.center.caPem,
      );
      try {
        ok(await installed.call('heartbeat', { body: beat({ softwareVersion: '2.0.0' }) }));
        expect(await inFleet('T-CONSOLE-1')).toMatchObject({ chainCode: 'lawson', storeCode: 'F-0042', softwareVersion: '2.0.0' });

        const revoked = await operator.call('revokeKiosk', { params: { terminalId: 'T-CONSOLE-1' }, body: {} });
        expect(revoked.status).toBe(200);
        expect(revoked.body).toMatchObject({ terminalId: 'T-CONSOLE-1', condition: 'revoked' });
        // The same keep-alive connection: every kiosk request looks its certificate up again.
        expect(refusalOf(await installed.call('heartbeat', { body: beat() }))).toEqual({ status: 403, code: 'KIOSK_REVOKED' });
        const unknown = await operator.call('revokeKiosk', { params: { terminalId: 'T-NOBODY' }, body: {} });
        expect([unknown.status, codeOf(unknown.body)]).toEqual([404, 'NOT_FOUND']);
      } finally {
        installed.close();
      }
      const history = await con.center.database.db
        .selectFrom('audit_events')
        .select(['event', 'detail_json'])
        .where('terminal_id', '=', 'T-CONSOLE-1')
        .orderBy('seq')
        .execute();
      expect(history.map((h) => h.event)).toEqual(['kiosk_enrolled', 'kiosk_revoked']);
      expect(JSON.parse(history[1]!.detail_json!)).toEqual({ staffId: operator.me!.staffId });
    });

    it('lists the fleet on the CLI (last seen in JST, --silent), adds chains and enrols into an existing chain only', async () => {
      // The CLI reads the wall clock, weeks after the test clock's heartbeats: every kiosk that spoke is silent to it.
      const listed = await cli('list', '--silent');
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trim().split('\n');
      expect(lines[0]).toBe('terminal\tchain\tstore\tstore name\tlast seen\tstate\tprinter\treader\tcash\tversion\tlast issuance');
      expect(lines.find((l) => l.startsWith(`${kiosk.terminalId}\t`))).toBe(
        [
          kiosk.terminalId,
          'lawson',
          'L-0001',
          'ローソン 千代田店',
          '2026-11-24 12:01 JST',
          'silent',
          'media-jam',
          'ready',
          'ready',
          '1.4.2',
          '-',
        ].join('\t'),
      );
      expect(lines).toHaveLength(2);
      expect((await cli('list')).stdout).toContain('T-CONSOLE-1\tlawson\tF-0042\tテスト店\t2026-11-24 12:01 JST\trevoked\t');

      expect(await cli('add-chain', '--code', 'minato-24', '--name', 'みなと24')).toMatchObject({
        code: 0,
        stdout: 'added store chain minato-24\n',
      });
      expect((await cli('chains')).stdout).toBe('lawson\tローソン\nminato-24\tみなと24\n');
      const made = createKioskKeyAndCsr(dir, 'T-CLI-1');
      const enrol = (chain: string) =>
        cli(
          'enroll',
          '--csr',
          made.csrPath,
          '--terminal-id',
          'T-CLI-1',
          '--printer-id',
          'P01',
          '--store-code',
          'M-1',
          '--store-name',
          '店',
          '--chain',
          chain,
        );
      const refused = await enrol('nowhere');
      expect([refused.code, refused.stdout]).toEqual([2, '']);
      expect(refused.stderr).toMatch(/^INPUT_INVALID: .*\n {2}chainCode: no store chain nowhere; add it first/);
      expect((await enrol('minato-24')).stdout).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(await inFleet('T-CLI-1')).toMatchObject({ chainCode: 'minato-24', chainName: 'みなと24', condition: 'neverSeen' });
    });

    it('raises one kiosk_silent incident per silence of more than 5 minutes during service hours', async () => {
      const quiet = await con.center.enrollKiosk(undefined, { chainCode: 'lawson' });
      con.center.clock.set(jst('12:00'));
      ok(await quiet.call('heartbeat', { body: beat() }));
      await sweepAt(jst('12:05'));
      expect(await silentIncidents(quiet.terminalId)).toEqual([]);
      expect((await inFleet(quiet.terminalId)).condition).toBe('ok');

      await sweepAt(jst('12:06'));
      await sweepAt(jst('12:07'));
      await sweepAt(jst('12:30'));
      const raised = await silentIncidents(quiet.terminalId);
      expect(raised).toHaveLength(1);
      expect(JSON.parse(raised[0]!.detail)).toEqual({ lastSeenAt: jst('12:00').toISOString() });
      expect((await fleet({ silentOnly: 'true' })).kiosks.map((k) => k.terminalId)).toContain(quiet.terminalId);

      // It speaks again, then falls silent again: a new incident for the new silence.
      ok(await quiet.call('heartbeat', { body: beat() }));
      await sweepAt(jst('12:34'));
      expect(await silentIncidents(quiet.terminalId)).toHaveLength(1);
      await sweepAt(jst('12:36'));
      expect(await silentIncidents(quiet.terminalId)).toHaveLength(2);
    });

    it('counts only silence inside 06:30–23:00 JST, never over the year-end closure, and never for a revoked kiosk', async () => {
      const night = await con.center.enrollKiosk(undefined, { chainCode: 'lawson' });
      const yearEnd = await con.center.enrollKiosk(undefined, { chainCode: 'lawson' });
      const revoked = await con.center.enrollKiosk(undefined, { chainCode: 'lawson' });
      con.center.clock.set(jst('22:58'));
      ok(await night.call('heartbeat', { body: beat() }));
      ok(await revoked.call('heartbeat', { body: beat() }));
      await sweepAt(jst('23:30'));
      await sweepAt(jst('05:00', '2026-11-25'));
      await sweepAt(jst('06:34', '2026-11-25'));
      expect(await silentIncidents(night.terminalId)).toEqual([]);
      // Directly, not through the console: the operator's session has ended overnight.
      expect(await revokeKiosk(con.center.database, revoked.terminalId, jst('06:35', '2026-11-25'))).toBe(true);
      await sweepAt(jst('06:36', '2026-11-25'));
      expect(await silentIncidents(night.terminalId)).toHaveLength(1);
      expect(await silentIncidents(revoked.terminalId)).toEqual([]);

      con.center.clock.set(jst('12:00', '2026-12-29'));
      ok(await yearEnd.call('heartbeat', { body: beat() }));
      await sweepAt(jst('15:00', '2026-12-29'));
      await sweepAt(jst('12:00', '2027-01-03'));
      expect(await silentIncidents(yearEnd.terminalId)).toEqual([]);
      await sweepAt(jst('06:36', '2027-01-04'));
      expect(await silentIncidents(yearEnd.terminalId)).toHaveLength(1);
    });
  });
});

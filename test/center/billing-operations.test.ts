/**
 * Billing's operator side (issue 12, item 4) on one center: the CLI's close, statement and
 * settlement on the center's own database; corrections of a closed month as adjustments in the next
 * open one; the rates and tables operators configure; and every refusal — a month not ended, an
 * open month "corrected", a rate back-dated, a bad option, a file that exists — with its catalog
 * code, changing nothing. The ledger refuses an UPDATE at the database.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { publishCrl } from '@madoguchi/card-sim';
import { type ConsoleResponse, type ConsoleRouteName } from '@madoguchi/shared';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { closeBillingMonth } from '@madoguchi/center';
import { billingProgram, runProgram } from '@madoguchi/center/cli';
import { forEachDatabase } from '../support/databases.js';
import { ok } from './support/center-harness.js';
import {
  startConsoleCenter,
  type ConsoleCenter,
  type ConsoleClient,
  type ConsoleInput,
  type StaffAccount,
} from './support/console-harness.js';
import { pdfPageTexts } from './support/kiosk-checks.js';

const CHIYODA = '131016';
const urlOf = (config: DatabaseConfig) => (config.kind === 'sqlite' ? config.path : config.connectionString);
const codeOf = (body: unknown) => (body as { error?: { code?: string } }).error?.code;

forEachDatabase((databases) => {
  describe('billing operations', () => {
    let con: ConsoleCenter;
    let operator: ConsoleClient;
    let admin: ConsoleClient;
    let accounts: { operator: StaffAccount; admin: StaffAccount };
    let url: string;
    let dir: string;
    let cliNow = new Date('2026-12-01T00:05:00+09:00');

    const billing = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      let code = 0;
      const io = {
        out: (t: string) => void (stdout += t),
        err: (t: string) => void (stderr += t),
        setExitCode: (c: number) => void (code = c),
      };
      await runProgram((i) => billingProgram(i, () => cliNow), ['--database', url, ...args], io);
      return { code, stdout, stderr };
    };
    const call = async <N extends ConsoleRouteName>(client: ConsoleClient, name: N, input: ConsoleInput<N>) => {
      const res = await client.call(name, input);
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as ConsoleResponse<N>;
    };
    const ledgerAndHistory = async () => {
      const db = con.center.database.db;
      const [ledger, months, history] = await Promise.all([
        db.selectFrom('billing_ledger').selectAll().orderBy('entry_id').execute(),
        db.selectFrom('billing_months').selectAll().orderBy('municipality_code').execute(),
        db.selectFrom('audit_events').select(['seq', 'event']).orderBy('seq').execute(),
      ]);
      return { ledger, months, history };
    };

    beforeAll(async () => {
      const database = await databases.fresh();
      url = urlOf(databases.configOf(database));
      dir = mkdtempSync(join(tmpdir(), 'madoguchi-billing-'));
      con = await startConsoleCenter(database, {
        build: { sweeper: false },
        // The story reaches 31 January: CRLs current until then (the PKI's own last a week from today).
        crlPaths: (pki) =>
          (['current', 'previous'] as const).map((generation) => {
            const path = join(pki.dir, `billing-${generation}.pem`);
            publishCrl(pki, {
              generation,
              path,
              thisUpdate: new Date('2026-11-01T00:00:00Z'),
              nextUpdate: new Date('2027-03-01T00:00:00Z'),
            });
            return path;
          }),
      });
      accounts = {
        operator: await con.createStaffAccount({ role: 'operator', municipalityCode: null }),
        admin: await con.createStaffAccount({ role: 'municipalityAdministrator', municipalityCode: CHIYODA }),
      };
      operator = await con.signIn(accounts.operator);
      admin = await con.signIn(accounts.admin);
      await call(operator, 'createStoreChain', { body: { chainCode: 'chain-a', name: '=HYPERLINK("x")' } });
      const kiosk = await con.center.enrollKiosk(undefined, { chainCode: 'chain-a' });
      const card = await con.center.issueCard(con.center.demo.featured.chiyodaResident);
      const sessionId = ok(await con.center.authenticate(kiosk, card)).sessionId;
      const q = ok(await con.center.quote(kiosk, sessionId, { copies: 3 }));
      const d = ok(await con.center.pay(kiosk, q));
      for (const doc of d.documents) ok(await con.center.reportPrint(kiosk, q.issuanceId, { issueNumber: doc.binding.issueNumber }));
    }, 120_000);
    afterAll(async () => {
      await con?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the CLI refuses a bad month, a month not ended and an existing file (catalog code, exit 2), changing nothing', async () => {
      const before = await ledgerAndHistory();
      const bad = await billing('close', '--month', '2026-13');
      expect([bad.code, bad.stdout]).toEqual([2, '']);
      expect(bad.stderr).toMatch(/^INPUT_INVALID: .*\n.*\n {2}--month: /);
      cliNow = new Date('2026-11-30T23:59:59+09:00');
      const early = await billing('close', '--month', '2026-11', '--municipality', CHIYODA);
      expect([early.code, early.stderr.split(':')[0]]).toEqual([2, 'BILLING_MONTH_NOT_ENDED']);
      const existing = join(dir, 'exists.csv');
      writeFileSync(existing, 'keep');
      const refused = await billing('statement', '--month', '2026-11', '--municipality', CHIYODA, '--format', 'csv', '--out', existing);
      expect([refused.code, refused.stderr.split(':')[0], readFileSync(existing, 'utf8')]).toEqual([2, 'INPUT_INVALID', 'keep']);
      expect(await ledgerAndHistory()).toEqual(before);
    });

    it('the CLI closes every open municipality, then writes the statement (PDF, CSV) and the chain’s settlement', async () => {
      cliNow = new Date('2026-12-01T00:05:00+09:00');
      const closed = await billing('close', '--month', '2026-11');
      expect(closed.code).toBe(0);
      expect(closed.stdout).toContain(`${CHIYODA} 2026-11: closed, net ${600 - 345 - 34} yen\n`);
      expect(closed.stdout.trim().split('\n')).toHaveLength(con.center.demo.batch.municipalities!.length);
      const again = await billing('close', '--month', '2026-11');
      expect(again.stdout).toContain(`${CHIYODA} 2026-11: already closed\n`);
      const history = await con.center.database.db
        .selectFrom('audit_events')
        .select('detail_json')
        .where('event', '=', 'billing_month_closed')
        .execute();
      expect(history.map((h) => JSON.parse(h.detail_json!) as unknown)).toContainEqual({ month: '2026-11', staffId: 'cli' });

      const pdfPath = join(dir, 'statement.pdf');
      expect((await billing('statement', '--month', '2026-11', '--municipality', CHIYODA, '--format', 'pdf', '--out', pdfPath)).code).toBe(
        0,
      );
      const text = (await pdfPageTexts(readFileSync(pdfPath))).join('');
      expect(text).toContain('千代田区');
      expect(text).toContain(`差引額${600 - 345 - 34}円`);
      // The chain's name is operator text: in CSV it cannot start a formula.
      const settlement = await billing('settlement', '--month', '2026-11', '--chain', 'chain-a');
      expect(settlement.code).toBe(0);
      expect(settlement.stdout).toContain(`${CHIYODA},千代田区,closed,3,600,0,-345,-34,0,221\r\n`);
      const statementCsv = join(dir, 'statement.csv');
      await billing('statement', '--month', '2026-11', '--municipality', CHIYODA, '--format', 'csv', '--out', statementCsv);
      expect(readFileSync(statementCsv, 'utf8')).toContain(`storeCommission,"'=HYPERLINK(""x"")",chain-a,3,115,-345,,\r\n`);
      const settlementPdf = join(dir, 'settlement.pdf');
      const noOut = await billing('settlement', '--month', '2026-11', '--chain', 'chain-a', '--format', 'pdf');
      expect([noOut.code, noOut.stderr.split(':')[0], existsSync(settlementPdf)]).toEqual([2, 'INPUT_INVALID', false]);
      expect(
        (await billing('settlement', '--month', '2026-11', '--chain', 'chain-a', '--format', 'pdf', '--out', settlementPdf)).code,
      ).toBe(0);
      const settlementText = (await pdfPageTexts(readFileSync(settlementPdf))).join('');
      expect(settlementText).toContain('送金額合計:221円');
      expect(settlementText).toContain('千代田区3600円-379円0円221円');
    });

    it('a payment into a closed month (a center whose clock lags) and its refund are adjustments of it, netting to 0', async () => {
      // The center's clock is still 24 November while November has been closed (the CLI's clock).
      const kiosk = await con.center.enrollKiosk(undefined, { chainCode: 'chain-a' });
      const card = await con.center.issueCard(con.center.demo.featured.chiyodaResident);
      const q = ok(await con.center.quote(kiosk, ok(await con.center.authenticate(kiosk, card)).sessionId));
      ok(await con.center.pay(kiosk, q));
      ok(await con.center.cancel(kiosk, q.issuanceId));
      const entries = await con.center.database.db
        .selectFrom('billing_ledger')
        .selectAll()
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      expect(entries.map((e) => [e.kind, e.adjusts, e.billing_month, e.corrects_month, e.amount_yen]).sort()).toEqual(
        [
          ['adjustment', 'fee', '2026-12', '2026-11', 200],
          ['adjustment', 'storeCommission', '2026-12', '2026-11', -115],
          ['adjustment', 'commissionTax', '2026-12', '2026-11', -11],
          ['adjustment', 'refund', '2026-12', '2026-11', -200],
          ['adjustment', 'storeCommission', '2026-12', '2026-11', 115],
          ['adjustment', 'commissionTax', '2026-12', '2026-11', 11],
        ].sort(),
      );
      const november = await con.center.database.db
        .selectFrom('billing_ledger')
        .select('entry_id')
        .where('billing_month', '=', '2026-11')
        .execute();
      expect(november).toHaveLength(3); // the fee, the commission and its tax from before the close
    });

    it('corrects a closed month only, in the first open month after it, with its history row; an open month is refused', async () => {
      con.center.clock.set(new Date('2026-12-02T10:00:00+09:00'));
      // A console session lasts 12 h at most: sign in again on the new day.
      [operator, admin] = [await con.signIn(accounts.operator), await con.signIn(accounts.admin)];
      const before = await ledgerAndHistory();
      const open = await operator.call('recordBillingAdjustment', {
        params: { municipalityCode: CHIYODA },
        body: { correctsMonth: '2026-12', amountYen: -100, chainCode: null, note: 'probe' },
      });
      expect([open.status, codeOf(open.body)]).toEqual([400, 'INPUT_INVALID']);
      expect(await ledgerAndHistory()).toEqual(before);

      const entry = await call(operator, 'recordBillingAdjustment', {
        params: { municipalityCode: CHIYODA },
        body: { correctsMonth: '2026-11', amountYen: -345, chainCode: 'chain-a', note: 'chain-a counted a copy twice' },
      });
      expect(entry).toMatchObject({
        kind: 'adjustment',
        adjusts: 'manual',
        billingMonth: '2026-12',
        correctsMonth: '2026-11',
        amountYen: -345,
      });
      const december = await call(admin, 'billingStatement', { params: { municipalityCode: CHIYODA, month: '2026-12' } });
      expect(december.adjustments.filter((a) => a.adjusts === 'manual')).toEqual([
        expect.objectContaining({ entryId: entry.entryId, amountYen: -345 }),
      ]);
      const row = await con.center.database.db
        .selectFrom('audit_events')
        .select('detail_json')
        .where('event', '=', 'billing_adjustment_recorded')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.detail_json!)).toMatchObject({ entryId: entry.entryId, correctsMonth: '2026-11', amountYen: -345 });
      expect(row.detail_json).not.toContain('twice');
    });

    it('configures commission rates from a date after today only, and the participation-charge table per fiscal year', async () => {
      const before = await ledgerAndHistory();
      const backDated = await operator.call('scheduleStoreCommission', {
        body: { chainCode: 'chain-a', effectiveFrom: '2026-12-02', rateYen: 110 },
      });
      expect([backDated.status, codeOf(backDated.body)]).toEqual([400, 'INPUT_INVALID']);
      const unknown = await operator.call('scheduleStoreCommission', {
        body: { chainCode: 'no-such-chain', effectiveFrom: '2027-01-01', rateYen: 110 },
      });
      expect([unknown.status, codeOf(unknown.body)]).toEqual([404, 'NOT_FOUND']);
      expect(await ledgerAndHistory()).toEqual(before);
      const list = await call(operator, 'scheduleStoreCommission', {
        body: { chainCode: 'chain-a', effectiveFrom: '2027-01-01', rateYen: 110 },
      });
      expect(list.chains).toEqual([
        expect.objectContaining({ chainCode: 'chain-a', rateTodayYen: 115, rates: [{ effectiveFrom: '2027-01-01', rateYen: 110 }] }),
      ]);

      expect(await call(operator, 'participationCharges', { params: { fiscalYear: 2027 } })).toMatchObject({
        source: 'default',
        table: { townVillage: 700_000 },
      });
      const table = {
        designatedCityLarge: 9_000_000,
        designatedCity: 7_000_000,
        cityLarge: 4_000_000,
        cityMedium: 2_500_000,
        citySmall: 2_000_000,
        townVillage: 600_000,
      };
      await call(operator, 'putParticipationCharges', { params: { fiscalYear: 2027 }, body: table });
      await call(operator, 'putBillingProfile', {
        params: { municipalityCode: CHIYODA, fiscalYear: 2027 },
        body: { kind: 'specialWard', population: 68_000 },
      });
      const view = await call(operator, 'participationCharges', { params: { fiscalYear: 2027 } });
      expect(view).toMatchObject({ source: 'configured', table });
      expect(view.profiles).toEqual([
        expect.objectContaining({ municipalityCode: CHIYODA, band: 'cityMedium', annualChargeYen: 2_500_000 }),
      ]);
    });

    it('a close racing payments at the month’s end: each fee is counted by the close or an adjustment after it', async () => {
      con.center.clock.set(new Date('2027-01-31T22:59:00+09:00'));
      const kiosk = await con.center.enrollKiosk(undefined, { chainCode: 'chain-a' });
      const card = await con.center.issueCard(con.center.demo.featured.chiyodaResident);
      const quotes = [];
      for (let i = 0; i < 6; i++) quotes.push(ok(await con.center.quote(kiosk, ok(await con.center.authenticate(kiosk, card)).sessionId)));
      // The close runs on a clock already in February (another center, or the CLI), side by side with the payments.
      const [, ...payments] = await Promise.all([
        closeBillingMonth(con.center.database, CHIYODA, '2027-01', { staffId: 'race', now: new Date('2027-02-01T00:00:01+09:00') }),
        ...quotes.map((q) => con.center.pay(kiosk, q)),
      ]);
      payments.forEach((p) => ok(p));
      const db = con.center.database.db;
      const fees = await db
        .selectFrom('billing_ledger')
        .selectAll()
        .where(
          'issuance_id',
          'in',
          quotes.map((q) => q.issuanceId),
        )
        .where((w) => w.or([w('kind', '=', 'fee'), w('adjusts', '=', 'fee')]))
        .execute();
      expect(fees).toHaveLength(quotes.length);
      for (const fee of fees)
        expect([fee.kind, fee.billing_month, fee.corrects_month]).toEqual(
          fee.kind === 'fee' ? ['fee', '2027-01', null] : ['adjustment', '2027-02', '2027-01'],
        );
      // The close's commission counts exactly January's own fee entries.
      const january = await db
        .selectFrom('billing_ledger')
        .selectAll()
        .where('municipality_code', '=', CHIYODA)
        .where('billing_month', '=', '2027-01')
        .execute();
      const counted = january.filter((e) => e.kind === 'storeCommission').reduce((n, e) => n + e.copies!, 0);
      expect(counted).toBe(january.filter((e) => e.kind === 'fee').reduce((n, e) => n + e.copies!, 0));
    });

    it('keeps the ledger append-only at the database', async () => {
      const db = con.center.database.db;
      await expect(sql`update billing_ledger set amount_yen = 0`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from billing_ledger`.execute(db)).rejects.toThrow(/append-only/);
    });
  });
});

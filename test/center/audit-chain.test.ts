/**
 * Acceptance 8: the issuance history is append-only and hash-chained, written in the same
 * transaction as the change it records. The database refuses UPDATE/DELETE on it; someone who
 * drops that guard and edits or deletes a row is caught by `audit verify` (library and CLI).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultResidenceRecordOptions, type RouteBody } from '@madoguchi/shared';
import { verifyAuditChain, sweep, type CenterDatabase } from '@madoguchi/center';
import { forEachDatabase } from '../support/databases.js';
import { ok, startCenter, type CenterHarness } from './support/center-harness.js';

async function dropGuards(database: CenterDatabase): Promise<void> {
  if (database.kind === 'sqlite') {
    await sql`drop trigger audit_events_no_update`.execute(database.db);
    await sql`drop trigger audit_events_no_delete`.execute(database.db);
  } else {
    await sql`drop trigger audit_events_no_change on audit_events`.execute(database.db);
  }
}

const repoRoot = join(__dirname, '../..');

forEachDatabase((harness) => {
  describe('audit chain', () => {
    let center: CenterHarness;
    let issuanceId: string;
    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
      const kiosk = await center.enrollKiosk();
      const card = await center.issueCard(center.demo.featured.chiyodaResident);
      const session = ok(await center.authenticate(kiosk, card));
      const q = ok(await center.quote(kiosk, session.sessionId));
      const d = ok(await center.pay(kiosk, q));
      ok(await center.reportPrint(kiosk, q.issuanceId, { issueNumber: d.documents[0]!.binding.issueNumber }));
      issuanceId = q.issuanceId;
    });
    afterAll(() => center?.close());
    /** The CLI's --database for this half: the SQLite file, or the PostgreSQL connection string. */
    const databaseArg = () => {
      const config = harness.configOf(center.database);
      return config.kind === 'sqlite' ? config.path : config.connectionString;
    };

    it('records when, where, who (an id, never a name), what, pages and issue numbers, in an intact chain', async () => {
      const rows = await center.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('issuance_id', '=', issuanceId)
        .orderBy('seq')
        .execute();
      expect(rows.map((r) => r.event)).toEqual(['quoted', 'paid', 'delivered', 'printed']);
      const delivered = rows.find((r) => r.event === 'delivered')!;
      expect(delivered.store_code).toMatch(/^S-/);
      expect(delivered.terminal_id).toMatch(/^T/);
      expect(delivered.resident_id).toBe(center.demo.featured.chiyodaResident);
      expect(delivered.certificate_type).toBe('residenceRecord');
      expect(delivered.options_json).not.toBeNull();
      expect(delivered.page_count).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(delivered.issue_numbers_json!)).toHaveLength(1);
      const resident = center.demo.batch.residents.find((r) => r.residentId === center.demo.featured.chiyodaResident)!;
      const everything = JSON.stringify(await center.database.db.selectFrom('audit_events').selectAll().execute());
      expect(everything).not.toContain(resident.name.family + resident.name.given);
      expect(everything).not.toContain(resident.name.family);
      expect((await verifyAuditChain(center.database.db)).ok).toBe(true);
    });

    it('records a CLI disposal (処分) of a misprinted document with its store, terminal and operator; the chain stays intact', async () => {
      const doc = await center.database.db
        .selectFrom('issuance_documents')
        .select(['issue_number', 'page_count'])
        .where('issuance_id', '=', issuanceId)
        .executeTakeFirstOrThrow();
      const dispose = (...extra: string[]) =>
        promisify(execFile)(
          process.execPath,
          [
            '--import',
            'tsx',
            'apps/center/src/cli/audit.ts',
            '--database',
            databaseArg(),
            'dispose',
            doc.issue_number,
            '--reason',
            'collected from the store and shredded',
            ...extra,
          ],
          { cwd: repoRoot, encoding: 'utf8' },
        );
      // Who recorded a disposal is part of the record: the CLI refuses without an operator id.
      await expect(dispose()).rejects.toMatchObject({ stderr: expect.stringContaining('--operator') });
      const { stdout } = await dispose('--operator', 'ops-0042');
      expect(stdout).toContain('disposal recorded');
      const rows = await center.database.db.selectFrom('audit_events').selectAll().where('event', '=', 'disposal').execute();
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      const delivered = await center.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('issuance_id', '=', issuanceId)
        .where('event', '=', 'delivered')
        .executeTakeFirstOrThrow();
      expect(row.issuance_id).toBe(issuanceId);
      expect(row.store_code).toBe(delivered.store_code);
      expect(row.store_code).toMatch(/^S-/);
      expect(row.terminal_id).toBe(delivered.terminal_id);
      expect(row.resident_id).toBe(center.demo.featured.chiyodaResident);
      expect(row.certificate_type).toBe('residenceRecord');
      expect(row.options_json).toBe(delivered.options_json);
      expect(row.copies).toBe(1);
      expect(row.page_count).toBe(doc.page_count);
      expect(JSON.parse(row.issue_numbers_json!)).toEqual([doc.issue_number]);
      expect(JSON.parse(row.detail_json!)).toEqual({
        reason: 'collected from the store and shredded',
        operatorId: 'ops-0042',
        printOutcome: 'printed',
      });
      expect((await verifyAuditChain(center.database.db)).ok).toBe(true);
    });

    it('sweeper rows name their issuance, store and terminal: deleted document bytes, voided quotes with options and copies', async () => {
      const kiosk = await center.enrollKiosk();
      const card = await center.issueCard(center.demo.featured.chiyodaResident);
      const session = ok(await center.authenticate(kiosk, card));
      const options: RouteBody<'quote'>['options'] = {
        residenceRecord: defaultResidenceRecordOptions(),
      };
      const newQuote = async (copies: number) => ok(await center.quote(kiosk, session.sessionId, { options, copies }));
      // Delivered, never reported: its bytes outlive the document TTL. Quoted, never paid: voided.
      const delivered = await newQuote(2);
      const d = ok(await center.pay(kiosk, delivered));
      const unpaid = await newQuote(1);
      const t = center.config.timeouts;
      const later = new Date(center.clock.now().getTime() + Math.max(t.documentTtlMs, t.quoteTtlMs) + 1000);
      // Print results stay due (their TTL is longer): only the bytes and the quote go.
      const report = await sweep(
        center.database,
        { printResultTtlMs: 86_400_000, documentTtlMs: t.documentTtlMs, quoteTtlMs: t.quoteTtlMs, idempotencyTtlMs: 86_400_000 },
        later,
      );
      expect(report.documentsDeleted).toBe(2);
      expect(report.voided).toContain(unpaid.issuanceId);

      const deletedRows = await center.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('event', '=', 'documents_deleted')
        .execute();
      expect(deletedRows).toHaveLength(1);
      const deleted = deletedRows[0]!;
      expect(deleted).toMatchObject({
        issuance_id: delivered.issuanceId,
        store_code: `S-${kiosk.terminalId}`,
        terminal_id: kiosk.terminalId,
        resident_id: center.demo.featured.chiyodaResident,
        certificate_type: 'residenceRecord',
        copies: 2,
      });
      expect(JSON.parse(deleted.options_json!)).toEqual(options);
      expect(JSON.parse(deleted.issue_numbers_json!)).toEqual(d.documents.map((doc) => doc.binding.issueNumber));

      const voided = await center.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('issuance_id', '=', unpaid.issuanceId)
        .where('event', '=', 'voided')
        .executeTakeFirstOrThrow();
      expect(voided).toMatchObject({
        store_code: `S-${kiosk.terminalId}`,
        terminal_id: kiosk.terminalId,
        certificate_type: 'residenceRecord',
        copies: 1,
      });
      expect(JSON.parse(voided.options_json!)).toEqual(options);
      expect((await verifyAuditChain(center.database.db)).ok).toBe(true);
    });

    it('the database refuses to update or delete history', async () => {
      await expect(center.database.db.updateTable('audit_events').set({ event: 'x' }).where('seq', '=', 1).execute()).rejects.toThrow(
        /append-only/,
      );
      await expect(center.database.db.deleteFrom('audit_events').where('seq', '=', 1).execute()).rejects.toThrow(/append-only/);
    });

    it('detects an edited row and a deleted row, even with the guard dropped (library and CLI)', async () => {
      await dropGuards(center.database);
      const paid = await center.database.db
        .selectFrom('audit_events')
        .select(['seq'])
        .where('issuance_id', '=', issuanceId)
        .where('event', '=', 'paid')
        .executeTakeFirstOrThrow();
      await center.database.db.updateTable('audit_events').set({ resident_id: 'someone-else' }).where('seq', '=', paid.seq).execute();
      const edited = await verifyAuditChain(center.database.db);
      expect(edited.ok).toBe(false);
      expect(edited.problems.map((p) => [p.kind, p.seq])).toContainEqual(['hash_mismatch', paid.seq]);

      const quoted = await center.database.db
        .selectFrom('audit_events')
        .select(['seq'])
        .where('issuance_id', '=', issuanceId)
        .where('event', '=', 'quoted')
        .executeTakeFirstOrThrow();
      await center.database.db.deleteFrom('audit_events').where('seq', '=', quoted.seq).execute();
      const deleted = await verifyAuditChain(center.database.db);
      expect(deleted.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['sequence_gap', 'broken_link']));

      let exitCode = 0;
      let output = '';
      try {
        execFileSync(process.execPath, ['--import', 'tsx', 'apps/center/src/cli/audit.ts', '--database', databaseArg(), 'verify'], {
          cwd: repoRoot,
          encoding: 'utf8',
        });
      } catch (error) {
        exitCode = (error as { status: number }).status;
        output = (error as { stdout: string }).stdout;
      }
      expect(exitCode).toBe(1);
      expect(output).toContain('hash_mismatch');
      expect(output).toContain('sequence_gap');
    });

    it('detects removal of the newest rows: the issuance’s state is no longer recorded', async () => {
      const last = await center.database.db
        .selectFrom('audit_events')
        .select(['seq'])
        .where('issuance_id', '=', issuanceId)
        .where('event', '=', 'printed')
        .executeTakeFirstOrThrow();
      await center.database.db.deleteFrom('audit_events').where('seq', '>=', last.seq).execute();
      const result = await verifyAuditChain(center.database.db);
      expect(result.problems.some((p) => p.kind === 'state_not_recorded' && p.message.includes(issuanceId))).toBe(true);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MadoguchiError } from '@madoguchi/shared';
import { openDatabase, writeTransaction, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { appendAudit, auditEntryProblem, type AuditEntry } from './chain.js';
import { verifyAuditChain } from './verify.js';

const now = new Date('2026-11-24T03:00:00Z');

/** A row as the issuance service writes one. */
const delivered: AuditEntry = {
  event: 'delivered',
  issuanceId: '6f1b7c52-3a43-4c0e-9d4b-2a8f61a1f0b1',
  storeCode: 'S-T0001',
  terminalId: 'T0001',
  residentId: '131016-000001',
  municipalityCode: '131016',
  certificateType: 'residenceRecord',
  options: { residenceRecord: { scope: 'selected', memberIds: ['131016-000001', '131016-000002'], myNumber: false } },
  copies: 2,
  pageCount: 2,
  issueNumbers: ['20261124 千代田区 T0001 P01 000001', '20261124 千代田区 T0001 P01 000002'],
  detail: { documentSha256: ['a'.repeat(64), 'b'.repeat(64)], reasonCode: 'ISSUANCE_PRINT_FAILED' },
};

describe('what a history row may hold', () => {
  it('takes ids, codes, hashes, issue numbers and amounts', () => {
    expect(auditEntryProblem(delivered)).toBeNull();
  });

  it.each([
    ['a long text', { ...delivered, detail: { reasonCode: 'A'.repeat(1024 * 1024) } }, 'entry.detail.reasonCode'],
    ['a line break', { ...delivered, detail: { reasonCode: 'CARD_REMOVED\n山田太郎' } }, 'entry.detail.reasonCode'],
    [
      'a long id in the options',
      { ...delivered, options: { familyRegister: { registerId: 'R'.repeat(300) } } },
      'entry.options.familyRegister.registerId',
    ],
    [
      'a long list',
      { ...delivered, options: { residenceRecord: { memberIds: Array.from({ length: 101 }, (_, i) => `M${i}`) } } },
      'entry.options.residenceRecord.memberIds',
    ],
    ['a long key', { ...delivered, detail: { ['k'.repeat(300)]: 1 } }, 'entry.detail.<key>'],
    ['an issue number with a tab', { ...delivered, issueNumbers: ['20261124\t山田太郎'] }, 'entry.issueNumbers[0]'],
  ])('refuses %s, naming the field and never the value', (_what, entry, path) => {
    expect(auditEntryProblem(entry as AuditEntry)).toBe(path);
  });
});

describe('appendAudit', () => {
  let database: CenterDatabase;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
  });
  afterAll(() => database?.close());

  it('refuses a row that is not ids and codes, and the whole transaction with it', async () => {
    const refused = writeTransaction(database, async (trx) => {
      await appendAudit(trx, database.kind, delivered, now);
      await appendAudit(trx, database.kind, { ...delivered, detail: { reasonCode: '山田太郎さん\n090-1234-5678' } }, now);
    });
    await expect(refused).rejects.toSatisfy(
      (e) => e instanceof MadoguchiError && e.code === 'INTERNAL' && !String(e.message).includes('山田'),
    );
    const rows = await database.db.selectFrom('audit_events').select('seq').execute();
    expect(rows).toEqual([]);
  });

  it('appends a row of ids and codes to an intact chain', async () => {
    await writeTransaction(database, (trx) =>
      appendAudit(trx, database.kind, { event: 'kiosk_enrolled', terminalId: 'T0001', storeCode: 'S-T0001' }, now),
    );
    const verification = await verifyAuditChain(database.db);
    expect(verification.rows).toBe(1);
    expect(verification.problems).toEqual([]);
  });
});

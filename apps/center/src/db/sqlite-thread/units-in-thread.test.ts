/**
 * A unit of work on SQLite (db/database.ts runUnit): one message to the SQLite thread, run there whole,
 * never inside another caller's transaction, and its errors arrive as they were thrown (a catalog code
 * stays a catalog code: the kiosk sees the same status on SQLite and PostgreSQL).
 */
import { MadoguchiError } from '@madoguchi/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as issuanceUnits from '../../issuance/issuance-units.js';
import type { IssuanceRow } from '../../issuance/issuance-history.js';
import { openDatabase, runUnit, writeTransaction, type CenterDatabase } from '../database.js';
import { migrate } from '../migrate.js';
import { unitModules, unitRegistry, unitsOf } from './unit-registry.js';

const kiosk = { terminalId: 'T-0001', printerId: 'P-1', storeCode: 'S-1', storeName: 'store' };
const cancelMissing = (database: CenterDatabase) =>
  runUnit(database, issuanceUnits.cancel, { kiosk, issuanceId: 'no-such-issuance', reasonCode: undefined, now: new Date() });

describe('units of work in the SQLite thread', () => {
  let database: CenterDatabase;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
  });
  afterAll(() => database.close());

  it('runs a unit as one message; its statements run inside the thread', async () => {
    await cancelMissing(database).catch(() => undefined); // loads the units
    const before = database.threadCounts!();
    await cancelMissing(database).catch(() => undefined);
    const after = database.threadCounts!();
    expect(after.messages - before.messages).toBe(1);
    // begin immediate, the issuance's read, rollback
    expect(after.unitStatements - before.unitStatements).toBe(3);
  });

  it('loads the units ahead of the first one (a center before it listens), without the connection: inside a transaction too', async () => {
    const fresh = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    try {
      await migrate(fresh);
      const before = fresh.threadCounts!();
      // Inside a transaction of this thread, which holds the one connection: loading must not wait for it.
      await writeTransaction(fresh, async (trx) => {
        await fresh.loadUnits!();
        await sql`select 1`.execute(trx);
      });
      await fresh.loadUnits!(); // a second load is the first one's answer
      const loaded = fresh.threadCounts!();
      await expect(cancelMissing(fresh)).rejects.toMatchObject({ code: 'ISSUANCE_NOT_FOUND' });
      const after = fresh.threadCounts!();
      expect(after.messages - loaded.messages).toBe(1);
      expect(after.unitStatements - loaded.unitStatements).toBe(3);
      expect(loaded.unitStatements - before.unitStatements).toBe(0); // loading ran no statement
    } finally {
      await fresh.close();
    }
  });

  it('a unit’s MadoguchiError arrives with its class, code and detail', async () => {
    const error = await cancelMissing(database).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MadoguchiError);
    expect((error as MadoguchiError).code).toBe('ISSUANCE_NOT_FOUND');
    expect((error as MadoguchiError).status).toBe(404);
  });

  it('a unit’s SQLite error keeps its SQLITE_ code, its transaction is rolled back, and the connection goes on', async () => {
    const now = new Date();
    const row: IssuanceRow = {
      issuance_id: 'i-1',
      session_id: 'no-such-session',
      terminal_id: kiosk.terminalId,
      resident_id: 'r-1',
      municipality_code: '131016',
      certificate_type: 'residenceRecord',
      options_json: '{}',
      copies: 1,
      fee_yen: 300,
      total_yen: 300,
      paid_yen: null,
      refund_yen: 0,
      state: 'quoted',
      failure_code: null,
      auth_certificate_sha256: 'a'.repeat(64),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    const count = async () =>
      (await sql<{ n: number }>`select (select count(*) from issuances) + (select count(*) from audit_events) as n`.execute(database.db))
        .rows[0]!.n;
    await runUnit(database, issuanceUnits.insertQuote, { row, kiosk, now });
    const rows = await count();
    // The same issuance id again: the primary key refuses it.
    const error = await runUnit(database, issuanceUnits.insertQuote, { row, kiosk, now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(await count()).toBe(rows);
    // A write transaction of the serving thread can begin: nothing was left open in the thread.
    expect(await writeTransaction(database, async () => 'began')).toBe('began');
  });

  it('never runs inside a transaction of the serving thread: it waits for the connection', async () => {
    await cancelMissing(database).catch(() => undefined);
    const order: string[] = [];
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const transaction = writeTransaction(database, async (trx) => {
      await sql`select 1`.execute(trx);
      await held;
      order.push('transaction');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sent = database.threadCounts!().messages;
    const unit = cancelMissing(database).catch(() => order.push('unit'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Not even sent while the transaction holds the connection.
    expect(database.threadCounts!().messages).toBe(sent);
    expect(order).toEqual([]);
    finish();
    await Promise.all([transaction, unit]);
    expect(order).toEqual(['transaction', 'unit']);
  });
});

describe('the unit registry', () => {
  it('lists every unit of the unit modules under its own name, once', () => {
    const units = unitModules.flatMap(unitsOf);
    expect(units.map((u) => u.name)).toContain(issuanceUnits.commitPayment.name);
    expect(new Set(units.map((u) => u.name)).size).toBe(units.length);
    for (const unit of units) expect(unitRegistry.get(unit.name)).toBe(unit.run);
    expect(unitRegistry.size).toBe(units.length);
  });
});

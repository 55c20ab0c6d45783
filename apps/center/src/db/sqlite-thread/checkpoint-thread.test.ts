/**
 * The SQLite thread's WAL checkpointer (checkpoint-thread.mjs): once a center serves (its units loaded), what it
 * commits reaches the database file itself without another commit copying it there, and closing still leaves one
 * file with everything in it.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, writeTransaction, type CenterDatabase } from '../database.js';

/** Rows of `t` in the database file alone, as a copy without its WAL sees them (null: the table is not there yet). */
function rowsInMainFile(path: string, dir: string): number | null {
  const copy = join(dir, `copy-${Math.random().toString(16).slice(2)}.sqlite`);
  copyFileSync(path, copy);
  const db = new BetterSqlite3(copy, { fileMustExist: true });
  try {
    const table = db.prepare("select name from sqlite_master where type = 'table' and name = 't'").get();
    return table ? (db.prepare('select count(*) as n from t').get() as { n: number }).n : null;
  } finally {
    db.close();
    rmSync(copy, { force: true });
  }
}

async function commitRows(database: CenterDatabase, rows: number): Promise<void> {
  await writeTransaction(database, async (trx) => {
    await sql`create table t (id integer primary key, v text not null)`.execute(trx);
    for (let i = 0; i < rows; i++) await sql`insert into t (v) values (${'x'.repeat(200)})`.execute(trx);
  });
}

describe('the SQLite thread checkpoints its WAL in a thread of its own', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-checkpoint-'));
    path = join(dir, 'center.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a serving center: a commit well under the automatic checkpoint reaches the database file', async () => {
    const database = await openDatabase({ kind: 'sqlite', path });
    try {
      await database.loadUnits!();
      // ~60 KB: some 15 pages, far from the 1,000 pages after which a commit checkpoints by itself.
      await commitRows(database, 300);
      let rows = rowsInMainFile(path, dir);
      for (let i = 0; i < 100 && rows !== 300; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = rowsInMainFile(path, dir);
      }
      expect(rows).toBe(300);
    } finally {
      await database.close();
    }
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('a CLI (no units): the commit stays in the WAL until the close checkpoints it, as before', async () => {
    const database = await openDatabase({ kind: 'sqlite', path });
    try {
      await commitRows(database, 300);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(rowsInMainFile(path, dir)).toBeNull();
    } finally {
      await database.close();
    }
    expect(rowsInMainFile(path, dir)).toBe(300);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashRow } from '../audit/chain.js';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { CenterContext } from '../http/context.js';
import { ANSWER_WAIT_MS, chainVerification } from './anomaly-verification.js';

/** The page's bound (issue 14 item 4: every console answer within 1 s). */
const PAGE_BOUND_MS = 1_000;
/** Long enough that a whole walk takes longer than ANSWER_WAIT_MS on any machine we run on. */
const CHAIN_ROWS = 60_000;

/** A valid chain of `count` rows (as appendAudit writes them), inserted in batches. */
async function writeChain(database: CenterDatabase, count: number): Promise<void> {
  let prevHash = GENESIS_HASH;
  const batch: Parameters<typeof hashRow>[0][] = [];
  const flush = async () => {
    const rows = batch.splice(0);
    if (rows.length)
      await database.db
        .insertInto('audit_events')
        .values(rows.map((r) => ({ ...r, hash: hashRow(r) })))
        .execute();
  };
  for (let seq = 1; seq <= count; seq++) {
    const base = {
      seq,
      recorded_at: new Date(Date.UTC(2026, 10, 1) + seq * 1000).toISOString(),
      event: 'staff_signed_in',
      issuance_id: null,
      store_code: null,
      terminal_id: null,
      resident_id: null,
      municipality_code: null,
      certificate_type: null,
      options_json: null,
      copies: null,
      page_count: null,
      issue_numbers_json: null,
      detail_json: `{"n":${seq}}`,
      prev_hash: prevHash,
    };
    prevHash = hashRow(base);
    batch.push(base);
    if (batch.length === 500) await flush();
  }
  await flush();
}

/** Asks as the page does: once, then again about that run until it is done; every answer timed. */
async function verifyToTheEnd(context: CenterContext, answers: number[]) {
  const timed = async (startedAfter?: string) => {
    const started = performance.now();
    const answer = await chainVerification(context, startedAfter ? { startedAfter } : {});
    answers.push(performance.now() - started);
    return answer;
  };
  let answer = await timed();
  const first = answer;
  while (answer.running) answer = await timed(answer.running.startedAt);
  return { first, last: answer.last! };
}

describe('chain verification from the console', () => {
  let database: CenterDatabase;
  let context: CenterContext;
  let tick = 0;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
    // A clock that moves a second per reading, so each run has its own start.
    context = { database, config: {}, now: () => new Date(Date.UTC(2026, 10, 24, 3) + ++tick * 1000) } as unknown as CenterContext;
  });
  afterAll(() => database.close());

  it('runs one verification at a time: callers while one runs join it, a caller after it gets a new one', async () => {
    const [first, joined] = await Promise.all([
      chainVerification(context, { waitMs: 5_000 }),
      chainVerification(context, { waitMs: 5_000 }),
    ]);
    expect(first).toMatchObject({ running: null, last: { ok: true, rows: 0, headsChecked: 0 } });
    expect(joined).toEqual(first);
    // Asked again about that run: answered from memory, no new walk.
    expect(await chainVerification(context, { startedAfter: first.last!.startedAt, waitMs: 0 })).toEqual(first);
    const later = await chainVerification(context, { waitMs: 5_000 });
    expect(later.last!.startedAt > first.last!.startedAt).toBe(true);
  });

  const bounded = `answers within ${PAGE_BOUND_MS} ms on a chain of ${CHAIN_ROWS} rows`;
  it(`${bounded}, and reports a row altered after a verification at the next`, async () => {
    await writeChain(database, CHAIN_ROWS);
    const answers: number[] = [];
    const clean = await verifyToTheEnd(context, answers);
    expect(clean.last).toMatchObject({ ok: true, rows: CHAIN_ROWS, head: { seq: CHAIN_ROWS }, firstBrokenSeq: null, problems: [] });

    // Edited after that verification, by someone who dropped the append-only guard: its hash no longer matches.
    await sql`drop trigger audit_events_no_update`.execute(database.db);
    await database.db.updateTable('audit_events').set({ detail_json: '{"n":0}' }).where('seq', '=', 31_337).execute();
    const tampered = await verifyToTheEnd(context, answers);
    // While the second walk ran, the page showed the first one's result, with its time and head.
    if (tampered.first.running) expect(tampered.first.last).toEqual(clean.last);
    expect(tampered.last).toMatchObject({ ok: false, rows: CHAIN_ROWS, firstBrokenSeq: 31_337 });
    expect(tampered.last.problems).toContainEqual(expect.objectContaining({ seq: 31_337, kind: 'hash_mismatch' }));
    expect(tampered.last.startedAt > clean.last.startedAt).toBe(true);

    expect(Math.max(...answers)).toBeLessThan(PAGE_BOUND_MS);
    // The walk outlasted the wait at least once, so the bound above was the background's doing.
    expect(answers.length, `answers: ${answers.map((ms) => ms.toFixed(0)).join(', ')} ms`).toBeGreaterThan(2);
    expect(ANSWER_WAIT_MS).toBeLessThan(PAGE_BOUND_MS / 2);
  }, 120_000);
});

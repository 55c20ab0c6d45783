import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { endSessionsOf, openSession, useSession, type SessionPolicy } from './sessions.js';

const MINUTE = 60_000;
const T0 = new Date('2026-11-24T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const policy: SessionPolicy = { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE };

describe('staff sessions', () => {
  let database: CenterDatabase;
  let counter = 0;

  /** A new active account with one session opened at `opened`; returns its cookie token. */
  async function sessionAt(opened: Date, status: 'active' | 'disabled' = 'active'): Promise<{ staffId: string; token: string }> {
    const staffId = `stf_session_${++counter}`;
    await database.db
      .insertInto('staff_users')
      .values({
        staff_id: staffId,
        login_id: `session.user.${counter}`,
        role: 'auditor',
        municipality_code: null,
        status,
        password_hash: null,
        totp_secret: null,
        totp_last_step: null,
        created_at: T0.toISOString(),
        created_by: null,
        last_sign_in_at: null,
        updated_at: T0.toISOString(),
      })
      .execute();
    return { staffId, token: (await openSession(database.db, staffId, opened, policy, '192.0.2.1')).token };
  }
  const state = async (token: string, when: Date) => (await useSession(database.db, token, when, policy)).state;

  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
  });
  afterAll(() => database?.close());

  it('keeps the cookie token out of the table (only its SHA-256) and hands back the principal', async () => {
    const { staffId, token } = await sessionAt(T0);
    const rows = await database.db.selectFrom('staff_sessions').selectAll().where('staff_id', '=', staffId).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    const used = await useSession(database.db, token, at(MINUTE), policy);
    expect(used).toMatchObject({ state: 'live', principal: { staffId, role: 'auditor', municipalityCode: null } });
  });

  it('ends after idleMs without use, and each use starts the idle time again', async () => {
    const { token } = await sessionAt(T0);
    expect(await state(token, at(30 * MINUTE - 1))).toBe('live');
    expect(await state(token, at(60 * MINUTE - 2))).toBe('live');
    expect(await state(token, at(90 * MINUTE - 2))).toBe('expired');
    // Once ended it stays ended: the row is gone.
    expect(await state(token, at(90 * MINUTE - 3))).toBe('expired');
  });

  it('ends absoluteMs after sign-in however busy, and not a moment before', async () => {
    const { token } = await sessionAt(T0);
    for (let t = 20 * MINUTE; t < policy.absoluteMs; t += 20 * MINUTE) expect(await state(token, at(t)), `${t / MINUTE} min`).toBe('live');
    expect(await state(token, at(policy.absoluteMs - 1))).toBe('live');
    expect(await state(token, at(policy.absoluteMs))).toBe('expired');
  });

  it('is dead for an account that is not active, and ends with endSessionsOf (all, or all but one)', async () => {
    const disabled = await sessionAt(T0, 'disabled');
    expect(await state(disabled.token, at(MINUTE))).toBe('expired');
    const { staffId, token: first } = await sessionAt(T0);
    const second = await openSession(database.db, staffId, T0, policy, null);
    await endSessionsOf(database.db, staffId, second.sessionHash);
    expect(await state(first, at(MINUTE))).toBe('expired');
    expect(await state(second.token, at(MINUTE))).toBe('live');
    await endSessionsOf(database.db, staffId);
    expect(await state(second.token, at(2 * MINUTE))).toBe('expired');
    expect(await state('never-issued', at(MINUTE))).toBe('expired');
  });
});

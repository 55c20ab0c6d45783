import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { hashSecret, verifySecret } from './passwords.js';
import { RECOVERY_CODE_COUNT, newRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { signIn } from './sign-in.js';

const FORMAT = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/;
const now = new Date('2026-11-24T03:00:15Z');
const policy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

describe('recovery codes', () => {
  let database: CenterDatabase;
  let codes: string[];

  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
    const made = await newRecoveryCodes();
    codes = made.codes;
    await database.db
      .insertInto('staff_users')
      .values({
        staff_id: 'stf_recovery',
        login_id: 'recovery.user',
        role: 'auditor',
        municipality_code: null,
        status: 'active',
        password_hash: await hashSecret('the password here', { N: 2 ** 10, r: 8, p: 1 }),
        totp_secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
        totp_last_step: null,
        created_at: now.toISOString(),
        created_by: null,
        last_sign_in_at: null,
        updated_at: now.toISOString(),
      })
      .execute();
    await database.db
      .insertInto('staff_recovery_codes')
      .values(made.hashes.map((code_hash) => ({ staff_id: 'stf_recovery', code_hash, used_at: null })))
      .execute();
  });
  afterAll(() => database?.close());

  it('are ten distinct xxxx-xxxx-xxxx codes of a–z and 0–9, about 62 random bits each', () => {
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(FORMAT);
    // 12 characters of 36: every character position varies over many draws.
    const draws = Array.from({ length: 200 }, newRecoveryCode);
    for (let position = 0; position < 14; position++) {
      if (position === 4 || position === 9) continue;
      expect(new Set(draws.map((d) => d[position])).size, `position ${position}`).toBeGreaterThan(20);
    }
  });

  it('are kept as scrypt hashes, each matching its own code only', async () => {
    const rows = await database.db.selectFrom('staff_recovery_codes').select('code_hash').execute();
    expect(rows).toHaveLength(RECOVERY_CODE_COUNT);
    for (const row of rows) {
      expect(row.code_hash).toMatch(/^scrypt\$4096\$8\$1\$/);
      for (const code of codes) expect(row.code_hash).not.toContain(code);
    }
    const matches = await Promise.all(
      rows.map(async (row) => (await Promise.all(codes.map((c) => verifySecret(c, row.code_hash)))).filter(Boolean)),
    );
    expect(matches.map((m) => m.length)).toEqual(Array(RECOVERY_CODE_COUNT).fill(1));
  });

  it('sign in once each: a code used is refused the second time, the others still work', async () => {
    const attempt = (recoveryCode: string, address: string) =>
      signIn(database, { loginId: 'recovery.user', password: 'the password here', recoveryCode }, address, now, policy);
    await expect(attempt(codes[0]!, '192.0.2.1')).resolves.toMatchObject({ user: { staff_id: 'stf_recovery' } });
    await expect(attempt(codes[0]!, '192.0.2.2')).rejects.toMatchObject({ code: 'SIGN_IN_FAILED' });
    await expect(attempt(codes[1]!, '192.0.2.3')).resolves.toMatchObject({ user: { staff_id: 'stf_recovery' } });
    const used = await database.db.selectFrom('staff_recovery_codes').select('used_at').where('used_at', 'is not', null).execute();
    expect(used).toHaveLength(2);
  });
});

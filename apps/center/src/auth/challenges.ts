/**
 * Challenges for the card signature: 32 random bytes, bound to the kiosk that asked for them,
 * usable once, for at most `ttlMs` (≤ 60 s). "Used once" is a compare-and-set in the UPDATE's
 * WHERE clause (`used_at is null`), so two racing requests with the same challenge cannot both
 * consume it, on one center process or on several sharing PostgreSQL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { MadoguchiError, type ChallengeResponse } from '@madoguchi/shared';
import { preparedStatement, type CenterDatabase } from '../db/database.js';

export const MAX_CHALLENGE_TTL_MS = 60_000;

/* The two statements of every sign-in, compiled once per database (db/database.ts preparedStatement). */
const insertChallenge = preparedStatement(
  ['challengeId', 'terminalId', 'challengeHex', 'createdAt', 'expiresAt'],
  (db, p: { challengeId: string; terminalId: string; challengeHex: string; createdAt: string; expiresAt: string }) =>
    db.insertInto('challenges').values({
      challenge_id: p.challengeId,
      terminal_id: p.terminalId,
      challenge_hex: p.challengeHex,
      created_at: p.createdAt,
      expires_at: p.expiresAt,
      used_at: null,
    }),
);

const consume = preparedStatement(['challengeId', 'terminalId', 'at'], (db, p: { challengeId: string; terminalId: string; at: string }) =>
  db
    .updateTable('challenges')
    .set({ used_at: p.at })
    .where('challenge_id', '=', p.challengeId)
    .where('terminal_id', '=', p.terminalId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', p.at)
    .returning('challenge_hex'),
);

export async function issueChallenge(database: CenterDatabase, terminalId: string, now: Date, ttlMs: number): Promise<ChallengeResponse> {
  const ttl = Math.min(ttlMs, MAX_CHALLENGE_TTL_MS);
  const challenge = randomBytes(32);
  const challengeId = randomUUID();
  const expiresAt = new Date(now.getTime() + ttl).toISOString();
  const values = { challengeId, terminalId, challengeHex: challenge.toString('hex'), createdAt: now.toISOString(), expiresAt };
  await insertChallenge(database.db, values);
  return { challengeId, challenge: challenge.toString('base64'), expiresAt };
}

/**
 * Consumes the challenge for this kiosk and returns its bytes, or refuses: unknown, bound to
 * another kiosk (not consumed: a stranger's attempt must not burn the real kiosk's challenge),
 * expired (not consumed either), or already used. The compare-and-set and the read of the bytes
 * are one statement (UPDATE … RETURNING); only a refusal reads the row again, to name its reason.
 */
export async function consumeChallenge(database: CenterDatabase, challengeId: string, terminalId: string, now: Date): Promise<Buffer> {
  const at = now.toISOString();
  const consumed = (await consume(database.db, { challengeId, terminalId, at })).rows[0];
  if (consumed) return Buffer.from(consumed.challenge_hex, 'hex');
  const row = await database.db.selectFrom('challenges').selectAll().where('challenge_id', '=', challengeId).executeTakeFirst();
  if (!row) throw new MadoguchiError('AUTH_CHALLENGE_UNKNOWN');
  if (row.terminal_id !== terminalId)
    throw new MadoguchiError('AUTH_CHALLENGE_WRONG_KIOSK', `challenge of ${row.terminal_id} presented by ${terminalId}`);
  if (row.used_at !== null) throw new MadoguchiError('AUTH_CHALLENGE_REPLAYED');
  if (row.expires_at <= now.toISOString()) throw new MadoguchiError('AUTH_CHALLENGE_EXPIRED');
  // Unused and in time when read again: it was not when the UPDATE ran (another call's commit in between).
  throw new MadoguchiError('AUTH_CHALLENGE_REPLAYED', 'lost the race for this challenge');
}

/** Removes challenges that can no longer be used (the sweeper calls it). */
export async function purgeChallenges(database: CenterDatabase, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - MAX_CHALLENGE_TTL_MS).toISOString();
  const result = await database.db.deleteFrom('challenges').where('expires_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

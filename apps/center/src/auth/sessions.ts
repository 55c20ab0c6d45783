/**
 * Resident sessions: created only from a verified card signature over a fresh challenge, bound to
 * the kiosk and the card certificate, and short-lived. Every issuance names its session, and every
 * document binding carries the session's card-certificate digest.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { MadoguchiError } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { runUnit, unitOfWork, writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { SessionsTable } from '../db/tables/issuance.js';
import type { Kiosk } from '../kiosks/registry.js';
import type { VerifiedCard } from './card-certificate.js';

export interface Session {
  sessionId: string;
  terminalId: string;
  residentId: string;
  municipalityCode: string;
  authCertificateSha256: string;
  authNotAfter: Date;
  cardUsableFrom: string | null;
  expiresAt: string;
}

export async function createSession(
  database: CenterDatabase,
  input: {
    kiosk: Kiosk;
    residentId: string;
    municipalityCode: string;
    cardUsableFrom: string | null;
    card: VerifiedCard;
    now: Date;
    ttlMs: number;
  },
): Promise<Session> {
  const session: Session = {
    sessionId: randomUUID(),
    terminalId: input.kiosk.terminalId,
    residentId: input.residentId,
    municipalityCode: input.municipalityCode,
    authCertificateSha256: input.card.certificateSha256,
    authNotAfter: input.card.notAfter,
    cardUsableFrom: input.cardUsableFrom,
    expiresAt: new Date(input.now.getTime() + input.ttlMs).toISOString(),
  };
  await runUnit(database, insertSession, { session, kiosk: input.kiosk, now: input.now });
  return session;
}

/**
 * The session's row and its history row, in one transaction: a unit of work (db/database.ts runUnit), so on
 * SQLite it is one message to the SQLite thread.
 */
export const insertSession = unitOfWork(
  'auth.insertSession',
  async (database: CenterDatabase, { session, kiosk, now }: { session: Session; kiosk: Kiosk; now: Date }): Promise<void> => {
    await writeTransaction(database, async (trx) => {
      await trx
        .insertInto('sessions')
        .values({
          session_id: session.sessionId,
          terminal_id: session.terminalId,
          resident_id: session.residentId,
          municipality_code: session.municipalityCode,
          auth_certificate_sha256: session.authCertificateSha256,
          auth_not_after: session.authNotAfter.toISOString(),
          card_usable_from: session.cardUsableFrom,
          created_at: now.toISOString(),
          expires_at: session.expiresAt,
        })
        .execute();
      await appendAudit(
        trx,
        database.kind,
        {
          event: 'resident_authenticated',
          storeCode: kiosk.storeCode,
          terminalId: kiosk.terminalId,
          residentId: session.residentId,
          municipalityCode: session.municipalityCode,
          detail: { sessionId: session.sessionId, authCertificateSha256: session.authCertificateSha256 },
        },
        now,
      );
    });
  },
);

/** The session, if it belongs to this kiosk and has not expired; one refusal for every other case. */
export async function loadSession(
  db: Kysely<Database> | Transaction<Database>,
  sessionId: string,
  terminalId: string,
  now: Date,
): Promise<Session> {
  const row = await db.selectFrom('sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  return sessionOf(row, terminalId, now);
}

/** loadSession's decision on a row read with something else (issuance-service.ts reads it with its issuance). */
export function sessionOf(row: Selectable<SessionsTable> | undefined, terminalId: string, now: Date): Session {
  if (!row || row.terminal_id !== terminalId || row.expires_at <= now.toISOString()) throw new MadoguchiError('AUTH_SESSION_EXPIRED');
  return {
    sessionId: row.session_id,
    terminalId: row.terminal_id,
    residentId: row.resident_id,
    municipalityCode: row.municipality_code,
    authCertificateSha256: row.auth_certificate_sha256,
    authNotAfter: new Date(row.auth_not_after),
    cardUsableFrom: row.card_usable_from,
    expiresAt: row.expires_at,
  };
}

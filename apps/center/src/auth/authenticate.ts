/**
 * POST /sessions: the resident's identity comes only from the card's signature over a challenge
 * this center issued to this kiosk. Then the card's (issuer, serial) is mapped to a resident.
 *
 * Creating the session and describing it are two steps: a retried call (same idempotency key)
 * must return the same session without consuming anything again, so the route stores only the
 * session id and describes the session afresh from its row — the menu is decided at the time of
 * the answer (no cached resident state) and no names are kept with the idempotency key.
 */
import { MadoguchiError, type AuthenticateRequest, type AuthenticateResponse } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import type { CenterServices } from '../issuance/services.js';
import type { Kiosk } from '../kiosks/registry.js';
import { verifyCardSignature } from './card-certificate.js';
import { consumeChallenge } from './challenges.js';
import type { RevocationChecker } from './crl.js';
import { createSession, type Session } from './sessions.js';
import type { TrustAnchors } from './trust-anchors.js';

export interface AuthenticationDeps {
  database: CenterDatabase;
  services: CenterServices;
  anchors: TrustAnchors;
  revocation: RevocationChecker;
  sessionTtlMs: number;
}

/** Verifies the card's answer to the challenge (consuming it) and opens a session for its holder. */
export async function authenticateResident(
  deps: AuthenticationDeps,
  kiosk: Kiosk,
  request: AuthenticateRequest,
  now: Date,
): Promise<Session> {
  const challenge = await consumeChallenge(deps.database, request.challengeId, kiosk.terminalId, now);
  const card = verifyCardSignature({
    certificateDer: Buffer.from(request.authCertificate, 'base64'),
    signature: Buffer.from(request.signature, 'base64'),
    challenge,
    anchors: deps.anchors,
    revocation: deps.revocation,
    now,
  });
  const holder = await deps.services.findResidentByCard(card.issuer, card.serialNumber);
  if (!holder) throw new MadoguchiError('AUTH_RESIDENT_UNKNOWN', 'no card link for this certificate');
  return createSession(deps.database, {
    kiosk,
    residentId: holder.residentId,
    municipalityCode: holder.municipalityCode,
    cardUsableFrom: holder.usableFrom,
    card,
    now,
    ttlMs: deps.sessionTtlMs,
  });
}

/** What the kiosk shows for a session: decided now, from the approved records, in one read snapshot. */
export async function describeSession(
  deps: Pick<AuthenticationDeps, 'services'>,
  session: Session,
  now: Date,
): Promise<AuthenticateResponse> {
  const view = await deps.services.sessionView(session, now);
  return { sessionId: session.sessionId, expiresAt: session.expiresAt, ...view };
}

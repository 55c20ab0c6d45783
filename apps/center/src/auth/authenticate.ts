/**
 * POST /sessions: the resident's identity comes only from the card's signature over a challenge
 * this center issued to this kiosk. Then the card's (issuer, serial) is mapped to a resident.
 */
import { MadoguchiError, type AuthenticateRequest, type AuthenticateResponse } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import type { CenterServices } from '../issuance/services.js';
import type { Kiosk } from '../kiosks/registry.js';
import { verifyCardSignature } from './card-certificate.js';
import { consumeChallenge } from './challenges.js';
import type { RevocationChecker } from './crl.js';
import { createSession } from './sessions.js';
import type { TrustAnchors } from './trust-anchors.js';

export interface AuthenticationDeps {
  database: CenterDatabase;
  services: CenterServices;
  anchors: TrustAnchors;
  revocation: RevocationChecker;
  sessionTtlMs: number;
}

export async function authenticateResident(deps: AuthenticationDeps, kiosk: Kiosk, request: AuthenticateRequest, now: Date): Promise<AuthenticateResponse> {
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
  const session = await createSession(deps.database, { kiosk, residentId: holder.residentId, municipalityCode: holder.municipalityCode, cardUsableFrom: holder.usableFrom, card, now, ttlMs: deps.sessionTtlMs });
  const [municipalityName, menu, householdMembers] = await Promise.all([
    deps.services.municipalityName(holder.municipalityCode),
    deps.services.menuFor(holder.residentId, now, { authCertificateNotAfter: card.notAfter, usableFrom: holder.usableFrom }),
    deps.services.householdMembers(holder.residentId),
  ]);
  return { sessionId: session.sessionId, expiresAt: session.expiresAt, municipalityName, menu, householdMembers };
}

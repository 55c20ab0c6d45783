/**
 * The verification QR payload: `MDG1.<claims>.<signature>` (base64url), an Ed25519 signature over
 * the claims that bind the paper to its issuance: issue number, municipality, certificate type,
 * issue date and the content hash. The key id names the center key, so keys can rotate.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { CertificateType, TaxCertificateKind } from '@madoguchi/shared';

export interface VerificationClaims {
  issueNumber: string;
  municipalityCode: string;
  certificateType: CertificateType;
  taxKind?: TaxCertificateKind;
  issuedOn: string;
  contentSha256: string;
}

export interface VerificationSigner {
  readonly keyId: string;
  sign(claims: VerificationClaims): string;
  /** Key material in a form a worker thread can rebuild the signer from. */
  exportForWorker(): { keyId: string; pkcs8Der: Uint8Array };
}

export type VerificationResult =
  | { authentic: true; keyId: string; claims: VerificationClaims }
  | { authentic: false; reason: 'no-payload' | 'malformed' | 'unknown-key' | 'bad-signature' | 'content-mismatch' };

const PREFIX = 'MDG1';

interface WireClaims {
  kid: string;
  n: string;
  m: string;
  t: CertificateType;
  k?: TaxCertificateKind;
  d: string;
  h: string;
}

export function createVerificationSigner(privateKey: KeyObject, keyId: string): VerificationSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('verification key must be Ed25519');
  return {
    keyId,
    sign(claims) {
      // The hash travels as base64url (43 characters instead of 64): a smaller, faster QR code.
      const wire: WireClaims = {
        kid: keyId,
        n: claims.issueNumber,
        m: claims.municipalityCode,
        t: claims.certificateType,
        d: claims.issuedOn,
        h: Buffer.from(claims.contentSha256, 'hex').toString('base64url'),
      };
      if (claims.taxKind) wire.k = claims.taxKind;
      const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
      const signature = sign(null, Buffer.from(`${PREFIX}.${body}`), privateKey).toString('base64url');
      return `${PREFIX}.${body}.${signature}`;
    },
    exportForWorker() {
      return { keyId, pkcs8Der: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })) };
    },
  };
}

export function signerFromWorkerData(data: { keyId: string; pkcs8Der: Uint8Array }): VerificationSigner {
  return createVerificationSigner(createPrivateKey({ key: Buffer.from(data.pkcs8Der), format: 'der', type: 'pkcs8' }), data.keyId);
}

/** Checks a payload's signature only (the paper's content is compared by the reader, or by verifyDocument). */
export function verifyPayload(payload: string, publicKeys: ReadonlyMap<string, KeyObject>): VerificationResult {
  const parts = payload.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return { authentic: false, reason: 'malformed' };
  let wire: WireClaims;
  try {
    wire = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as WireClaims;
  } catch {
    return { authentic: false, reason: 'malformed' };
  }
  if (typeof wire !== 'object' || wire === null || typeof wire.kid !== 'string' || typeof wire.h !== 'string')
    return { authentic: false, reason: 'malformed' };
  const key = publicKeys.get(wire.kid);
  if (!key) return { authentic: false, reason: 'unknown-key' };
  const ok = verify(null, Buffer.from(`${PREFIX}.${parts[1]}`), key, Buffer.from(parts[2]!, 'base64url'));
  if (!ok) return { authentic: false, reason: 'bad-signature' };
  const claims: VerificationClaims = {
    issueNumber: wire.n,
    municipalityCode: wire.m,
    certificateType: wire.t,
    issuedOn: wire.d,
    contentSha256: Buffer.from(wire.h, 'base64url').toString('hex'),
  };
  if (wire.k) claims.taxKind = wire.k;
  return { authentic: true, keyId: wire.kid, claims };
}

/** Public keys from PEM text or KeyObjects, keyed by key id. */
export function publicKeyMap(keys: Record<string, KeyObject | string>): Map<string, KeyObject> {
  return new Map(Object.entries(keys).map(([id, k]) => [id, typeof k === 'string' ? createPublicKey(k) : k]));
}

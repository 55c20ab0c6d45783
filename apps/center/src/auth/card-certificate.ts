/**
 * Checks a card's 利用者証明用電子証明書 and its signature over the center's challenge. Each
 * failure has its own code, in this order: unreadable → signature → chain to a trust anchor →
 * validity dates → revocation. The signature is RSA PKCS#1 v1.5 over DigestInfo(SHA-256(challenge)),
 * which is exactly what `crypto.verify('sha256', …)` checks.
 */
import { X509Certificate, createHash, verify } from 'node:crypto';
import { MadoguchiError } from '@madoguchi/shared';
import type { RevocationChecker } from './crl.js';
import type { TrustAnchors } from './trust-anchors.js';

export interface VerifiedCard {
  /** The issuer DN as CardLink.issuer spells it: `C=JP, O=…, OU=…`. */
  issuer: string;
  serialNumber: string;
  notAfter: Date;
  /** SHA-256 of the certificate DER, hex: what every document binding names. */
  certificateSha256: string;
}

/** Node prints a DN one attribute per line; card links store it comma-separated in certificate order. */
export function issuerDn(cert: X509Certificate): string {
  return cert.issuer.split('\n').join(', ');
}

export function verifyCardSignature(input: {
  certificateDer: Buffer;
  signature: Buffer;
  challenge: Buffer;
  anchors: TrustAnchors;
  revocation: RevocationChecker;
  now: Date;
}): VerifiedCard {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(input.certificateDer);
  } catch {
    throw new MadoguchiError('AUTH_CERTIFICATE_INVALID');
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new MadoguchiError('AUTH_CERTIFICATE_INVALID', 'card key is not RSA');
  let signatureOk = false;
  try {
    signatureOk = verify('sha256', input.challenge, cert.publicKey, input.signature);
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) throw new MadoguchiError('AUTH_SIGNATURE_INVALID');

  const anchor = input.anchors.issuerOf(cert);
  if (!anchor) throw new MadoguchiError('AUTH_CERTIFICATE_UNKNOWN_CA');
  if (cert.ca) throw new MadoguchiError('AUTH_CERTIFICATE_INVALID', 'a CA certificate is not a card certificate');

  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (input.now < notBefore) throw new MadoguchiError('AUTH_CERTIFICATE_NOT_YET_VALID');
  if (input.now > notAfter) throw new MadoguchiError('AUTH_CERTIFICATE_EXPIRED');

  const status = input.revocation.status(anchor, cert.serialNumber, input.now);
  if (status === 'revoked') throw new MadoguchiError('AUTH_CERTIFICATE_REVOKED');
  if (status === 'no-crl') throw new MadoguchiError('INTERNAL', 'no CRL loaded for the card CA: cannot check revocation');

  return {
    issuer: issuerDn(cert),
    serialNumber: cert.serialNumber.toUpperCase(),
    notAfter,
    certificateSha256: createHash('sha256').update(input.certificateDer).digest('hex'),
  };
}

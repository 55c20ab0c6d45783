/**
 * X.509 v3 certificates and v2 CRLs for the test PKI, signed sha256WithRSAEncryption with node:crypto.
 * Only what a JPKI-like user-authentication CA needs; everything else is left out on purpose.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import * as der from './der.js';

export type NameAttribute = ['C' | 'O' | 'OU' | 'CN', string];
export type DistinguishedName = readonly NameAttribute[];

const attributeOids = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
/** JPKI user-authentication certificate policy. */
export const JPKI_AUTH_POLICY_OID = '1.2.392.200149.8.5.1.3.30';

export function encodeName(name: DistinguishedName): der.Der {
  return der.sequence(
    ...name.map(([type, value]) =>
      der.set(der.sequence(der.oid(attributeOids[type]), type === 'C' ? der.printableString(value) : der.utf8String(value))),
    ),
  );
}

/** The DN as one line, in certificate order: `C=JP, O=…, OU=…` (what CardLink.issuer carries). */
export function formatName(name: DistinguishedName): string {
  return name.map(([type, value]) => `${type}=${value}`).join(', ');
}

const signatureAlgorithm = (): der.Der => der.sequence(der.oid(SHA256_WITH_RSA), der.nullValue());

export function keyIdentifier(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(
    createHash('sha1')
      .update(publicKey.export({ type: 'pkcs1', format: 'der' }))
      .digest(),
  );
}

function extension(id: string, critical: boolean, value: der.Der): der.Der {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

export interface CertificateTemplate {
  serial: Uint8Array;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKey: KeyObject;
  issuerPublicKey: KeyObject;
  issuerPrivateKey: KeyObject;
  isCa: boolean;
  policyOid?: string;
}

export function buildCertificate(t: CertificateTemplate): Uint8Array {
  const extensions = [
    extension('2.5.29.19', true, t.isCa ? der.sequence(der.boolean(true)) : der.sequence()),
    // CA: keyCertSign + cRLSign; card: digitalSignature only.
    extension('2.5.29.15', true, t.isCa ? der.bitString(Uint8Array.from([0x06]), 1) : der.bitString(Uint8Array.from([0x80]), 7)),
    extension('2.5.29.14', false, der.octetString(keyIdentifier(t.subjectPublicKey))),
    extension('2.5.29.35', false, der.sequence(der.implicitPrimitive(0, keyIdentifier(t.issuerPublicKey)))),
    ...(t.policyOid ? [extension('2.5.29.32', false, der.sequence(der.sequence(der.oid(t.policyOid))))] : []),
  ];
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(t.serial),
    signatureAlgorithm(),
    encodeName(t.issuer),
    der.sequence(der.time(t.notBefore), der.time(t.notAfter)),
    encodeName(t.subject),
    new Uint8Array(t.subjectPublicKey.export({ type: 'spki', format: 'der' })),
    der.explicit(3, der.sequence(...extensions)),
  );
  return signed(tbs, t.issuerPrivateKey);
}

/** An extension as written: `value` is the DER inside the extnValue OCTET STRING. */
export interface ExtensionSpec {
  oid: string;
  critical: boolean;
  value: der.Der;
}

/** CRL extensions and entry extensions a relying party may meet (RFC 5280 §5.2, §5.3). */
export const CRL_EXTENSION_OIDS = {
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  reasonCode: '2.5.29.21',
  certificateIssuer: '2.5.29.29',
} as const;

/** CRLReason values (RFC 5280 §5.3.1) the tests write. */
export const CRL_REASON = { keyCompromise: 1, certificateHold: 6, removeFromCRL: 8 } as const;

export interface RevokedEntry {
  serial: Uint8Array;
  revokedAt: Date;
  /** Written as a (non-critical) reasonCode entry extension. */
  reasonCode?: number;
  /** Further entry extensions, e.g. a critical one the reader should not understand. */
  extensions?: readonly ExtensionSpec[];
}

export interface CrlTemplate {
  issuer: DistinguishedName;
  issuerPublicKey: KeyObject;
  issuerPrivateKey: KeyObject;
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: number;
  revoked: readonly RevokedEntry[];
  /** CRL extensions after the authority key identifier and CRL number (e.g. a Delta CRL Indicator). */
  extensions?: readonly ExtensionSpec[];
}

function revokedEntry(r: RevokedEntry): der.Der {
  const extensions = [
    ...(r.reasonCode === undefined
      ? []
      : [extension(CRL_EXTENSION_OIDS.reasonCode, false, der.tlv(0x0a, Uint8Array.from([r.reasonCode])))]),
    ...(r.extensions ?? []).map((e) => extension(e.oid, e.critical, e.value)),
  ];
  return der.sequence(der.integer(r.serial), der.time(r.revokedAt), ...(extensions.length > 0 ? [der.sequence(...extensions)] : []));
}

export function buildCrl(t: CrlTemplate): Uint8Array {
  const revoked = t.revoked.map(revokedEntry);
  const tbs = der.sequence(
    der.integer(1),
    signatureAlgorithm(),
    encodeName(t.issuer),
    der.time(t.thisUpdate),
    der.time(t.nextUpdate),
    ...(revoked.length > 0 ? [der.sequence(...revoked)] : []),
    der.explicit(
      0,
      der.sequence(
        extension('2.5.29.35', false, der.sequence(der.implicitPrimitive(0, keyIdentifier(t.issuerPublicKey)))),
        extension('2.5.29.20', false, der.integer(t.crlNumber)),
        ...(t.extensions ?? []).map((e) => extension(e.oid, e.critical, e.value)),
      ),
    ),
  );
  return signed(tbs, t.issuerPrivateKey);
}

function signed(tbs: der.Der, key: KeyObject): Uint8Array {
  const signature = sign('sha256', tbs, key);
  return der.sequence(tbs, signatureAlgorithm(), der.bitString(new Uint8Array(signature)));
}

export function toPem(label: 'CERTIFICATE' | 'X509 CRL', bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

export function fromPem(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/**
 * The card CAs the center trusts (JPKI user-authentication CA generations). Several generations
 * share one DN, so the issuer is chosen by signature: a certificate belongs to the anchor whose
 * public key verifies it, never to the first anchor whose name matches.
 */
import { X509Certificate } from 'node:crypto';

export interface TrustAnchor {
  certificate: X509Certificate;
  /** SHA-256 of the anchor's DER, lower-case hex. */
  id: string;
}

export function splitPem(text: string, label: string): string[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g');
  return text.match(pattern) ?? [];
}

export class TrustAnchors {
  readonly anchors: readonly TrustAnchor[];

  constructor(certificates: X509Certificate[]) {
    if (certificates.length === 0) throw new Error('no card trust anchors configured');
    this.anchors = certificates.map((certificate) => ({ certificate, id: certificate.fingerprint256.replaceAll(':', '').toLowerCase() }));
  }

  static fromPem(pem: string): TrustAnchors {
    return new TrustAnchors(splitPem(pem, 'CERTIFICATE').map((block) => new X509Certificate(block)));
  }

  /** The anchor that signed `cert` (same DN and a verifying signature), or null. */
  issuerOf(cert: X509Certificate): TrustAnchor | null {
    for (const anchor of this.anchors) {
      if (anchor.certificate.subject !== cert.issuer) continue;
      if (cert.verify(anchor.certificate.publicKey)) return anchor;
    }
    return null;
  }
}

/**
 * Who is calling the kiosk API: the TLS layer asks every client for a certificate from the kiosk CA
 * (requestCert) but does not drop the connection itself (rejectUnauthorized: false), because the
 * same port serves public pages (document verification, the OpenAPI document). So each kiosk route
 * refuses here, with a catalog code: no certificate, a certificate the kiosk CA did not issue, or
 * one that is not (or no longer) enrolled.
 */
import type { TLSSocket } from 'node:tls';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { MadoguchiError } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { kioskByCertificate, type Kiosk } from './registry.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the kiosk guard on every kiosk API route; null elsewhere. */
    kiosk: Kiosk | null;
  }
}

/**
 * The DER of the certificate the client presented on this connection, asked of TLS at every request
 * (a TLS 1.2 renegotiation may change it). getPeerX509Certificate wraps OpenSSL's certificate and
 * encodes only the DER asked for; getPeerCertificate built a whole object per request (subject,
 * issuer, public key, three fingerprints): ~0.1 ms of the serving thread, five times per issuance.
 */
function peerCertificateDer(request: FastifyRequest): { der: Buffer; authorized: boolean } | null {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerX509Certificate !== 'function') return null;
  const der = socket.getPeerX509Certificate()?.raw;
  if (!der || der.length === 0) return null;
  return { der, authorized: socket.authorized === true };
}

export function kioskGuard(database: CenterDatabase) {
  return async function requireKiosk(request: FastifyRequest): Promise<void> {
    const peer = peerCertificateDer(request);
    if (!peer) throw new MadoguchiError('KIOSK_CERTIFICATE_MISSING');
    // Not issued by the kiosk CA (or expired): TLS verified it against our CA and said no.
    if (!peer.authorized) throw new MadoguchiError('KIOSK_UNKNOWN', 'client certificate does not chain to the kiosk CA');
    request.kiosk = await kioskByCertificate(database, createHash('sha256').update(peer.der).digest('hex'));
  };
}

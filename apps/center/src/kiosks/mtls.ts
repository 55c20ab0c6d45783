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

/** What the client presented on a connection: its certificate's SHA-256 and whether it chains to the kiosk CA. */
interface Peer {
  sha256: string;
  authorized: boolean;
}

/**
 * Per TLS connection, read once: the center refuses renegotiation (app.ts), so a connection keeps the
 * certificate it opened with. Hashing it anew was the serving thread's ~0.1 ms per request (OpenSSL's
 * certificate wrapped in an X509Certificate, its DER copied out and hashed: ~0.8 s of the 200-kiosk fleet
 * profile, five requests per issuance). Only the fingerprint is kept, never the kiosk: who holds it is read
 * from the database at every request.
 */
const peers = new WeakMap<object, Peer | null>();

function peerOf(request: FastifyRequest): Peer | null {
  const socket = request.raw.socket as Partial<TLSSocket>;
  let peer = peers.get(socket);
  if (peer === undefined) {
    peer = presented(socket);
    peers.set(socket, peer);
  }
  return peer;
}

function presented(socket: Partial<TLSSocket>): Peer | null {
  if (typeof socket.getPeerX509Certificate !== 'function') return null;
  const der = socket.getPeerX509Certificate()?.raw;
  if (!der || der.length === 0) return null;
  return { sha256: createHash('sha256').update(der).digest('hex'), authorized: socket.authorized === true };
}

export function kioskGuard(database: CenterDatabase) {
  return async function requireKiosk(request: FastifyRequest): Promise<void> {
    const peer = peerOf(request);
    if (!peer) throw new MadoguchiError('KIOSK_CERTIFICATE_MISSING');
    // Not issued by the kiosk CA (or expired): TLS verified it against our CA and said no.
    if (!peer.authorized) throw new MadoguchiError('KIOSK_UNKNOWN', 'client certificate does not chain to the kiosk CA');
    request.kiosk = await kioskByCertificate(database, peer.sha256);
  };
}

/**
 * Card certificate revocation from CRLs (X.509 v2, sha256WithRSAEncryption). The center loads the
 * CRL files it is configured with, keeps the newest valid CRL per trust anchor (the anchor whose
 * key verifies the CRL's signature: generations share one DN), and re-reads the files on an
 * interval so a revocation published while the center runs takes effect without a restart.
 *
 * A card whose CA has no loaded CRL is refused (fail closed): without a CRL the center cannot know
 * the card was not revoked.
 */
import { verify } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { children, isTime, readTime, readTlv, serialHex, normalizeSerial, value, TAG, DerError } from './der.js';
import { splitPem, type TrustAnchor, type TrustAnchors } from './trust-anchors.js';

const SHA256_WITH_RSA = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]);

export interface ParsedCrl {
  tbs: Uint8Array;
  signature: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revokedSerials: Set<string>;
}

export function parseCrl(der: Uint8Array): ParsedCrl {
  const outer = readTlv(der, 0);
  if (outer.tag !== TAG.SEQUENCE || outer.end !== der.length) throw new DerError('not a CRL');
  const [tbsTlv, algTlv, sigTlv] = children(der, outer);
  if (!tbsTlv || !algTlv || !sigTlv || sigTlv.tag !== TAG.BIT_STRING) throw new DerError('not a CRL');
  const algOid = children(der, algTlv)[0];
  if (!algOid || algOid.tag !== TAG.OID || !Buffer.from(value(der, algOid)).equals(SHA256_WITH_RSA)) throw new DerError('unsupported CRL signature algorithm');
  const sigBits = value(der, sigTlv);
  if (sigBits[0] !== 0) throw new DerError('signature has unused bits');

  const fields = children(der, tbsTlv);
  let i = 0;
  if (fields[i]?.tag === TAG.INTEGER) i++; // version v2
  i += 2; // signature algorithm, issuer
  const thisUpdateTlv = fields[i++];
  if (!thisUpdateTlv || !isTime(thisUpdateTlv)) throw new DerError('CRL without thisUpdate');
  const thisUpdate = readTime(der, thisUpdateTlv);
  let nextUpdate: Date | null = null;
  if (isTime(fields[i])) nextUpdate = readTime(der, fields[i++]!);
  const revokedSerials = new Set<string>();
  const list = fields[i];
  if (list && list.tag === TAG.SEQUENCE) {
    for (const entry of children(der, list)) {
      const serial = children(der, entry)[0];
      if (!serial || serial.tag !== TAG.INTEGER) throw new DerError('CRL entry without serial');
      revokedSerials.add(serialHex(value(der, serial)));
    }
  }
  return { tbs: der.subarray(tbsTlv.start, tbsTlv.end), signature: sigBits.subarray(1), thisUpdate, nextUpdate, revokedSerials };
}

function readCrlFile(path: string): Uint8Array[] {
  const bytes = readFileSync(path);
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN X509 CRL-----')) {
    return splitPem(text, 'X509 CRL').map((block) => new Uint8Array(Buffer.from(block.replace(/-----[^-]+-----|\s+/g, ''), 'base64')));
  }
  return [new Uint8Array(bytes)];
}

export interface CrlLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export type RevocationStatus = 'good' | 'revoked' | 'no-crl';

export class RevocationChecker {
  private byAnchor = new Map<string, ParsedCrl>();
  private mtimes = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly paths: readonly string[],
    private readonly anchors: TrustAnchors,
    private readonly log: CrlLogger,
  ) {}

  /** Re-reads changed CRL files. A bad file is logged and skipped; the previous CRL stays in force. */
  refresh(force = false): void {
    for (const path of this.paths) {
      let mtime: string;
      try {
        const st = statSync(path);
        mtime = `${st.ino}:${st.mtimeMs}:${st.size}`;
      } catch {
        this.log.warn({ path }, 'CRL file missing');
        continue;
      }
      if (!force && this.mtimes.get(path) === mtime) continue;
      this.mtimes.set(path, mtime);
      try {
        for (const der of readCrlFile(path)) this.accept(parseCrl(der), path);
      } catch (error) {
        this.log.warn({ path, err: (error as Error).message }, 'CRL file could not be read');
      }
    }
  }

  private accept(crl: ParsedCrl, path: string): void {
    const anchor = this.anchors.anchors.find((a) => verify('sha256', crl.tbs, a.certificate.publicKey, crl.signature));
    if (!anchor) {
      this.log.warn({ path }, 'CRL not signed by any trust anchor; ignored');
      return;
    }
    const current = this.byAnchor.get(anchor.id);
    if (current && current.thisUpdate > crl.thisUpdate) return;
    this.byAnchor.set(anchor.id, crl);
    this.log.info({ path, anchor: anchor.id.slice(0, 16), revoked: crl.revokedSerials.size, thisUpdate: crl.thisUpdate.toISOString() }, 'CRL loaded');
  }

  status(anchor: TrustAnchor, serialNumber: string, now: Date): RevocationStatus {
    const crl = this.byAnchor.get(anchor.id);
    if (!crl) return 'no-crl';
    if (crl.nextUpdate && crl.nextUpdate < now) this.log.warn({ anchor: anchor.id.slice(0, 16), nextUpdate: crl.nextUpdate.toISOString() }, 'CRL is past its nextUpdate; publish a fresh one');
    return crl.revokedSerials.has(normalizeSerial(serialNumber)) ? 'revoked' : 'good';
  }

  start(intervalMs: number): void {
    this.refresh(true);
    this.timer = setInterval(() => this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

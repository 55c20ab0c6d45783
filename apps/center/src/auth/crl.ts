/**
 * Card certificate revocation from CRLs (X.509 v2, sha256WithRSAEncryption). The center loads the
 * CRL files it is configured with, keeps the newest valid CRL per trust anchor (the anchor whose
 * key verifies the CRL's signature: generations share one DN), and re-reads the files on an
 * interval so a revocation published while the center runs takes effect without a restart.
 *
 * A card whose CA has no loaded CRL is refused (fail closed): without a CRL the center cannot know
 * the card was not revoked.
 *
 * Freshness, as a relying party must treat it (RFC 5280 §5.1.2.5, §6.3.3):
 * - past its nextUpdate a CRL is late: it stays in use for a configurable grace (the publisher or
 *   the distribution is behind), with an operator warning in the log;
 * - past nextUpdate + grace it is stale: authentication is refused with AUTH_REVOCATION_UNAVAILABLE
 *   ("temporarily unavailable" at the kiosk) until a fresh CRL is loaded — a revocation published
 *   meanwhile would otherwise go unseen for ever;
 * - a CRL whose thisUpdate lies in the future beyond the clock skew is not accepted (a wrong clock
 *   or a bad file must not pin an old or bogus list), nor is one without nextUpdate.
 */
import { verify } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { MadoguchiError } from '@madoguchi/shared';
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
  error?(obj: object, msg: string): void;
}

export type RevocationStatus = 'good' | 'revoked' | 'no-crl';

export interface RevocationPolicy {
  /** How long past its nextUpdate a CRL stays in use; after that authentication is refused. */
  graceMs: number;
  /** How far in the future a CRL's thisUpdate may lie (clocks differ a little). */
  clockSkewMs: number;
}

export const defaultRevocationPolicy: RevocationPolicy = { graceMs: 6 * 3_600_000, clockSkewMs: 5 * 60_000 };

/** fresh: before nextUpdate; late: past it, within the grace; stale: past the grace (refused). */
export type CrlFreshness = 'fresh' | 'late' | 'stale';

export interface CrlHealth {
  anchor: string;
  thisUpdate: string;
  nextUpdate: string;
  freshness: CrlFreshness;
}

export class RevocationChecker {
  private byAnchor = new Map<string, ParsedCrl>();
  private mtimes = new Map<string, string>();
  /** The freshness last reported in the log per anchor, so each change is logged once. */
  private reported = new Map<string, CrlFreshness>();
  private timer: NodeJS.Timeout | undefined;
  private readonly policy: RevocationPolicy;
  private readonly clock: () => Date;

  constructor(
    private readonly paths: readonly string[],
    private readonly anchors: TrustAnchors,
    private readonly log: CrlLogger,
    /** `clock` is the time CRL files are judged by when loaded (default: the system clock). */
    options: Partial<RevocationPolicy> & { clock?: () => Date } = {},
  ) {
    this.policy = { graceMs: options.graceMs ?? defaultRevocationPolicy.graceMs, clockSkewMs: options.clockSkewMs ?? defaultRevocationPolicy.clockSkewMs };
    this.clock = options.clock ?? (() => new Date());
  }

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
    const now = this.clock();
    if (crl.thisUpdate.getTime() > now.getTime() + this.policy.clockSkewMs) {
      this.log.warn({ path, anchor: anchor.id.slice(0, 16), thisUpdate: crl.thisUpdate.toISOString(), now: now.toISOString() }, 'CRL thisUpdate is in the future; ignored (check the clocks and the file)');
      return;
    }
    if (!crl.nextUpdate || crl.nextUpdate < crl.thisUpdate) {
      this.log.warn({ path, anchor: anchor.id.slice(0, 16) }, 'CRL without a usable nextUpdate; ignored');
      return;
    }
    const current = this.byAnchor.get(anchor.id);
    if (current && current.thisUpdate > crl.thisUpdate) return;
    this.byAnchor.set(anchor.id, crl);
    if (current?.thisUpdate.getTime() === crl.thisUpdate.getTime()) return; // the same CRL re-read
    const previous = this.reported.get(anchor.id);
    this.reported.delete(anchor.id);
    this.log.info(
      { path, anchor: anchor.id.slice(0, 16), revoked: crl.revokedSerials.size, thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate.toISOString(), ...(previous ? { replaces: previous } : {}) },
      previous === 'stale' ? 'fresh CRL loaded; card authentication resumes' : 'CRL loaded',
    );
  }

  private freshnessOf(crl: ParsedCrl, now: Date): CrlFreshness {
    const next = crl.nextUpdate!.getTime();
    if (now.getTime() <= next) return 'fresh';
    return now.getTime() <= next + this.policy.graceMs ? 'late' : 'stale';
  }

  /** Logs a change of freshness once (warn when late, error when stale), not on every request. */
  private report(anchor: TrustAnchor, crl: ParsedCrl, freshness: CrlFreshness): void {
    if (freshness === 'fresh' || this.reported.get(anchor.id) === freshness) return;
    this.reported.set(anchor.id, freshness);
    const fields = { anchor: anchor.id.slice(0, 16), thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate!.toISOString(), graceMs: this.policy.graceMs };
    if (freshness === 'late') this.log.warn(fields, 'CRL is past its nextUpdate; still in use within the grace, publish a fresh one');
    else (this.log.error ?? this.log.warn).call(this.log, fields, 'CRL is past nextUpdate + grace: card authentication is refused (AUTH_REVOCATION_UNAVAILABLE) until a fresh CRL is loaded');
  }

  /**
   * The card's revocation status from its CA's CRL. Throws AUTH_REVOCATION_UNAVAILABLE when that
   * CRL is stale (past nextUpdate + grace): the center cannot vouch for the card, so it refuses.
   */
  status(anchor: TrustAnchor, serialNumber: string, now: Date): RevocationStatus {
    const crl = this.byAnchor.get(anchor.id);
    if (!crl) return 'no-crl';
    const freshness = this.freshnessOf(crl, now);
    this.report(anchor, crl, freshness);
    if (freshness === 'stale') throw new MadoguchiError('AUTH_REVOCATION_UNAVAILABLE', `CRL of anchor ${anchor.id.slice(0, 16)} is past nextUpdate ${crl.nextUpdate!.toISOString()} + grace`);
    return crl.revokedSerials.has(normalizeSerial(serialNumber)) ? 'revoked' : 'good';
  }

  /** Per trust anchor with a CRL: its dates and freshness at `now` (for operators and monitoring). */
  health(now: Date): CrlHealth[] {
    return this.anchors.anchors.flatMap((a) => {
      const crl = this.byAnchor.get(a.id);
      return crl ? [{ anchor: a.id.slice(0, 16), thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate!.toISOString(), freshness: this.freshnessOf(crl, now) }] : [];
    });
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

/**
 * Card certificate revocation from CRLs (X.509 v2, sha256WithRSAEncryption). The center loads the
 * CRL files it is configured with (MADOGUCHI_CARD_CRLS), attributes each CRL to the trust anchor
 * whose key verifies its signature (generations share one DN), and re-reads the files on an
 * interval so a revocation published while the center runs takes effect without a restart.
 *
 * Several CRLs per CA (RFC 5280 §5, §6.3). A CA may publish its list split over several files
 * (partitions). The center cannot tell partitions apart by content (it does not support the Issuing
 * Distribution Point, see below), so it treats every configured file as one partition:
 * - in force for a CA are the CRLs of that CA from every configured file, as last accepted; a
 *   serial listed in any of them (whatever the reason, certificateHold included) is revoked; a
 *   file (a PEM bundle) holding several CRLs of one CA contributes all of them, each judged fresh
 *   or stale on its own;
 * - a file's CRLs for a CA are replaced when the file is re-read with CRLs of that CA at least as
 *   new (thisUpdate) as the newest in force from it: that is how a newer list supersedes an older
 *   one of the same partition (a lifted hold disappears). An older file put back is ignored, so a
 *   rollback never lifts a revocation;
 * - a file that cannot be read or parsed whole, or no longer carries a CA's CRL, leaves that CA's
 *   CRLs from it in force until they go stale;
 * - while a configured file has never been read whole (missing since the start, unparseable),
 *   every CA fails closed with AUTH_REVOCATION_UNAVAILABLE: the center cannot tell whose
 *   partition it is.
 *
 * Refused CRLs (not loaded; one operator log line naming the file, and the OID where one is at fault):
 * - any CRL extension or CRL entry extension marked critical that the center does not understand
 *   (RFC 5280 §5.2: such a CRL must not be used). Understood: authorityKeyIdentifier and cRLNumber
 *   on the CRL; reasonCode, invalidityDate and holdInstructionCode on entries;
 * - delta CRLs (Delta CRL Indicator), whatever their criticality: the center uses complete CRLs only,
 *   which RFC 5280 allows, and a delta alone cannot vouch for a card; and entries with the reason
 *   removeFromCRL, which only a delta may carry;
 * - an Issuing Distribution Point marked critical (as RFC 5280 requires it to be): not supported,
 *   so partitioned CRLs must be published as separate files without one; indirect CRLs
 *   (certificateIssuer entries) likewise;
 * - a thisUpdate in the future beyond the clock skew (a wrong clock or a bad file must not pin an
 *   old or bogus list), and a CRL without nextUpdate.
 * A refused CRL leaves its file's earlier CRLs of that CA in force (until stale). If there were
 * none, that file counts as a partition without a usable CRL: its CA fails closed with
 * AUTH_REVOCATION_UNAVAILABLE, because a revocation could be hiding in the list the center refused.
 *
 * A card whose CA has no CRL in any file is refused (fail closed): without a CRL the center cannot
 * know the card was not revoked.
 *
 * Freshness, as a relying party must treat it (RFC 5280 §5.1.2.5, §6.3.3), judged per CRL in force:
 * - past its nextUpdate a CRL is late: it stays in use for a configurable grace (the publisher or
 *   the distribution is behind), with an operator warning in the log;
 * - past nextUpdate + grace it is stale: authentication for every card of its CA is refused with
 *   AUTH_REVOCATION_UNAVAILABLE ("temporarily unavailable" at the kiosk) until a fresh CRL is loaded
 *   for that file — even if the CA's other files are fresh, since the revocation could be in the
 *   stale partition.
 */
import { verify } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { MadoguchiError } from '@madoguchi/shared';
import { children, isTime, oidText, readTime, readTlv, serialHex, normalizeSerial, value, TAG, DerError, type Tlv } from './der.js';
import { splitPem, type TrustAnchor, type TrustAnchors } from './trust-anchors.js';

const SHA256_WITH_RSA = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]);

const OID = {
  authorityKeyIdentifier: '2.5.29.35',
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  reasonCode: '2.5.29.21',
  holdInstructionCode: '2.5.29.23',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
} as const;

/** What the center reads or may safely pass over even when marked critical. */
const UNDERSTOOD_CRL_EXTENSIONS: ReadonlySet<string> = new Set([OID.authorityKeyIdentifier, OID.crlNumber]);
const UNDERSTOOD_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([OID.reasonCode, OID.invalidityDate, OID.holdInstructionCode]);
const REASON_REMOVE_FROM_CRL = 8;

export interface CrlExtension {
  oid: string;
  critical: boolean;
}

export interface ParsedCrl {
  tbs: Uint8Array;
  signature: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revokedSerials: Set<string>;
  crlNumber: bigint | null;
  /** The CRL's own extensions (crlExtensions). */
  extensions: CrlExtension[];
  /** The OIDs of entry extensions marked critical, each once. */
  criticalEntryExtensions: Set<string>;
  /** The reasonCode values its entries carry, each once. */
  reasonCodes: Set<number>;
}

function readExtensions(der: Uint8Array, list: Tlv, onValue?: (oid: string, value: Uint8Array) => void): CrlExtension[] {
  if (list.tag !== TAG.SEQUENCE) throw new DerError('extensions are not a SEQUENCE');
  return children(der, list).map((ext) => {
    const parts = children(der, ext);
    const oidTlv = parts[0];
    if (ext.tag !== TAG.SEQUENCE || !oidTlv || oidTlv.tag !== TAG.OID) throw new DerError('bad extension');
    const hasCritical = parts[1]?.tag === TAG.BOOLEAN;
    const valueTlv = parts[hasCritical ? 2 : 1];
    if (!valueTlv || valueTlv.tag !== TAG.OCTET_STRING || parts.length !== (hasCritical ? 3 : 2)) throw new DerError('bad extension');
    const oid = oidText(value(der, oidTlv));
    onValue?.(oid, value(der, valueTlv));
    return { oid, critical: hasCritical && value(der, parts[1]!)[0] !== 0 };
  });
}

/** The single INTEGER or ENUMERATED inside an extension value, as a bigint. */
function readNumber(bytes: Uint8Array, tag: number): bigint {
  const tlv = readTlv(bytes, 0);
  if (tlv.tag !== tag || tlv.end !== bytes.length || tlv.end === tlv.valueStart) throw new DerError('bad number in extension');
  return BigInt(`0x${Buffer.from(value(bytes, tlv)).toString('hex')}`);
}

export function parseCrl(der: Uint8Array): ParsedCrl {
  const outer = readTlv(der, 0);
  if (outer.tag !== TAG.SEQUENCE || outer.end !== der.length) throw new DerError('not a CRL');
  const [tbsTlv, algTlv, sigTlv] = children(der, outer);
  if (!tbsTlv || !algTlv || !sigTlv || sigTlv.tag !== TAG.BIT_STRING) throw new DerError('not a CRL');
  const algOid = children(der, algTlv)[0];
  if (!algOid || algOid.tag !== TAG.OID || !Buffer.from(value(der, algOid)).equals(SHA256_WITH_RSA))
    throw new DerError('unsupported CRL signature algorithm');
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
  const criticalEntryExtensions = new Set<string>();
  const reasonCodes = new Set<number>();
  if (fields[i]?.tag === TAG.SEQUENCE) {
    for (const entry of children(der, fields[i++]!)) {
      const [serial, revokedAt, entryExtensions, ...rest] = children(der, entry);
      if (!serial || serial.tag !== TAG.INTEGER) throw new DerError('CRL entry without serial');
      if (!isTime(revokedAt) || rest.length > 0) throw new DerError('bad CRL entry');
      revokedSerials.add(serialHex(value(der, serial)));
      if (!entryExtensions) continue;
      const read = readExtensions(der, entryExtensions, (oid, bytes) => {
        if (oid === OID.reasonCode) reasonCodes.add(Number(readNumber(bytes, TAG.ENUMERATED)));
      });
      for (const ext of read) if (ext.critical) criticalEntryExtensions.add(ext.oid);
    }
  }
  let crlNumber: bigint | null = null;
  let extensions: CrlExtension[] = [];
  if (fields[i]?.tag === TAG.CONTEXT_0) {
    const wrapped = children(der, fields[i++]!);
    if (wrapped.length !== 1) throw new DerError('bad CRL extensions');
    extensions = readExtensions(der, wrapped[0]!, (oid, bytes) => {
      if (oid === OID.crlNumber) crlNumber = readNumber(bytes, TAG.INTEGER);
    });
  }
  if (i !== fields.length) throw new DerError('unexpected field in CRL');
  return {
    tbs: der.subarray(tbsTlv.start, tbsTlv.end),
    signature: sigBits.subarray(1),
    thisUpdate,
    nextUpdate,
    revokedSerials,
    crlNumber,
    extensions,
    criticalEntryExtensions,
    reasonCodes,
  };
}

/** Why the center must not use this CRL, by RFC 5280 or by what it supports; null when it may. */
export function unsupportedFeature(crl: ParsedCrl): { oid: string; reason: string } | null {
  const delta = crl.extensions.find((e) => e.oid === OID.deltaCrlIndicator);
  if (delta) return { oid: delta.oid, reason: 'delta CRLs are not supported (complete CRLs only)' };
  for (const ext of crl.extensions) {
    if (!ext.critical || UNDERSTOOD_CRL_EXTENSIONS.has(ext.oid)) continue;
    return {
      oid: ext.oid,
      reason:
        ext.oid === OID.issuingDistributionPoint
          ? 'the Issuing Distribution Point is not supported (publish each partition as its own file)'
          : 'critical CRL extension not understood',
    };
  }
  for (const oid of crl.criticalEntryExtensions) {
    if (UNDERSTOOD_ENTRY_EXTENSIONS.has(oid)) continue;
    return {
      oid,
      reason:
        oid === OID.certificateIssuer
          ? 'indirect CRLs (certificateIssuer) are not supported'
          : 'critical CRL entry extension not understood',
    };
  }
  if (crl.reasonCodes.has(REASON_REMOVE_FROM_CRL)) return { oid: OID.reasonCode, reason: 'removeFromCRL outside a delta CRL' };
  return null;
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
  /** The configured file the CRL came from. */
  path: string;
  thisUpdate: string;
  nextUpdate: string;
  freshness: CrlFreshness;
}

/** A file's CRLs of one CA, as last accepted; `refused` when the file has only ever offered refused ones. */
type Partition = { crls: ParsedCrl[] } | 'refused';

const newest = (crls: readonly ParsedCrl[]): number => Math.max(...crls.map((c) => c.thisUpdate.getTime()));
const earliestNext = (crls: readonly ParsedCrl[]): ParsedCrl => crls.reduce((a, b) => (b.nextUpdate! < a.nextUpdate! ? b : a));
const sameCrls = (a: readonly ParsedCrl[], b: readonly ParsedCrl[]): boolean =>
  a.length === b.length && a.every((crl, i) => Buffer.from(crl.tbs).equals(b[i]!.tbs));

export class RevocationChecker {
  /** Per trust anchor id, per configured file: that file's partition of the CA's revocations. */
  private partitions = new Map<string, Map<string, Partition>>();
  private mtimes = new Map<string, string>();
  /** Configured files not yet read whole once: each could be any CA's partition. */
  private neverRead: Set<string>;
  /** The freshness last reported in the log per anchor and file, so each change is logged once. */
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
    this.policy = {
      graceMs: options.graceMs ?? defaultRevocationPolicy.graceMs,
      clockSkewMs: options.clockSkewMs ?? defaultRevocationPolicy.clockSkewMs,
    };
    this.clock = options.clock ?? (() => new Date());
    this.neverRead = new Set(paths);
  }

  private reportUnread(path: string, problem: string): void {
    if (this.neverRead.has(path))
      (this.log.error ?? this.log.warn).call(
        this.log,
        { path },
        `${problem}, never read: card authentication is refused (AUTH_REVOCATION_UNAVAILABLE) until it can be`,
      );
    else this.log.warn({ path }, `${problem}; the CRLs in force from it stay`);
  }

  /** Re-reads changed CRL files. A file that cannot be read whole is logged and skipped; its CRLs in force stay. */
  refresh(force = false): void {
    for (const path of this.paths) {
      let mtime: string;
      try {
        const st = statSync(path);
        mtime = `${st.ino}:${st.mtimeMs}:${st.size}`;
      } catch {
        this.reportUnread(path, 'CRL file missing');
        continue;
      }
      if (!force && this.mtimes.get(path) === mtime) continue;
      this.mtimes.set(path, mtime);
      let crls: ParsedCrl[];
      try {
        crls = readCrlFile(path).map(parseCrl);
      } catch (error) {
        this.reportUnread(path, `CRL file could not be read (${(error as Error).message})`);
        continue;
      }
      this.neverRead.delete(path);
      const offered = new Map<string, { anchor: TrustAnchor; accepted: ParsedCrl[]; refused: boolean }>();
      for (const crl of crls) {
        const anchor = this.anchors.anchors.find((a) => verify('sha256', crl.tbs, a.certificate.publicKey, crl.signature));
        if (!anchor) {
          this.log.warn({ path }, 'CRL not signed by any trust anchor; ignored');
          continue;
        }
        const entry = offered.get(anchor.id) ?? { anchor, accepted: [], refused: false };
        offered.set(anchor.id, entry);
        if (this.acceptable(crl, path, anchor)) entry.accepted.push(crl);
        else entry.refused = true;
      }
      for (const { anchor, accepted, refused } of offered.values()) this.install(path, anchor, refused ? null : accepted);
    }
  }

  /** Whether the center may use `crl`; logs the reason when not. */
  private acceptable(crl: ParsedCrl, path: string, anchor: TrustAnchor): boolean {
    const now = this.clock();
    const fields = { path, anchor: anchor.id.slice(0, 16) };
    const unsupported = unsupportedFeature(crl);
    if (unsupported) {
      this.log.warn(
        { ...fields, oid: unsupported.oid, reason: unsupported.reason },
        'CRL refused (not loaded): it carries what the center cannot process',
      );
      return false;
    }
    if (crl.thisUpdate.getTime() > now.getTime() + this.policy.clockSkewMs) {
      this.log.warn(
        { ...fields, thisUpdate: crl.thisUpdate.toISOString(), now: now.toISOString() },
        'CRL thisUpdate is in the future; ignored (check the clocks and the file)',
      );
      return false;
    }
    if (!crl.nextUpdate || crl.nextUpdate < crl.thisUpdate) {
      this.log.warn(fields, 'CRL without a usable nextUpdate; ignored');
      return false;
    }
    return true;
  }

  /** Puts a file's CRLs of one CA in force (`null`: the file offered a refused one). */
  private install(path: string, anchor: TrustAnchor, accepted: ParsedCrl[] | null): void {
    const byPath = this.partitions.get(anchor.id) ?? new Map<string, Partition>();
    this.partitions.set(anchor.id, byPath);
    const current = byPath.get(path);
    const fields = { path, anchor: anchor.id.slice(0, 16) };
    if (!accepted) {
      if (current && current !== 'refused') {
        this.log.warn(fields, 'the CRLs in force from this file stay until they go stale');
        return;
      }
      byPath.set(path, 'refused');
      (this.log.error ?? this.log.warn).call(
        this.log,
        fields,
        'no usable CRL from this file: card authentication for this CA is refused (AUTH_REVOCATION_UNAVAILABLE) until it has one',
      );
      return;
    }
    if (current && current !== 'refused') {
      if (newest(accepted) < newest(current.crls)) {
        this.log.warn(
          { ...fields, thisUpdate: new Date(newest(accepted)).toISOString() },
          'CRL file is older than the CRLs in force from it; ignored (a rollback never lifts a revocation)',
        );
        return;
      }
      if (sameCrls(current.crls, accepted)) return; // the same file re-read
    }
    byPath.set(path, { crls: accepted });
    const key = `${anchor.id}\0${path}`;
    const previous = this.reported.get(key);
    this.reported.delete(key);
    const next = earliestNext(accepted);
    this.log.info(
      {
        ...fields,
        crls: accepted.length,
        revoked: accepted.reduce((n, c) => n + c.revokedSerials.size, 0),
        thisUpdate: new Date(newest(accepted)).toISOString(),
        nextUpdate: next.nextUpdate!.toISOString(),
        ...(previous ? { replaces: previous } : current === 'refused' ? { replaces: 'refused' } : {}),
      },
      previous === 'stale' || current === 'refused' ? 'fresh CRL loaded; card authentication resumes' : 'CRL loaded',
    );
  }

  private freshnessOf(crl: ParsedCrl, now: Date): CrlFreshness {
    const next = crl.nextUpdate!.getTime();
    if (now.getTime() <= next) return 'fresh';
    return now.getTime() <= next + this.policy.graceMs ? 'late' : 'stale';
  }

  /** Logs a change of a file's freshness once (warn when late, error when stale), not on every request. */
  private report(anchor: TrustAnchor, path: string, crl: ParsedCrl, freshness: CrlFreshness): void {
    const key = `${anchor.id}\0${path}`;
    if (freshness === 'fresh' || this.reported.get(key) === freshness) return;
    this.reported.set(key, freshness);
    const fields = {
      path,
      anchor: anchor.id.slice(0, 16),
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate!.toISOString(),
      graceMs: this.policy.graceMs,
    };
    if (freshness === 'late') this.log.warn(fields, 'CRL is past its nextUpdate; still in use within the grace, publish a fresh one');
    else
      (this.log.error ?? this.log.warn).call(
        this.log,
        fields,
        'CRL is past nextUpdate + grace: card authentication for its CA is refused (AUTH_REVOCATION_UNAVAILABLE) ' +
          'until a fresh CRL is loaded',
      );
  }

  /**
   * The card's revocation status from its CA's CRLs in force: revoked when any of them lists the
   * serial. Throws AUTH_REVOCATION_UNAVAILABLE when any file of that CA has no usable CRL or one
   * past nextUpdate + grace, or any configured file has never been read: the center cannot vouch
   * for the card, so it refuses.
   */
  status(anchor: TrustAnchor, serialNumber: string, now: Date): RevocationStatus {
    const [unread] = this.neverRead;
    if (unread !== undefined) throw new MadoguchiError('AUTH_REVOCATION_UNAVAILABLE', `CRL file ${unread} has never been read`);
    const byPath = this.partitions.get(anchor.id);
    if (!byPath || byPath.size === 0) return 'no-crl';
    const serial = normalizeSerial(serialNumber);
    let revoked = false;
    for (const [path, partition] of byPath) {
      if (partition === 'refused')
        throw new MadoguchiError('AUTH_REVOCATION_UNAVAILABLE', `CRL file ${path} has no usable CRL of anchor ${anchor.id.slice(0, 16)}`);
      const worst = earliestNext(partition.crls);
      const freshness = this.freshnessOf(worst, now);
      this.report(anchor, path, worst, freshness);
      if (freshness === 'stale')
        throw new MadoguchiError(
          'AUTH_REVOCATION_UNAVAILABLE',
          `CRL of anchor ${anchor.id.slice(0, 16)} from ${path} is past nextUpdate ${worst.nextUpdate!.toISOString()} + grace`,
        );
      if (partition.crls.some((crl) => crl.revokedSerials.has(serial))) revoked = true;
    }
    return revoked ? 'revoked' : 'good';
  }

  /** Per CRL in force: its CA, file, dates and freshness at `now` (for operators and monitoring). */
  health(now: Date): CrlHealth[] {
    return this.anchors.anchors.flatMap((a) =>
      [...(this.partitions.get(a.id) ?? new Map<string, Partition>())].flatMap(([path, partition]) =>
        partition === 'refused'
          ? []
          : partition.crls.map((crl) => ({
              anchor: a.id.slice(0, 16),
              path,
              thisUpdate: crl.thisUpdate.toISOString(),
              nextUpdate: crl.nextUpdate!.toISOString(),
              freshness: this.freshnessOf(crl, now),
            })),
      ),
    );
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

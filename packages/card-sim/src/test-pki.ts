/**
 * A JPKI-like user-authentication CA for tests and the demo. Its names say plainly that it is not
 * J-LIS. Like the real one it has more than one CA generation under the same DN (the center must
 * pick the issuer by signature, not by name), and it has an impostor CA under that same DN whose
 * certificates no center should accept.
 *
 * Layout of `dir` (everything PEM unless named .der):
 *   ca-<generation>.key.pem / ca-<generation>.cert.pem   generation = current | previous | unknown
 *   trusted-cas.pem      current + previous: what a center trusts
 *   issued.jsonl         one line per card certificate issued: serial and issuing generation
 *   revoked.json         revocations and the CRL number
 *   crl-<generation>.der/.pem, crls.pem (both trusted generations' CRLs)
 * `publishCrl` writes further CRL files (split lists, late lists, chosen extensions) where a test says.
 */
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildCertificate,
  buildCrl,
  formatName,
  fromPem,
  toPem,
  JPKI_AUTH_POLICY_OID,
  type DistinguishedName,
  type ExtensionSpec,
} from './x509.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export type CaGeneration = 'current' | 'previous' | 'unknown';
export const CA_GENERATIONS: readonly CaGeneration[] = ['current', 'previous', 'unknown'];
export const TRUSTED_GENERATIONS = ['current', 'previous'] as const;

export function isCaGeneration(value: string): value is CaGeneration {
  return (CA_GENERATIONS as readonly string[]).includes(value);
}

/** Today's date in Japan (UTC+9 all year, no DST) as YYYY-MM-DD: the day a card is issued on. */
export function japanDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** Whether `day` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/** Shared by every generation, as J-LIS's 2015/2019/2023 CAs share one DN. */
export const TEST_CA_NAME: DistinguishedName = [
  ['C', 'JP'],
  ['O', 'JPKI-TEST (NOT J-LIS) Madoguchi test authority'],
  ['OU', 'JPKI-TEST for user authentication'],
  ['OU', 'Madoguchi test PKI - NOT the Japan Agency for Local Authority Information Systems'],
];
/** CardLink.issuer for every card of this PKI. */
export const TEST_CA_ISSUER = formatName(TEST_CA_NAME);

const CA_VALIDITY: Record<CaGeneration, { from: string; to: string; commonName: string }> = {
  previous: { from: '2019-01-01T00:00:00Z', to: '2039-01-01T00:00:00Z', commonName: 'generation 2019' },
  current: { from: '2023-01-01T00:00:00Z', to: '2043-01-01T00:00:00Z', commonName: 'generation 2023' },
  unknown: { from: '2023-01-01T00:00:00Z', to: '2043-01-01T00:00:00Z', commonName: 'impostor' },
};

export interface TestCa {
  generation: CaGeneration;
  certificateDer: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface TestPki {
  dir: string;
  issuer: string;
  cas: Record<CaGeneration, TestCa>;
  paths: { trustedCasPem: string; crlsPem: string; crlDer: Record<'current' | 'previous', string> };
}

interface RevocationFile {
  crlNumber: number;
  entries: { serialNumber: string; generation: CaGeneration; revokedAt: string }[];
}

export async function newRsaKey(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return generateKeyPairAsync('rsa', { modulusLength: 2048 });
}

function writeAtomic(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

function paths(dir: string): TestPki['paths'] {
  return {
    trustedCasPem: join(dir, 'trusted-cas.pem'),
    crlsPem: join(dir, 'crls.pem'),
    crlDer: { current: join(dir, 'crl-current.der'), previous: join(dir, 'crl-previous.der') },
  };
}

/** Creates the PKI in `dir` (idempotent: an existing one is loaded, never replaced). */
export async function createTestPki(dir: string): Promise<TestPki> {
  if (existsSync(join(dir, 'trusted-cas.pem'))) return loadTestPki(dir);
  mkdirSync(dir, { recursive: true });
  const generations: CaGeneration[] = ['previous', 'current', 'unknown'];
  const keys = await Promise.all(generations.map(() => newRsaKey()));
  generations.forEach((generation, i) => {
    const { privateKey, publicKey } = keys[i]!;
    const validity = CA_VALIDITY[generation];
    const der = buildCertificate({
      serial: randomSerial(),
      issuer: TEST_CA_NAME,
      subject: TEST_CA_NAME,
      notBefore: new Date(validity.from),
      notAfter: new Date(validity.to),
      subjectPublicKey: publicKey,
      issuerPublicKey: publicKey,
      issuerPrivateKey: privateKey,
      isCa: true,
    });
    writeAtomic(join(dir, `ca-${generation}.key.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    writeAtomic(join(dir, `ca-${generation}.cert.pem`), toPem('CERTIFICATE', der));
  });
  writeAtomic(join(dir, 'revoked.json'), `${JSON.stringify({ crlNumber: 0, entries: [] } satisfies RevocationFile, null, 2)}\n`);
  const pki = loadCas(dir);
  generateCrl(pki);
  // Written last: its presence marks a complete PKI.
  writeAtomic(paths(dir).trustedCasPem, TRUSTED_GENERATIONS.map((g) => pki.cas[g].certificatePem).join(''));
  return pki;
}

export function loadTestPki(dir: string): TestPki {
  if (!existsSync(join(dir, 'trusted-cas.pem'))) throw new Error(`no test PKI in ${dir} (run: madoguchi-test-pki init ${dir})`);
  return loadCas(dir);
}

function loadCas(dir: string): TestPki {
  const load = (generation: CaGeneration): TestCa => {
    const privateKey = createPrivateKey(readFileSync(join(dir, `ca-${generation}.key.pem`), 'utf8'));
    const certificatePem = readFileSync(join(dir, `ca-${generation}.cert.pem`), 'utf8');
    return { generation, privateKey, publicKey: createPublicKey(privateKey), certificatePem, certificateDer: fromPem(certificatePem) };
  };
  return {
    dir,
    issuer: TEST_CA_ISSUER,
    cas: { current: load('current'), previous: load('previous'), unknown: load('unknown') },
    paths: paths(dir),
  };
}

/** A positive 8-byte serial whose top byte never needs a sign pad, so hex(serial) is what X509Certificate.serialNumber shows. */
export function randomSerial(): Uint8Array {
  const serial = new Uint8Array(randomBytes(8));
  serial[0] = 0x10 + (serial[0]! % 0x70);
  return serial;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** The opaque 23-character CN of a JPKI user-authentication certificate. */
export function randomCardToken(): string {
  return Array.from(randomBytes(23), (b) => TOKEN_ALPHABET[b % TOKEN_ALPHABET.length]).join('');
}

export interface IssueCardOptions {
  cardToken?: string;
  notBefore?: Date;
  notAfter: Date;
  generation?: CaGeneration;
  /** The card's key; a fresh RSA-2048 key is made when omitted. */
  keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
}

export interface IssuedCardCertificate {
  cardToken: string;
  serialNumber: string;
  certificateDer: Uint8Array;
  privateKey: KeyObject;
  generation: CaGeneration;
}

export async function issueCardCertificate(pki: TestPki, options: IssueCardOptions): Promise<IssuedCardCertificate> {
  const generation = options.generation ?? 'current';
  const ca = pki.cas[generation];
  const keyPair = options.keyPair ?? (await newRsaKey());
  const cardToken = options.cardToken ?? randomCardToken();
  const serial = randomSerial();
  const certificateDer = buildCertificate({
    serial,
    issuer: TEST_CA_NAME,
    subject: [
      ['C', 'JP'],
      ['CN', cardToken],
    ],
    notBefore: options.notBefore ?? new Date(),
    notAfter: options.notAfter,
    subjectPublicKey: keyPair.publicKey,
    issuerPublicKey: ca.publicKey,
    issuerPrivateKey: ca.privateKey,
    isCa: false,
    policyOid: JPKI_AUTH_POLICY_OID,
  });
  const serialNumber = Buffer.from(serial).toString('hex').toUpperCase();
  // A record of who issued what, so a revocation goes to the CRL of the generation that signed it.
  appendFileSync(issuedLog(pki), `${JSON.stringify({ serialNumber, generation } satisfies IssuedRecord)}\n`);
  return { cardToken, serialNumber, certificateDer, privateKey: keyPair.privateKey, generation };
}

interface IssuedRecord {
  serialNumber: string;
  generation: CaGeneration;
}

function issuedLog(pki: TestPki): string {
  return join(pki.dir, 'issued.jsonl');
}

/** The generation this PKI recorded for `serialNumber` when it issued it, if it did. */
export function recordedGeneration(pki: TestPki, serialNumber: string): CaGeneration | undefined {
  if (!existsSync(issuedLog(pki))) return undefined;
  const serial = serialNumber.toUpperCase();
  for (const line of readFileSync(issuedLog(pki), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as IssuedRecord;
    if (record.serialNumber === serial) return record.generation;
  }
  return undefined;
}

/** The generation whose CA key signed `certificateDer` (by signature: every generation shares one DN). */
export function signingGeneration(pki: TestPki, certificateDer: Uint8Array): CaGeneration | undefined {
  const certificate = new X509Certificate(certificateDer);
  return CA_GENERATIONS.find((generation) => certificate.verify(pki.cas[generation].publicKey));
}

function readRevocations(pki: TestPki): RevocationFile {
  return JSON.parse(readFileSync(join(pki.dir, 'revoked.json'), 'utf8')) as RevocationFile;
}

/**
 * Records a revocation (idempotent) and regenerates the CRLs. The entry goes to the CRL of the
 * generation that issued the certificate: found from the certificate itself (by signature), else
 * from this PKI's issuance record. `generation` is only needed for a certificate this PKI has no
 * record of, and must agree with what is known. Never a silent default: a revocation filed under
 * the wrong generation would appear in no CRL that covers the certificate.
 */
export function revoke(
  pki: TestPki,
  serialNumber: string,
  options: { generation?: CaGeneration; certificateDer?: Uint8Array; revokedAt?: Date } = {},
): void {
  const serial = serialNumber.toUpperCase();
  if (!/^[0-9A-F]+$/.test(serial)) throw new Error('serial number is hex');
  let known: CaGeneration | undefined;
  if (options.certificateDer) {
    const certificate = new X509Certificate(options.certificateDer);
    if (certificate.serialNumber.toUpperCase() !== serial)
      throw new Error(`the certificate's serial is ${certificate.serialNumber}, not ${serial}`);
    known = signingGeneration(pki, options.certificateDer);
    if (!known) throw new Error(`certificate ${serial} was not signed by any CA generation of this PKI`);
  } else {
    known = recordedGeneration(pki, serial);
  }
  if (known && options.generation && options.generation !== known)
    throw new Error(`certificate ${serial} was issued by the ${known} generation, not ${options.generation}`);
  const generation = known ?? options.generation;
  if (!generation) throw new Error(`no record that this PKI issued ${serial}: give the certificate or the issuing generation`);
  if (generation === 'unknown') throw new Error(`certificate ${serial} comes from the impostor CA, which publishes no CRL`);
  const file = readRevocations(pki);
  if (!file.entries.some((e) => e.serialNumber === serial)) {
    file.entries.push({ serialNumber: serial, generation, revokedAt: (options.revokedAt ?? new Date()).toISOString() });
    writeAtomic(join(pki.dir, 'revoked.json'), `${JSON.stringify(file, null, 2)}\n`);
  }
  generateCrl(pki);
}

export interface GeneratedCrl {
  der: Uint8Array;
  pem: string;
  /** One CRL per trusted CA generation; `der`/`pem` above are the current generation's. */
  byGeneration: Record<'current' | 'previous', { der: Uint8Array; pem: string }>;
}

/** Signs fresh CRLs (valid 7 days, like a daily-published CRL with slack) and writes them to the PKI directory. */
export function generateCrl(pki: TestPki, now: Date = new Date()): GeneratedCrl {
  const file = readRevocations(pki);
  file.crlNumber += 1;
  writeAtomic(join(pki.dir, 'revoked.json'), `${JSON.stringify(file, null, 2)}\n`);
  const make = (generation: 'current' | 'previous') => {
    const ca = pki.cas[generation];
    const der = buildCrl({
      issuer: TEST_CA_NAME,
      issuerPublicKey: ca.publicKey,
      issuerPrivateKey: ca.privateKey,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
      crlNumber: file.crlNumber,
      revoked: file.entries
        .filter((e) => e.generation === generation)
        .map((e) => ({
          serial: new Uint8Array(Buffer.from(e.serialNumber.length % 2 ? `0${e.serialNumber}` : e.serialNumber, 'hex')),
          revokedAt: new Date(e.revokedAt),
        })),
    });
    const pem = toPem('X509 CRL', der);
    writeAtomic(join(pki.dir, `crl-${generation}.der`), der);
    writeAtomic(join(pki.dir, `crl-${generation}.pem`), pem);
    return { der, pem };
  };
  const byGeneration = { current: make('current'), previous: make('previous') };
  writeAtomic(pki.paths.crlsPem, byGeneration.current.pem + byGeneration.previous.pem);
  return { der: byGeneration.current.der, pem: byGeneration.current.pem, byGeneration };
}

export interface PublishCrlOptions {
  generation: 'current' | 'previous';
  /** Where to write it: PEM when the name ends in .pem, DER otherwise (atomically, like a publisher). */
  path: string;
  /** Default: now. */
  thisUpdate?: Date;
  /** Default: thisUpdate + 7 days. */
  nextUpdate?: Date;
  /** Default: thisUpdate in whole seconds, so later lists carry higher numbers. */
  crlNumber?: number;
  revoked?: readonly { serialNumber: string; revokedAt?: Date; reasonCode?: number; extensions?: readonly ExtensionSpec[] }[];
  /** CRL extensions beyond the authority key identifier and CRL number. */
  extensions?: readonly ExtensionSpec[];
}

/**
 * One CRL of one generation, signed by its CA, written where the caller says: a split list next to
 * the PKI's own, a list published late, or one carrying a chosen (critical) extension. The PKI's
 * own CRL files and its revocation record are left as they are.
 */
export function publishCrl(pki: TestPki, options: PublishCrlOptions): Uint8Array {
  const ca = pki.cas[options.generation];
  const thisUpdate = options.thisUpdate ?? new Date();
  const der = buildCrl({
    issuer: TEST_CA_NAME,
    issuerPublicKey: ca.publicKey,
    issuerPrivateKey: ca.privateKey,
    thisUpdate,
    nextUpdate: options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * 86_400_000),
    crlNumber: options.crlNumber ?? Math.floor(thisUpdate.getTime() / 1000),
    revoked: (options.revoked ?? []).map((r) => ({
      serial: serialBytes(r.serialNumber),
      revokedAt: r.revokedAt ?? thisUpdate,
      ...(r.reasonCode === undefined ? {} : { reasonCode: r.reasonCode }),
      ...(r.extensions ? { extensions: r.extensions } : {}),
    })),
    ...(options.extensions ? { extensions: options.extensions } : {}),
  });
  writeAtomic(options.path, options.path.endsWith('.pem') ? toPem('X509 CRL', der) : der);
  return der;
}

function serialBytes(serialNumber: string): Uint8Array {
  return new Uint8Array(Buffer.from(serialNumber.length % 2 ? `0${serialNumber}` : serialNumber, 'hex'));
}

/** The holder's 5th birthday after `issuedOn` (a birthday on the issue day itself does not count), at 23:59:59 JST. */
export function fifthBirthdayAfter(issuedOn: string, birthDate: string): Date {
  const [iy, im, id] = issuedOn.split('-').map(Number) as [number, number, number];
  const [, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const birthdayPassed = bm < im || (bm === im && bd <= id);
  const year = iy + 5 + (birthdayPassed ? 0 : -1);
  // 29 February holders get 28 February in common years.
  const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const day = bm === 2 && bd === 29 && !leap(year) ? 28 : bd;
  return new Date(Date.UTC(year, bm - 1, day, 14, 59, 59)); // 23:59:59 JST
}

/**
 * The kiosk CA: the center's own small CA whose client certificates are the only way a kiosk
 * talks to the kiosk API (mutual TLS). It also signs the center's TLS server certificate, so a
 * kiosk pins one CA for both directions. Signing is done by the `openssl` command (Debian's
 * openssl package, always present): node:crypto verifies certificates but cannot issue them.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MadoguchiError } from '@madoguchi/shared';
import { ensureStateFileSet } from '../state-file.js';

export interface KioskCa {
  dir: string;
  keyPath: string;
  certPath: string;
  certificatePem: string;
}

function openssl(args: string[], input?: string): string {
  try {
    return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new MadoguchiError('INPUT_INVALID', `openssl ${args[0]} failed: ${stderr.trim().split('\n')[0] ?? ''}`);
  }
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-ca-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A serial of 16 random bytes with the top bit clear (positive INTEGER), as openssl expects it. */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return bytes.toString('hex').toUpperCase();
}

/**
 * Loads the kiosk CA in `dir`, creating it (EC P-256, 20 years) when absent. Centers started together
 * on an empty state directory may all create it at once: the key and certificate are made in a private
 * directory and put in place as one set (ensureStateFileSet), so whoever wins, every center gets the
 * same CA with a key that matches its certificate.
 */
export function ensureKioskCa(dir: string, commonName = 'Madoguchi kiosk CA'): KioskCa {
  const keyPath = join(dir, 'kiosk-ca.key.pem');
  const certPath = join(dir, 'kiosk-ca.cert.pem');
  const [, certificatePem] = ensureStateFileSet(join(dir, 'kiosk-ca.set.json'), [keyPath, certPath], () =>
    withTempDir((temp) => {
      const tempKey = join(temp, 'ca.key.pem');
      const tempCert = join(temp, 'ca.cert.pem');
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', tempKey]);
      openssl([
        'req',
        '-x509',
        '-new',
        '-key',
        tempKey,
        '-out',
        tempCert,
        '-days',
        '7300',
        '-sha256',
        '-subj',
        `/O=Madoguchi/CN=${commonName}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE,pathlen:0',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ]);
      return [readFileSync(tempKey, 'utf8'), readFileSync(tempCert, 'utf8')];
    }),
  );
  return { dir, keyPath, certPath, certificatePem: certificatePem! };
}

export interface IssuedCertificate {
  certificatePem: string;
  serialNumber: string;
  sha256: string;
  notAfter: string;
}

function describe(certificatePem: string): IssuedCertificate {
  const cert = new X509Certificate(certificatePem);
  return {
    certificatePem,
    serialNumber: cert.serialNumber.toUpperCase(),
    sha256: certificateSha256(cert),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

/** SHA-256 of the certificate's DER, lower-case hex: how kiosks are looked up. */
export function certificateSha256(cert: X509Certificate): string {
  return cert.fingerprint256.replaceAll(':', '').toLowerCase();
}

/**
 * Signs a CSR with the kiosk CA as an end-entity certificate (never a CA, signatures only) with a
 * random serial and the given extra extensions: the one place kiosk and server certificates are made.
 */
function signLeaf(ca: KioskCa, leaf: { csrPath: string; extPath: string; outPath: string; days: number; extensions: string[] }): void {
  const section = ['[leaf]', 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...leaf.extensions, ''];
  writeFileSync(leaf.extPath, section.join('\n'));
  openssl(
    ['x509', '-req', '-in', leaf.csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', `0x${randomSerialHex()}`].concat([
      '-days',
      String(leaf.days),
      '-sha256',
      '-extfile',
      leaf.extPath,
      '-extensions',
      'leaf',
      '-out',
      leaf.outPath,
    ]),
  );
}

/**
 * Signs a kiosk's CSR as a TLS client certificate. The CSR's own signature is checked first
 * (proof the kiosk holds the key). The subject stays as the kiosk wrote it: the center identifies
 * a kiosk only by the certificate's fingerprint, recorded at enrollment, never by a name in it.
 */
export function signKioskCsr(ca: KioskCa, csrPem: string, terminalId: string, days = 825): IssuedCertificate {
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(terminalId)) throw new MadoguchiError('INPUT_INVALID', 'terminal id: 1-40 of A-Z a-z 0-9 . _ -');
  return withTempDir((dir) => {
    const csrPath = join(dir, 'kiosk.csr');
    const extPath = join(dir, 'ext.cnf');
    const outPath = join(dir, 'kiosk.cert.pem');
    writeFileSync(csrPath, csrPem);
    openssl(['req', '-in', csrPath, '-verify', '-noout']);
    signLeaf(ca, { csrPath, extPath, outPath, days, extensions: ['extendedKeyUsage=clientAuth'] });
    return describe(readFileSync(outPath, 'utf8'));
  });
}

/**
 * The center's TLS server certificate, signed by the kiosk CA, for the given DNS names and IPs: made
 * once, as one set with its key like the CA (ensureStateFileSet), so centers started together agree.
 */
export function issueServerCertificate(
  ca: KioskCa,
  outDir: string,
  hosts: string[] = ['localhost', '127.0.0.1'],
): { keyPath: string; certPath: string } {
  const keyPath = join(outDir, 'server.key.pem');
  const certPath = join(outDir, 'server.cert.pem');
  ensureStateFileSet(join(outDir, 'server.set.json'), [keyPath, certPath], () =>
    withTempDir((dir) => {
      const tempKey = join(dir, 'server.key.pem');
      const tempCert = join(dir, 'server.cert.pem');
      const csrPath = join(dir, 'server.csr');
      const extPath = join(dir, 'ext.cnf');
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', tempKey]);
      openssl(['req', '-new', '-key', tempKey, '-out', csrPath, '-subj', '/O=Madoguchi/CN=Madoguchi issuance center']);
      const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
      signLeaf(ca, {
        csrPath,
        extPath,
        outPath: tempCert,
        days: 825,
        extensions: ['extendedKeyUsage=serverAuth', `subjectAltName=${san}`],
      });
      return [readFileSync(tempKey, 'utf8'), readFileSync(tempCert, 'utf8')];
    }),
  );
  return { keyPath, certPath };
}

/** A kiosk-side key and CSR (what a kiosk's setup step makes; used by the CLI's demo path and tests). */
export function createKioskKeyAndCsr(outDir: string, terminalId: string): { keyPath: string; csrPath: string; csrPem: string } {
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const keyPath = join(outDir, `${terminalId}.key.pem`);
  const csrPath = join(outDir, `${terminalId}.csr.pem`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath]);
  openssl(['req', '-new', '-key', keyPath, '-out', csrPath, '-subj', `/O=Madoguchi kiosk/CN=${terminalId}`]);
  return { keyPath, csrPath, csrPem: readFileSync(csrPath, 'utf8') };
}

/**
 * The center's configuration: where its data lives, its TLS identity and kiosk CA, the card CAs it
 * trusts and their CRLs, its binding key, and every timeout. Built from the environment and flags
 * by `configFromEnv`; tests build it directly. A state directory holds what the center makes for
 * itself on first start (kiosk CA, server certificate, binding and verification keys, SQLite file).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { ensureStateFile } from './state-file.js';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChainHeadKey, publishDirOf, type ChainHeadSigner } from './audit/chain-heads.js';
import { databaseConfigFromEnv, type DatabaseConfig } from './db/config.js';
import { ensureKioskCa, issueServerCertificate } from './kiosks/kiosk-ca.js';

export interface CenterTimeouts {
  /** Challenge lifetime; capped at 60 s. */
  challengeTtlMs: number;
  sessionTtlMs: number;
  renderTimeoutMs: number;
  /** Paid/delivered issuances without a print result are refunded after this. */
  printResultTtlMs: number;
  /** Delivered document bytes are deleted after this even without a print result. */
  documentTtlMs: number;
  quoteTtlMs: number;
  sweepIntervalMs: number;
  crlRefreshMs: number;
  /**
   * How long past its nextUpdate a card CA's CRL stays in use; after that card authentication for
   * that CA is refused (AUTH_REVOCATION_UNAVAILABLE) until a fresh CRL is loaded for that file.
   */
  crlGraceMs: number;
  /** Whole-request timeout of the HTTP server. */
  requestTimeoutMs: number;
  /**
   * Idle keep-alive connections are closed after this (announced as `Keep-Alive: timeout=N`; Node
   * closes a second later). The kiosk drops its idle sockets before it: the agreement is in
   * docs/benchmarks.md#keep-alive.
   */
  keepAliveTimeoutMs: number;
}

export interface CenterConfig {
  database: DatabaseConfig;
  host: string;
  port: number;
  tls: {
    keyPem: string;
    certPem: string;
    /** The kiosk CA certificate: client certificates must chain to it. */
    kioskCaPem: string;
    /** The kiosk CA's directory (its key signs kiosks enrolled from the console); without it the console cannot enrol. */
    kioskCaDir?: string;
  };
  cardTrust: {
    /** PEM bundle of the trusted JPKI user-authentication CA certificates (every generation). */
    trustAnchorsPem: string;
    /**
     * CRL files (PEM bundles or DER) re-read every crlRefreshMs; each file is one partition of its
     * CA's revocation list, and every one must stay fresh (see auth/crl.ts).
     */
    crlPaths: string[];
  };
  /** Ed25519 key that signs document bindings (the kiosk pins its public key). */
  bindingKey: { privateKeyPem: string; keyId: string };
  /** Ed25519 key for the verification codes printed on documents (the public verification page). */
  verificationKey: { privateKeyPem: string; keyId: string };
  timeouts: CenterTimeouts;
  /** The daily signed head of the audit chain (audit/chain-heads.ts): its key and where heads are published. Absent: none is signed. */
  chainHeads?: { signer: ChainHeadSigner; publishDir: string | null };
  /**
   * Deprecated shared bearer token for the import API under /admin (at least 32 characters): still
   * accepted, with a warning in the log at start and on use. Per-user import API tokens (the
   * console, `staff token create`) replace it; the import API is mounted either way.
   */
  adminToken?: string;
  renderWorkers?: number;
  /** The staff console (issue 11): every field has a default (consoleSettings). */
  console?: ConsoleConfig;
  /**
   * Public address of the verification page printed in the certificates' QR codes
   * (`<url>/verify?p=…`). Absent: the renderer's default (the center's own default address).
   */
  publicVerifyBaseUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

export interface ConsoleConfig {
  /** Public base URL of the console, for enrolment links (default https://<host>:<port>). */
  publicUrl?: string;
  /** The built console app (default: apps/console/dist next to this package). */
  appDir?: string;
  /** A staff session unused this long ends (default 30 min). */
  sessionIdleMs?: number;
  /** A staff session ends this long after sign-in whatever its use (default 12 h). */
  sessionAbsoluteMs?: number;
}

export const defaultConsoleAppDir = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** The console settings with their defaults filled in. */
export function consoleSettings(config: Pick<CenterConfig, 'console' | 'host' | 'port'>) {
  const host =
    config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    publicUrl: (config.console?.publicUrl ?? `https://${host}:${config.port}`).replace(/\/+$/, ''),
    appDir: config.console?.appDir ?? defaultConsoleAppDir,
    session: { idleMs: config.console?.sessionIdleMs ?? 30 * 60_000, absoluteMs: config.console?.sessionAbsoluteMs ?? 12 * 3_600_000 },
  };
}

function consoleConfigFromEnv(env: NodeJS.ProcessEnv): ConsoleConfig {
  const idle = positiveInt(env.MADOGUCHI_CONSOLE_IDLE_MS, 'MADOGUCHI_CONSOLE_IDLE_MS');
  const absolute = positiveInt(env.MADOGUCHI_CONSOLE_SESSION_MS, 'MADOGUCHI_CONSOLE_SESSION_MS');
  return {
    ...(env.MADOGUCHI_CONSOLE_URL ? { publicUrl: env.MADOGUCHI_CONSOLE_URL } : {}),
    ...(env.MADOGUCHI_CONSOLE_DIR ? { appDir: resolve(env.MADOGUCHI_CONSOLE_DIR) } : {}),
    ...(idle ? { sessionIdleMs: idle } : {}),
    ...(absolute ? { sessionAbsoluteMs: absolute } : {}),
  };
}

export const defaultTimeouts: CenterTimeouts = {
  challengeTtlMs: 60_000,
  sessionTtlMs: 10 * 60_000,
  renderTimeoutMs: 15_000,
  printResultTtlMs: 15 * 60_000,
  documentTtlMs: 10 * 60_000,
  quoteTtlMs: 15 * 60_000,
  sweepIntervalMs: 30_000,
  crlRefreshMs: 60_000,
  crlGraceMs: 6 * 3_600_000,
  requestTimeoutMs: 30_000,
  // Above the kiosks' heartbeat minute: a kiosk's connection lives from beat to beat, so its next
  // customer's first call needs no new TLS handshake (issue 14 item 5).
  keepAliveTimeoutMs: 65_000,
};

export interface CenterState {
  dir: string;
  kioskCaDir: string;
  serverKeyPath: string;
  serverCertPath: string;
  kioskCaCertPath: string;
  bindingKeyPath: string;
  verificationKeyPath: string;
  sqlitePath: string;
}

function ensureEd25519(path: string): void {
  ensureStateFile(path, () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** Creates (once) and returns the center's own keys and certificates under `dir`. */
export function ensureCenterState(dir: string, hosts: string[] = ['localhost', '127.0.0.1']): CenterState {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const kioskCaDir = join(root, 'kiosk-ca');
  const ca = ensureKioskCa(kioskCaDir);
  const server = issueServerCertificate(ca, join(root, 'tls'), hosts);
  const bindingKeyPath = join(root, 'binding-key.pem');
  const verificationKeyPath = join(root, 'verification-key.pem');
  ensureEd25519(bindingKeyPath);
  ensureEd25519(verificationKeyPath);
  return {
    dir: root,
    kioskCaDir,
    serverKeyPath: server.keyPath,
    serverCertPath: server.certPath,
    kioskCaCertPath: ca.certPath,
    bindingKeyPath,
    verificationKeyPath,
    sqlitePath: join(root, 'center.sqlite'),
  };
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

/**
 * Environment:
 *   MADOGUCHI_CENTER_STATE      state directory (default ./.madoguchi/center)
 *   MADOGUCHI_DATABASE_URL      postgres://… or a SQLite path (default <state>/center.sqlite)
 *   MADOGUCHI_CENTER_HOST/PORT  listen address (default 127.0.0.1:8443)
 *   MADOGUCHI_CARD_TRUST_ANCHORS  PEM bundle of trusted card CAs (required)
 *   MADOGUCHI_CARD_CRLS         comma-separated CRL files, each one partition of its CA's list (required)
 *   MADOGUCHI_ADMIN_TOKEN       deprecated shared bearer token for /admin (≥ 32 characters; use import API tokens)
 *   MADOGUCHI_CONSOLE_URL       public base URL of the staff console, for enrolment links (default https://<host>:<port>)
 *   MADOGUCHI_CONSOLE_DIR       the built console app (default apps/console/dist)
 *   MADOGUCHI_CONSOLE_IDLE_MS / MADOGUCHI_CONSOLE_SESSION_MS  staff session idle (30 min) and absolute (12 h) expiry
 *   MADOGUCHI_PUBLIC_VERIFY_URL public base URL of the verification page in QR codes (default https://<host>:<port>)
 *   MADOGUCHI_CHAIN_HEADS_DIR   where the signed daily heads of the audit chain are published (default <state>/published-heads)
 *   MADOGUCHI_CRL_GRACE_MS      how long a CRL past its nextUpdate stays in use (default 6 h)
 *   MADOGUCHI_LOG_LEVEL, MADOGUCHI_RENDER_WORKERS, MADOGUCHI_RENDER_TIMEOUT_MS, MADOGUCHI_PRINT_RESULT_TTL_MS
 */
export function configFromEnv(env: NodeJS.ProcessEnv, overrides: { stateDir?: string; host?: string; port?: number } = {}): CenterConfig {
  const stateDir = overrides.stateDir ?? env.MADOGUCHI_CENTER_STATE ?? join(process.cwd(), '.madoguchi', 'center');
  const host = overrides.host ?? env.MADOGUCHI_CENTER_HOST ?? '127.0.0.1';
  const port = overrides.port ?? positiveInt(env.MADOGUCHI_CENTER_PORT, 'MADOGUCHI_CENTER_PORT') ?? 8443;
  const state = ensureCenterState(stateDir, [...new Set(['localhost', '127.0.0.1', host])]);
  const anchorsPath = env.MADOGUCHI_CARD_TRUST_ANCHORS;
  if (!anchorsPath) throw new Error('MADOGUCHI_CARD_TRUST_ANCHORS is required: the PEM bundle of trusted card CAs');
  const crlPaths = (env.MADOGUCHI_CARD_CRLS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (crlPaths.length === 0) throw new Error('MADOGUCHI_CARD_CRLS is required: the CRL files of the trusted card CAs');
  const level = env.MADOGUCHI_LOG_LEVEL as CenterConfig['logLevel'] | undefined;
  const adminToken = env.MADOGUCHI_ADMIN_TOKEN;
  if (adminToken !== undefined && adminToken.length < 32) throw new Error('MADOGUCHI_ADMIN_TOKEN must be at least 32 characters');
  return {
    database: databaseConfigFromEnv(env, state.sqlitePath),
    host,
    port,
    tls: {
      keyPem: readFileSync(state.serverKeyPath, 'utf8'),
      certPem: readFileSync(state.serverCertPath, 'utf8'),
      kioskCaPem: readFileSync(state.kioskCaCertPath, 'utf8'),
      kioskCaDir: state.kioskCaDir,
    },
    cardTrust: { trustAnchorsPem: readFileSync(anchorsPath, 'utf8'), crlPaths },
    bindingKey: { privateKeyPem: readFileSync(state.bindingKeyPath, 'utf8'), keyId: 'binding-1' },
    verificationKey: { privateKeyPem: readFileSync(state.verificationKeyPath, 'utf8'), keyId: 'verification-1' },
    chainHeads: { signer: ensureChainHeadKey(state.dir), publishDir: publishDirOf(state.dir, env) },
    timeouts: {
      ...defaultTimeouts,
      ...(positiveInt(env.MADOGUCHI_RENDER_TIMEOUT_MS, 'MADOGUCHI_RENDER_TIMEOUT_MS')
        ? { renderTimeoutMs: Number(env.MADOGUCHI_RENDER_TIMEOUT_MS) }
        : {}),
      ...(positiveInt(env.MADOGUCHI_PRINT_RESULT_TTL_MS, 'MADOGUCHI_PRINT_RESULT_TTL_MS')
        ? { printResultTtlMs: Number(env.MADOGUCHI_PRINT_RESULT_TTL_MS) }
        : {}),
      ...(positiveInt(env.MADOGUCHI_CRL_GRACE_MS, 'MADOGUCHI_CRL_GRACE_MS') ? { crlGraceMs: Number(env.MADOGUCHI_CRL_GRACE_MS) } : {}),
    },
    ...(adminToken ? { adminToken } : {}),
    renderWorkers: positiveInt(env.MADOGUCHI_RENDER_WORKERS, 'MADOGUCHI_RENDER_WORKERS'),
    console: consoleConfigFromEnv(env),
    publicVerifyBaseUrl:
      env.MADOGUCHI_PUBLIC_VERIFY_URL ||
      `https://${host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`,
    logLevel: level ?? 'info',
  };
}

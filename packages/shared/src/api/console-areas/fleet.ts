/**
 * The kiosk fleet: store chains, heartbeats, last seen and state per store, enrol and revoke (issue 12 item 3).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 *
 * Service-wide: every route needs `oversee` (operators, auditors) or `operate` (operators), never a
 * municipality's permission, because a kiosk serves the residents of every municipality.
 */
import { z } from 'zod';
import { Empty, Instant } from '../console-api.js';
import type { ConsoleRouteSpec } from '../console-routes.js';
import { HeartbeatCashState, HeartbeatPrinterState, HeartbeatReaderState } from '../kiosk-center.js';

/** A kiosk is silent once its last heartbeat is older than this (the sweeper raises `kiosk_silent` during service hours). */
export const KIOSK_SILENT_AFTER_MS = 5 * 60_000;

/** Terminal, printer and store codes: what kiosk enrolment has always accepted. */
const KioskCode = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, '1–40 of A-Z a-z 0-9 . _ -');
/** A store chain's code, e.g. `seven-eleven`: lower case, stable (billing and filters key on it). */
export const StoreChainCode = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '2–40 of a-z 0-9 - (e.g. seven-eleven)');

export const StoreChain = z.object({ chainCode: StoreChainCode, name: z.string(), createdAt: Instant });
export type StoreChain = z.infer<typeof StoreChain>;
export const StoreChainList = z.object({ chains: z.array(StoreChain) });
export const CreateStoreChainRequest = z.object({ chainCode: StoreChainCode, name: z.string().trim().min(1).max(100) });
export type CreateStoreChainRequest = z.input<typeof CreateStoreChainRequest>;

/**
 * What the fleet page sorts kiosks by: `fault` when the reader, printer or cash unit cannot serve
 * (toner-low alone is `warning`: it still prints), `silent` when the last heartbeat is older than
 * KIOSK_SILENT_AFTER_MS, `neverSeen` before a first heartbeat, `revoked` once revoked.
 */
export const KioskCondition = z.enum(['ok', 'warning', 'fault', 'silent', 'neverSeen', 'revoked']);
export type KioskCondition = z.infer<typeof KioskCondition>;

export const FleetKiosk = z.object({
  terminalId: z.string(),
  printerId: z.string(),
  /** Null for a kiosk enrolled before store chains existed. */
  chainCode: z.string().nullable(),
  chainName: z.string().nullable(),
  storeCode: z.string(),
  storeName: z.string(),
  enrolledAt: Instant,
  revokedAt: Instant.nullable(),
  condition: KioskCondition,
  /** The center's clock at the last heartbeat; null before the first. */
  lastSeenAt: Instant.nullable(),
  /** The kiosk's own clock in that heartbeat. */
  kioskClockAt: Instant.nullable(),
  softwareVersion: z.string().nullable(),
  reader: HeartbeatReaderState.nullable(),
  printer: HeartbeatPrinterState.nullable(),
  cash: HeartbeatCashState.nullable(),
  lastIssuanceAt: Instant.nullable(),
});
export type FleetKiosk = z.infer<typeof FleetKiosk>;

/** Every filter is optional; `silentOnly` keeps the kiosks whose condition is `silent`. */
export const FleetQuery = z.object({
  chainCode: StoreChainCode.optional(),
  condition: KioskCondition.optional(),
  softwareVersion: z.string().max(40).optional(),
  silentOnly: z.enum(['true', 'false']).optional(),
});
export type FleetQuery = z.input<typeof FleetQuery>;
export const FleetList = z.object({
  kiosks: z.array(FleetKiosk),
  /** Every version the fleet reports, for the version filter. */
  softwareVersions: z.array(z.string()),
});
export type FleetList = z.infer<typeof FleetList>;

/** A CSR as PEM (what `madoguchi-kiosk make-csr` or the kiosk's setup writes): a few hundred bytes. */
export const CsrPem = z
  .string()
  .trim()
  .max(8192)
  .regex(/^-----BEGIN CERTIFICATE REQUEST-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE REQUEST-----$/, 'a PEM certificate request');

export const EnrolKioskRequest = z.object({
  csrPem: CsrPem,
  terminalId: KioskCode,
  printerId: KioskCode,
  storeCode: KioskCode,
  storeName: z.string().trim().min(1).max(100),
  chainCode: StoreChainCode,
});
export type EnrolKioskRequest = z.input<typeof EnrolKioskRequest>;
export const EnrolKioskResponse = z.object({
  terminalId: z.string(),
  /** The client certificate to install on the kiosk (with the kiosk CA certificate it pins). */
  certificatePem: z.string(),
  kioskCaPem: z.string(),
  certificateSha256: z.string(),
  serialNumber: z.string(),
  notAfter: Instant,
});
export type EnrolKioskResponse = z.infer<typeof EnrolKioskResponse>;

export const KioskParams = z.object({ terminalId: KioskCode });

export const fleetRoutes = {
  storeChains: {
    method: 'GET',
    path: '/store-chains',
    summary: 'Store chains (コンビニ事業者)',
    permission: 'oversee',
    response: StoreChainList,
  },
  createStoreChain: {
    method: 'POST',
    path: '/store-chains',
    summary: 'Add a store chain',
    permission: 'operate',
    body: CreateStoreChainRequest,
    response: StoreChain,
  },
  fleet: {
    method: 'GET',
    path: '/fleet',
    summary: 'Every kiosk: chain, store, last seen, reader/printer/cash state, version, last issuance',
    permission: 'oversee',
    query: FleetQuery,
    response: FleetList,
  },
  enrolKiosk: {
    method: 'POST',
    path: '/fleet/kiosks',
    summary: 'Enrol a kiosk from its CSR; answers the client certificate to install',
    permission: 'operate',
    body: EnrolKioskRequest,
    response: EnrolKioskResponse,
  },
  revokeKiosk: {
    method: 'POST',
    path: '/fleet/kiosks/:terminalId/revoke',
    summary: 'Revoke a kiosk: its next request is refused',
    permission: 'operate',
    params: KioskParams,
    body: Empty,
    response: FleetKiosk,
  },
} as const satisfies Record<string, ConsoleRouteSpec>;

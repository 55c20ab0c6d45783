/**
 * What the fleet benchmark (center-fleet.ts) and its kiosk and canary processes
 * (center-fleet-kiosks.ts, center-fleet-canary.ts) tell each other over their IPC channels.
 */

export interface FleetKiosk {
  terminalId: string;
  baseUrl: string;
  certPem: string;
  keyPem: string;
  /** The card this kiosk's residents use: certificate (base64 DER), key (PKCS#8 PEM) and its SHA-256. */
  card: { certificateDerBase64: string; privateKeyPem: string; sha256: string };
}

export interface KioskProcessSetup {
  kiosks: FleetKiosk[];
  caPem: string;
  bindingKeyPem: string;
  /** Issuances per kiosk in the measured phase, or until `untilEpochMs` when it is set. */
  issuancesPerKiosk: number;
  textCheckEvery: number;
}

export const CALLS = ['challenge', 'authenticate', 'quote', 'pay', 'printResult'] as const;
export type CallName = (typeof CALLS)[number];

export type FromParent = { type: 'setup'; setup: KioskProcessSetup } | { type: 'go'; untilEpochMs?: number };
export type ToParent =
  | { type: 'ready' }
  | { type: 'mismatch'; terminalId: string; reason: string }
  | {
      type: 'done';
      issuances: number[];
      calls: Record<CallName, number[]>;
      errors: Record<string, number>;
      textChecked: number;
      cheapChecked: number;
    };

export interface CanarySetup {
  baseUrls: string[];
  certPem: string;
  keyPem: string;
  caPem: string;
  intervalMs: number;
}

export type Phase = 'alone' | 'load';
export type CanaryFromParent = { type: 'setup'; setup: CanarySetup } | { type: 'phase'; phase: Phase } | { type: 'stop' };
export interface CanarySamples {
  handshakes: number[];
  bare: number[];
  failures: number;
}
export type CanaryToParent = { type: 'done'; samples: Record<Phase, CanarySamples> };

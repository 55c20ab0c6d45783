/**
 * The issuance service driven in-process, without a kiosk connection: for the demo's months of
 * history (scripts/demo-history.ts), which replays past transactions on a clock it sets itself.
 *
 * Only the card is skipped. There is no challenge, card signature or PIN: a session is opened for a
 * resident with `createSession`, as POST /sessions does once the card's signature has been
 * verified. From the session on, everything is the production code that kiosk calls go through:
 * eligibility and fees, compare-and-set transitions, audit rows, incidents, refunds and the sweeper.
 * Features that hang off those functions, like billing entries, see this history as if kiosks made it.
 */
import { readFileSync } from 'node:fs';
import type { CertificateOptions, CertificateType, ErrorCode } from '@madoguchi/shared';
import { createSession } from '../auth/sessions.js';
import { defaultTimeouts, type CenterConfig, type CenterState } from '../config.js';
import type { CenterDatabase } from '../db/database.js';
import type { Kiosk } from '../kiosks/registry.js';
import { loadBindingKey } from './binding.js';
import { createDefaultServices } from './default-services.js';
import { cancel, pay, quote, reportPrintResult, type IssuanceContext } from './issuance-service.js';
import type { CenterServices } from './services.js';
import { sweep, type SweepReport } from './sweeper.js';

/** The card a session stands for: only its certificate's digest and expiry reach the issuance. */
export interface SessionCard {
  certificateSha256: string;
  notAfter: Date;
}

export interface InProcessIssuance {
  /** A resident's session at a kiosk, as POST /sessions opens it after the card's signature is verified. */
  openSession(kiosk: Kiosk, resident: { residentId: string; municipalityCode: string }, card: SessionCard, now: Date): Promise<string>;
  quote: (
    kiosk: Kiosk,
    input: { sessionId: string; certificateType: CertificateType; options: CertificateOptions; copies: number },
    now: Date,
  ) => ReturnType<typeof quote>;
  pay: (kiosk: Kiosk, issuanceId: string, paidYen: number, now: Date) => ReturnType<typeof pay>;
  reportPrintResult: (
    kiosk: Kiosk,
    issuanceId: string,
    report: { issueNumber: string; outcome: 'printed' | 'failed' | 'rejected'; reasonCode?: ErrorCode; journeyMs?: number },
    now: Date,
  ) => ReturnType<typeof reportPrintResult>;
  cancel: (kiosk: Kiosk, issuanceId: string, reasonCode: ErrorCode | undefined, now: Date) => ReturnType<typeof cancel>;
  /** The center's sweeper at `now`, with the server's own TTLs: refunds what was never reported, voids stale quotes. */
  sweep(now: Date): Promise<SweepReport>;
  close(): Promise<void>;
}

export interface InProcessOptions {
  /**
   * A stand-in for the PDF renderer (the demo's history prints nothing). The production render pool
   * is then closed at once: its worker thread would load the fonts for nothing.
   */
  render?: CenterServices['render'];
  renderWorkers?: number;
}

/** The issuance service of the center whose keys are in `state`, on `database`. */
export function createInProcessIssuance(database: CenterDatabase, state: CenterState, options: InProcessOptions = {}): InProcessIssuance {
  const config: Pick<CenterConfig, 'verificationKey' | 'renderWorkers' | 'publicVerifyBaseUrl'> = {
    verificationKey: { privateKeyPem: readFileSync(state.verificationKeyPath, 'utf8'), keyId: 'verification-1' },
    renderWorkers: options.renderWorkers ?? 1,
  };
  const production = createDefaultServices(database, config);
  const poolClosed = options.render ? production.close?.() : undefined;
  const services: CenterServices = options.render ? { ...production, render: options.render } : production;
  const ctx: IssuanceContext = {
    database,
    services,
    bindingKey: loadBindingKey(readFileSync(state.bindingKeyPath, 'utf8'), 'binding-1'),
    renderTimeoutMs: defaultTimeouts.renderTimeoutMs,
  };
  const timeouts = defaultTimeouts;
  return {
    async openSession(kiosk, resident, card, now) {
      const session = await createSession(database, {
        kiosk,
        residentId: resident.residentId,
        municipalityCode: resident.municipalityCode,
        cardUsableFrom: null,
        card: { issuer: 'in-process', serialNumber: '0', ...card },
        now,
        ttlMs: timeouts.sessionTtlMs,
      });
      return session.sessionId;
    },
    quote: (kiosk, input, now) => quote(ctx, kiosk, input, now),
    pay: (kiosk, issuanceId, paidYen, now) => pay(ctx, kiosk, issuanceId, paidYen, now),
    reportPrintResult: (kiosk, issuanceId, report, now) => reportPrintResult(ctx, kiosk, issuanceId, report, now),
    cancel: (kiosk, issuanceId, reasonCode, now) => cancel(ctx, kiosk, issuanceId, reasonCode, now),
    sweep: (now) =>
      sweep(
        database,
        {
          printResultTtlMs: timeouts.printResultTtlMs,
          documentTtlMs: timeouts.documentTtlMs,
          quoteTtlMs: timeouts.quoteTtlMs,
          idempotencyTtlMs: 24 * 3600_000,
        },
        now,
      ),
    close: async () => {
      await (poolClosed ?? production.close?.());
    },
  };
}

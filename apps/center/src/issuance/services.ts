/**
 * What the kiosk API needs from the rest of the center: municipal data (residents, card links),
 * eligibility, certificate data and the PDF renderer. The routes depend on this interface, and
 * `defaultServices` wires it to the real modules; tests pass the same real modules (or a slowed
 * renderer, to inject timeouts) through it, so every code path is the production one.
 */
import type {
  AuthenticateResponse,
  CertificateData,
  CertificateOptions,
  CertificateType,
  Municipality,
  MunicipalityPolicy,
  RenderInput,
} from '@madoguchi/shared';
import type { Session } from '../auth/sessions.js';
import type { EligibilityRequest } from '../eligibility/index.js';
import type { Report } from '../billing/report-pdf.js';
import type { RenderedDocument } from '../rendering/index.js';

// One definition each, where the concept lives; re-exported for the routes and tests that know only this interface.
export type { EligibilityRequest, RenderedDocument };

export interface CardHolder {
  residentId: string;
  municipalityCode: string;
  /** First day the card may be used at a store (ISO date). */
  usableFrom: string | null;
}

/** What sign-in shows of a session: the resident's municipality, menu, household and 本籍地 registration offer. */
export type SessionView = Omit<AuthenticateResponse, 'sessionId' | 'expiresAt'>;

/** `municipalityName`: the certifying municipality's, when the check read it (payment numbers its copies with it). */
export type EligibilityDecision =
  { ok: true; feeYen: number; municipalityCode: string; municipalityName?: string | undefined } | { ok: false; code: string };

export interface RenderContext {
  municipality: Municipality;
  policy: Pick<MunicipalityPolicy, 'officialSealPng' | 'officialSealSizeMm' | 'fixedTexts'>;
}

export interface CenterServices {
  findResidentByCard(issuer: string, serialNumber: string): Promise<CardHolder | null>;
  municipalityName(code: string): Promise<string>;
  /**
   * The session's view, decided now from the approved records in one read snapshot: the menu, the
   * household and the offer read the resident, the household and the policy once, not once each.
   */
  sessionView(
    session: Pick<Session, 'residentId' | 'municipalityCode' | 'authNotAfter' | 'cardUsableFrom'>,
    now: Date,
  ): Promise<SessionView>;
  checkEligibility(request: EligibilityRequest): Promise<EligibilityDecision>;
  /**
   * The approved record for one certificate and its certifying municipality (the 本籍地 for 戸籍 types)
   * with its seal and texts, read in one snapshot at payment time, after the payment committed.
   */
  certificateToRender(
    request: { residentId: string; certificateType: CertificateType; options: CertificateOptions; now: Date },
    residenceMunicipalityCode: string,
  ): Promise<{ data: CertificateData } & RenderContext>;
  render(input: RenderInput, options: { timeoutMs: number; signal?: AbortSignal }): Promise<RenderedDocument>;
  /** A billing report's PDF, drawn in the render pool like a certificate (never on the thread that serves kiosks). */
  renderReport(report: Report): Promise<Uint8Array>;
  close?(): Promise<void>;
}

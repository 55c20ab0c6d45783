/**
 * The kiosk ↔ center API, version 1: its schemas. Which route takes which schema (method, path,
 * idempotency) is the route table in kiosk-routes.ts; the center's routes and OpenAPI document and
 * the kiosk's center client are all built from the two. Every mutating call carries an idempotency key:
 * a retried call returns the first call's result and never issues twice.
 *
 * One issuance: challenge → authenticate (card signature) → quote (eligibility, fee; refusals happen
 * here, before payment) → pay → deliver (documents + bindings) → print result (printed | failed →
 * refunded). The kiosk is identified by its mutual-TLS client certificate, never by a field.
 */
import { z } from 'zod';
import { CertificateType } from '../domain/certificate-type.js';
import { RecordId } from '../domain/municipal-data.js';
import { FamilyRegisterOptions, ResidenceRecordOptions, TaxCertificateOptions } from '../domain/policy.js';
import { YenSchema } from '../domain/money.js';
import { errorCodes, type ErrorCode } from '../errors.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const Base64 = z.string().regex(BASE64, 'base64');
/** Base64 of at most `bytes` bytes. */
const base64Of = (bytes: number) =>
  z
    .string()
    .max(Math.ceil(bytes / 3) * 4)
    .regex(BASE64, 'base64');
export const IdempotencyKey = z.string().uuid();

/*
 * What a kiosk sends is bounded here, field by field, because some of it is written into the
 * hash-chained history (交付履歴), which is permanent and holds codes and ids only; the center
 * validates every request with these schemas before anything runs, so whatever is not of a known
 * shape is refused INPUT_INVALID with nothing written. packages/shared/src/api/kiosk-request-bounds.test.ts
 * walks every *Request and *Params schema below and fails on any string without a length bound,
 * any array without a maximum, any number that is not a bounded integer, any field of no type.
 *
 *   field                                  bound                                  reaches
 *   idempotencyKey, challengeId, sessionId,
 *     issuanceId (path)                    UUID                                   idempotency row; history (session, issuance ids)
 *   authCertificate                        base64 of ≤ 8 KiB (the kiosk reads ≤ 8 KiB)  its SHA-256 only
 *   signature                              base64 of ≤ 512 bytes (RSA-4096)       nowhere (verified)
 *   tokenType                              enum                                   nowhere
 *   certificateType                        enum of certificate types             history
 *   options.residenceRecord.*              enums and booleans                    history (options)
 *   options.residenceRecord.memberIds      ≤ 50 record ids                        history (options)
 *   options.familyRegister.registerId,
 *     personId                             record id                              history (options)
 *   options.tax.kind / taxYear             enum / a four-digit year               history (options)
 *   copies                                 integer 1–10                           history
 *   paidYen                                whole yen ≤ Number.MAX_SAFE_INTEGER    history
 *   issueNumber                            the shape formatIssueNumber writes     looked up; the stored one is recorded
 *   outcome                                enum                                   history, incidents
 *   reasonCode (print result, cancel)      a code of this build's error catalog   history, incidents, print_reason_code
 *   heartbeat sentAt, lastIssuanceAt       ISO instant, ≤ 40                      kiosk_heartbeats (each kiosk's latest)
 *   heartbeat softwareVersion              ≤ 40 of 0-9 A-Z a-z . + -              kiosk_heartbeats
 *   heartbeat reader, printer, cash        enums                                  kiosk_heartbeats
 *
 * Unknown keys are dropped by the parse (zod objects strip them), so they never reach a handler.
 */
/** The card certificate the kiosk reads is at most this long (apps/kiosk/src/main/card/jpki-client.ts). */
export const MAX_AUTH_CERTIFICATE_BYTES = 8192;
/** An RSA-4096 signature; JPKI cards sign with RSA-2048 (256 bytes). */
export const MAX_SIGNATURE_BYTES = 512;
/** More household members than any 世帯 a resident could select from at a kiosk. */
export const MAX_SELECTED_MEMBERS = 50;
/**
 * 発行番号 as formatIssueNumber writes it: `YYYYMMDD <municipality name> <terminal id> <printer id>
 * <sequence>`; terminal and printer ids are what enrollment accepts, the sequence at least 6 digits.
 */
export const IssueNumber = z
  .string()
  .max(160)
  .regex(/^\d{8} [^\s\p{C}]{1,40} [A-Za-z0-9._-]{1,40} [A-Za-z0-9._-]{1,40} \d{6,15}$/u, 'an issue number');
/** `/issuances/:issuanceId/…` */
export const IssuanceParams = z.object({ issuanceId: z.string().uuid() });

export const TokenType = z.enum(['card', 'android', 'iphone']);
export type TokenType = z.infer<typeof TokenType>;

/** The codes of this build's error catalog (packages/shared/src/errors.ts). */
export const KnownErrorCode = z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]);

const errorFields = {
  message: z.string(),
  messageEn: z.string(),
  /** Row- or field-level problems for staff (import, admin). */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
};

/**
 * An error as the center sends it: always a code of its own catalog (the response serializer
 * checks it, and the OpenAPI document lists the codes).
 */
export const ErrorBody = z.object({ error: z.object({ code: KnownErrorCode, ...errorFields }) });
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * An error as a kiosk reads it. Kiosks are updated store by store, after the center: an older
 * kiosk must still understand a newer center that answers with a code added since it was built.
 * So the code is any string here; the kiosk narrows it with `isErrorCode` and treats an unknown
 * one as INTERNAL (the refusal still stops the step, nothing is printed or charged).
 */
export const ReceivedErrorBody = z.object({ error: z.object({ code: z.string(), ...errorFields }) });
export type ReceivedErrorBody = z.infer<typeof ReceivedErrorBody>;

// kioskApi.challenge — a retry with the same key returns the same challenge. The key is
// required here as on every mutating call: a call without one is refused INPUT_INVALID.
export const ChallengeRequest = z.object({ idempotencyKey: IdempotencyKey });
export type ChallengeRequest = z.input<typeof ChallengeRequest>;

export const ChallengeResponse = z.object({
  challengeId: z.string().uuid(),
  /** 32 random bytes; the card signs DigestInfo(SHA-256(challenge)). */
  challenge: Base64,
  expiresAt: z.string().datetime(),
});
export type ChallengeResponse = z.infer<typeof ChallengeResponse>;

// kioskApi.authenticate — a retry with the same key returns the same session (the challenge is
// consumed once); a new key on a used challenge is refused AUTH_CHALLENGE_REPLAYED.
export const AuthenticateRequest = z.object({
  idempotencyKey: IdempotencyKey,
  challengeId: z.string().uuid(),
  /** The card's 利用者証明用電子証明書, DER, base64. */
  authCertificate: base64Of(MAX_AUTH_CERTIFICATE_BYTES),
  /** RSA PKCS#1 v1.5 signature over SHA-256(challenge), base64. */
  signature: base64Of(MAX_SIGNATURE_BYTES),
  tokenType: TokenType,
});
export type AuthenticateRequest = z.input<typeof AuthenticateRequest>;

export const MenuItem = z.object({
  certificateType: CertificateType,
  available: z.boolean(),
  /**
   * Present when not available: the refusal code, already decided before payment. A string, not
   * KnownErrorCode, for the reason given at ReceivedErrorBody (older kiosks, newer codes).
   */
  refusal: z.string().optional(),
  feeYen: YenSchema.optional(),
  maxCopies: z.number().int().optional(),
  allowMyNumber: z.boolean().optional(),
  allowDomicile: z.boolean().optional(),
  taxYears: z.array(z.number().int()).optional(),
});
export type MenuItem = z.infer<typeof MenuItem>;

/** Household members the resident may select for a partial 住民票 (names are the resident's own household's). */
export const HouseholdMemberChoice = z.object({ residentId: z.string(), displayName: z.string(), relationship: z.string() });

/** 本籍地利用登録申請 of the resident for their 本籍地: none yet, waiting for the 本籍地's decision, or decided. */
export const DomicileRegistrationStatus = z.enum(['notApplied', 'pending', 'approved', 'rejected']);
export type DomicileRegistrationStatus = z.infer<typeof DomicileRegistrationStatus>;

/**
 * Present only when the resident's 本籍 is in another municipality than the 住所地: whether they can
 * apply at this kiosk now (kioskApi.applyDomicileRegistration) and, if not, why (a catalog code, kept a
 * string for the same reason as ReceivedErrorBody). Pending and rejected applications leave the
 * 戸籍 menu items refused ELIGIBILITY_DOMICILE_NOT_REGISTERED; this says which of the two it is.
 */
export const DomicileRegistrationOffer = z.object({
  status: DomicileRegistrationStatus,
  canApply: z.boolean(),
  refusal: z.string().optional(),
  /** The 本籍地's name, when this center serves it. */
  domicileMunicipalityName: z.string().optional(),
});
export type DomicileRegistrationOffer = z.infer<typeof DomicileRegistrationOffer>;

export const AuthenticateResponse = z.object({
  sessionId: z.string().uuid(),
  expiresAt: z.string().datetime(),
  municipalityName: z.string(),
  menu: z.array(MenuItem),
  householdMembers: z.array(HouseholdMemberChoice),
  domicileRegistration: DomicileRegistrationOffer.optional(),
});
export type AuthenticateResponse = z.infer<typeof AuthenticateResponse>;

// kioskApi.applyDomicileRegistration — apply for 本籍地 registration for the session's resident
export const DomicileRegistrationRequest = z.object({
  idempotencyKey: IdempotencyKey,
  /** The 本籍地 is the one on the resident's record: the kiosk names the session, never a municipality. */
  sessionId: z.string().uuid(),
});
export type DomicileRegistrationRequest = z.input<typeof DomicileRegistrationRequest>;

export const DomicileRegistrationResponse = z.object({
  registrationId: z.string().uuid(),
  status: z.literal('pending'),
  appliedAt: z.string().datetime(),
  domicileMunicipalityName: z.string().optional(),
});
export type DomicileRegistrationResponse = z.infer<typeof DomicileRegistrationResponse>;

/**
 * The options a kiosk sends: CertificateOptions (domain/policy.ts) with every id and number bounded,
 * because the whole object is recorded in the history, the parts a type ignores included.
 */
export const RequestedCertificateOptions = z.object({
  residenceRecord: ResidenceRecordOptions.extend({ memberIds: z.array(RecordId).max(MAX_SELECTED_MEMBERS).default([]) }).optional(),
  tax: TaxCertificateOptions.extend({ taxYear: z.number().int().min(1000).max(9999) }).optional(),
  familyRegister: FamilyRegisterOptions.extend({ registerId: RecordId.optional(), personId: RecordId.optional() }).optional(),
});

// kioskApi.quote
export const QuoteRequest = z.object({
  idempotencyKey: IdempotencyKey,
  sessionId: z.string().uuid(),
  certificateType: CertificateType,
  options: RequestedCertificateOptions.default({}),
  copies: z.number().int().min(1).max(10),
});
export type QuoteRequest = z.input<typeof QuoteRequest>;

export const IssuanceState = z.enum(['quoted', 'paid', 'delivered', 'printed', 'failed', 'refunded', 'voided']);
export type IssuanceState = z.infer<typeof IssuanceState>;

export const QuoteResponse = z.object({
  issuanceId: z.string().uuid(),
  state: IssuanceState,
  certificateType: CertificateType,
  copies: z.number().int(),
  feeYen: YenSchema,
  totalYen: YenSchema,
});
export type QuoteResponse = z.infer<typeof QuoteResponse>;

// kioskApi.pay
export const PaymentRequest = z.object({
  idempotencyKey: IdempotencyKey,
  paidYen: YenSchema,
});
export type PaymentRequest = z.input<typeof PaymentRequest>;

/**
 * What the center signs for each delivered document, so the kiosk can refuse to print anything
 * that is not this request's document for this card (docs/misissuance.md#r4).
 */
export const DocumentBinding = z.object({
  issuanceId: z.string().uuid(),
  issueNumber: z.string(),
  copyIndex: z.number().int().min(1),
  pageCount: z.number().int().min(1),
  /** The issue number printed on each page, in order, each ending with `n/N`. */
  pageIssueNumbers: z.array(z.string()).min(1),
  /** SHA-256 of the PDF bytes, hex. */
  documentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 of the DER of the card certificate the center authenticated, hex. */
  authCertificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  certificateType: CertificateType,
  issuedAt: z.string().datetime(),
});
export type DocumentBinding = z.infer<typeof DocumentBinding>;

export const DeliveredDocument = z.object({
  binding: DocumentBinding,
  /** The binding as canonical JSON (what was signed), and the center's Ed25519 signature over it, base64. */
  bindingJson: z.string(),
  bindingSignature: Base64,
  pdf: Base64,
});
export type DeliveredDocument = z.infer<typeof DeliveredDocument>;

export const DeliveryResponse = z.object({
  issuanceId: z.string().uuid(),
  state: IssuanceState,
  documents: z.array(DeliveredDocument),
});
export type DeliveryResponse = z.infer<typeof DeliveryResponse>;

// kioskApi.printResult
/** The longest card-to-print time a kiosk reports (a longer one is not a journey: it is left out). */
export const MAX_JOURNEY_MS = 3_600_000;
export const PrintResultRequest = z.object({
  idempotencyKey: IdempotencyKey,
  issueNumber: IssueNumber,
  outcome: z.enum(['printed', 'failed', 'rejected']),
  /** For failed/rejected: a catalog code (e.g. ISSUANCE_DOCUMENT_MISMATCH); the history holds codes only. */
  reasonCode: KnownErrorCode.optional(),
  /**
   * For printed: the kiosk's own time from the card placed to this copy on paper (statistics, p50/p95).
   * A measurement, not part of the request's identity: a retry without it gets the first answer.
   */
  journeyMs: z.number().int().min(0).max(MAX_JOURNEY_MS).optional(),
});
export type PrintResultRequest = z.input<typeof PrintResultRequest>;

export const PrintResultResponse = z.object({
  issuanceId: z.string().uuid(),
  state: IssuanceState,
  /** Yen to hand back to the resident now (0 when nothing failed). */
  refundYen: YenSchema,
});
export type PrintResultResponse = z.infer<typeof PrintResultResponse>;

// kioskApi.cancel — before payment (void) or after payment, before delivery (refund)
// The reason is recorded in the history, so it is a catalog code, never text.
export const CancelRequest = z.object({ idempotencyKey: IdempotencyKey, reasonCode: KnownErrorCode.optional() });
export type CancelRequest = z.input<typeof CancelRequest>;
export const CancelResponse = PrintResultResponse;

// kioskApi.bindingKey — the binding key's public half, which the kiosk checks bindings with (also
// pinned in kiosk config)
export const BindingKeyResponse = z.object({ keyId: z.string(), publicKeyPem: z.string() });
export type BindingKeyResponse = z.infer<typeof BindingKeyResponse>;

// kioskApi.heartbeat — what a kiosk says about itself every minute (issue 12, item 3). Every field
// is a bounded enum, version string or time: the fleet page shows them, and a heartbeat is refused
// whole (INPUT_INVALID, nothing stored) rather than stored in part.
/** The card reader as the kiosk's card transport reports it (apps/kiosk/src/main/card/transport.ts). */
export const HeartbeatReaderState = z.enum(['ready', 'noReader', 'reconnecting']);
export type HeartbeatReaderState = z.infer<typeof HeartbeatReaderState>;
/**
 * The printer in one word, from its IPP state and reasons (apps/kiosk/src/main/printer/): a blocking
 * reason wins over a warning, so a jammed printer low on toner is `media-jam`.
 */
export const HeartbeatPrinterState = z.enum(['ready', 'media-empty', 'media-jam', 'toner-low', 'offline', 'error']);
export type HeartbeatPrinterState = z.infer<typeof HeartbeatPrinterState>;
/** The coin and note unit: absent on a kiosk that takes no cash. */
export const HeartbeatCashState = z.enum(['ready', 'error', 'absent']);
export type HeartbeatCashState = z.infer<typeof HeartbeatCashState>;

export const HeartbeatRequest = z.object({
  /** The heartbeat's own id: the same heartbeat sent again (a retry) changes nothing. */
  idempotencyKey: IdempotencyKey,
  /** The kiosk's clock when it sent this, so a drifting clock shows on the fleet page. */
  sentAt: z.string().max(40).datetime({ offset: true }),
  /** The kiosk software's version, e.g. `1.4.2` or `1.4.2+abc1234`. */
  softwareVersion: z
    .string()
    .max(40)
    .regex(/^[0-9A-Za-z][0-9A-Za-z.+-]*$/, 'a version'),
  reader: HeartbeatReaderState,
  printer: HeartbeatPrinterState,
  cash: HeartbeatCashState,
  /** When this kiosk last printed every copy of an issuance; null before its first since it started. */
  lastIssuanceAt: z.string().max(40).datetime({ offset: true }).nullable(),
});
export type HeartbeatRequest = z.input<typeof HeartbeatRequest>;

export const HeartbeatResponse = z.object({
  /** The center's clock when it took the heartbeat: the fleet's "last seen". */
  receivedAt: z.string().datetime(),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

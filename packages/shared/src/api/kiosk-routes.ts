/**
 * The kiosk API's route table: every route's method, path, schemas and idempotency, written once.
 * The center registers its routes from it (apps/center/src/http/kiosk-routes.ts), its OpenAPI
 * document is generated from those routes, the kiosk's center client and the center's test harness
 * call routes by name with types derived from it — so a path or a schema cannot differ between
 * them. The schemas themselves, and what each field is bounded to, are in kiosk-center.ts.
 */
import type { z } from 'zod';
import {
  AuthenticateRequest,
  AuthenticateResponse,
  BindingKeyResponse,
  CancelRequest,
  CancelResponse,
  ChallengeRequest,
  ChallengeResponse,
  DeliveryResponse,
  DomicileRegistrationRequest,
  DomicileRegistrationResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  IssuanceParams,
  PaymentRequest,
  PrintResultRequest,
  PrintResultResponse,
  QuoteRequest,
  QuoteResponse,
} from './kiosk-center.js';

export const API_VERSION = 'v1' as const;
/** Every kiosk route lives under this prefix; nothing else in the repository spells it out. */
export const API_PREFIX = `/api/${API_VERSION}` as const;
/** The OpenAPI document the center generates from this table (served without a client certificate). */
export const OPENAPI_PATH = `${API_PREFIX}/openapi.json` as const;

export interface KioskRouteSpec {
  method: 'GET' | 'POST';
  /** Relative to API_PREFIX; `:name` segments are path parameters, described by `params`. */
  path: `/${string}`;
  /** The OpenAPI summary. */
  summary: string;
  params?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /**
   * Present on every mutating call: the body carries an idempotency key, and the first result is
   * stored under (kiosk, key, this operation name), so a retry gets that result. The names are
   * stored in the database: renaming one would make a retry across an upgrade a new call.
   */
  operation?: string;
}

export const kioskApi = {
  challenge: {
    method: 'POST',
    path: '/challenges',
    summary: 'Issue a card challenge (32 random bytes, single use, ≤ 60 s, bound to this kiosk)',
    body: ChallengeRequest,
    response: ChallengeResponse,
    operation: 'challenge',
  },
  authenticate: {
    method: 'POST',
    path: '/sessions',
    summary: 'Authenticate the resident by the card signature over the challenge',
    body: AuthenticateRequest,
    response: AuthenticateResponse,
    operation: 'authenticate',
  },
  applyDomicileRegistration: {
    method: 'POST',
    path: '/domicile-registrations',
    summary:
      '本籍地利用登録申請: the session’s resident applies for their 本籍地; ' +
      'its 戸籍 certificates become available once that municipality approves',
    body: DomicileRegistrationRequest,
    response: DomicileRegistrationResponse,
    operation: 'domicile-registration',
  },
  quote: {
    method: 'POST',
    path: '/issuances',
    summary: 'Quote: eligibility and fee (refusals happen here, before payment)',
    body: QuoteRequest,
    response: QuoteResponse,
    operation: 'quote',
  },
  pay: {
    method: 'POST',
    path: '/issuances/:issuanceId/payment',
    summary: 'Record the payment; renders and returns the documents with their signed bindings',
    params: IssuanceParams,
    body: PaymentRequest,
    response: DeliveryResponse,
    operation: 'payment',
  },
  printResult: {
    method: 'POST',
    path: '/issuances/:issuanceId/print-results',
    summary: 'Report one copy printed, failed, or rejected by the kiosk’s binding check',
    params: IssuanceParams,
    body: PrintResultRequest,
    response: PrintResultResponse,
    operation: 'print-result',
  },
  cancel: {
    method: 'POST',
    path: '/issuances/:issuanceId/cancel',
    summary: 'Cancel: void a quote, or refund a paid issuance',
    params: IssuanceParams,
    body: CancelRequest,
    response: CancelResponse,
    operation: 'cancel',
  },
  // No operation: a heartbeat is idempotent by itself (the center keeps each kiosk's latest one,
  // keyed by its idempotency key), so it stores no idempotency row — one a minute from every kiosk
  // would soon be most of that table.
  heartbeat: {
    method: 'POST',
    path: '/heartbeats',
    summary: 'The kiosk’s state: software version, reader, printer, cash unit, last issuance, its clock (every minute)',
    body: HeartbeatRequest,
    response: HeartbeatResponse,
  },
  bindingKey: {
    method: 'GET',
    path: '/binding-key',
    summary: 'The Ed25519 public key that signs document bindings',
    response: BindingKeyResponse,
  },
} as const satisfies Record<string, KioskRouteSpec>;

export type KioskApi = typeof kioskApi;
export type KioskRouteName = keyof KioskApi;
/** What a caller sends: the body schema's input side (defaults optional, yen as plain numbers). */
export type RouteBody<N extends KioskRouteName> = KioskApi[N] extends { body: infer B extends z.ZodType } ? z.input<B> : undefined;
/** What a handler receives after the center's validation: the body schema's output side. */
export type RouteParsedBody<N extends KioskRouteName> = KioskApi[N] extends { body: infer B extends z.ZodType } ? z.output<B> : undefined;
export type RouteParams<N extends KioskRouteName> = KioskApi[N] extends { params: infer P extends z.ZodType } ? z.input<P> : undefined;
export type RouteParsedParams<N extends KioskRouteName> = KioskApi[N] extends { params: infer P extends z.ZodType }
  ? z.output<P>
  : undefined;
export type RouteResponse<N extends KioskRouteName> = z.infer<KioskApi[N]['response']>;

/** The full path of a route, its parameters substituted and percent-encoded. */
export function kioskPath<N extends KioskRouteName>(name: N, ...params: RouteParams<N> extends undefined ? [] : [RouteParams<N>]): string {
  const values = (params[0] ?? {}) as Record<string, string>;
  const path = kioskApi[name].path.replace(/:([A-Za-z]+)/g, (_segment, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name}: missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
  return `${API_PREFIX}${path}`;
}

/** The full path of a route as OpenAPI writes it (`{issuanceId}`), for comparing with the document. */
export function kioskOpenApiPath(name: KioskRouteName): string {
  return `${API_PREFIX}${kioskApi[name].path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
}

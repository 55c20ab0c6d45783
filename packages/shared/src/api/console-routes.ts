/**
 * The staff console API's route table, in the style of the kiosk's (kiosk-routes.ts): every route's
 * method, path, schemas and the one permission it needs (domain/staff.ts), written once. The center
 * registers the routes from it behind staff sessions (never a kiosk certificate) and generates the
 * console's own OpenAPI document; the console app and the tests call routes by name.
 *
 * A route whose path has `:municipalityCode` is that municipality's: municipal staff reach only
 * their own (403 otherwise, with no data in the body). Every state-changing call (POST, PUT,
 * DELETE) needs the session's CSRF token in the `x-csrf-token` header.
 */
import type { z } from 'zod';
import type { Permission } from '../domain/staff.js';
import {
  ApiTokenList,
  ApiTokenParams,
  ApiTokenSummary,
  CancelFeeRequest,
  ChangePasswordRequest,
  ChangeRoleRequest,
  CompleteEnrolmentRequest,
  CreateApiTokenRequest,
  CreateApiTokenResponse,
  CreateStaffRequest,
  CreateStaffResponse,
  DeclareOutageRequest,
  DomicileQuery,
  DomicileRegistrationList,
  DomicileRegistrationParams,
  DomicileRegistrationView,
  Empty,
  EnrolmentInfo,
  EnrolmentParams,
  HistoryPage,
  HistoryQuery,
  ImportHistory,
  ImportRequest,
  ImportResult,
  Me,
  MunicipalityList,
  MunicipalityOverview,
  MunicipalityParams,
  OkResponse,
  OutageParams,
  OutageView,
  PreviewParams,
  PreviewResponse,
  PutHeadRequest,
  PutHoursRequest,
  PutOfferingsRequest,
  RecoveryCodes,
  RejectRequest,
  ScheduleFeeRequest,
  SealUpload,
  SealView,
  SignInRequest,
  StaffList,
  StaffParams,
  StaffSummary,
} from './console-api.js';
import { anomalyRoutes } from './console-areas/anomalies.js';
import { billingRoutes } from './console-areas/billing.js';
import { fleetRoutes } from './console-areas/fleet.js';
import { issuanceLogRoutes } from './console-areas/issuance-log.js';
import { statisticsRoutes } from './console-areas/statistics.js';

/** The console app is served here; its API below. Nothing else spells these out. */
export const CONSOLE_PATH = '/console' as const;
export const CONSOLE_API_PREFIX = '/console/api/v1' as const;
export const CONSOLE_OPENAPI_PATH = `${CONSOLE_API_PREFIX}/openapi.json` as const;
/** The session cookie (`__Host-`: Secure, Path=/, no Domain) and the CSRF header. */
export const CONSOLE_SESSION_COOKIE = '__Host-madoguchi-console' as const;
export const CSRF_HEADER = 'x-csrf-token' as const;

export interface ConsoleRouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to CONSOLE_API_PREFIX; `:name` segments are path parameters, described by `params`. */
  path: `/${string}`;
  summary: string;
  permission: Permission;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Large bodies (imports, seal images); default 1 MiB. */
  bodyLimit?: number;
}

const M = '/municipalities/:municipalityCode' as const;

export const consoleApi = {
  // --- session, enrolment, own account
  signIn: {
    method: 'POST',
    path: '/session',
    summary: 'Sign in: login id, password and a TOTP or recovery code',
    permission: 'public',
    body: SignInRequest,
    response: Me,
  },
  me: { method: 'GET', path: '/session', summary: 'The signed-in staff member and the CSRF token', permission: 'self', response: Me },
  signOut: {
    method: 'POST',
    path: '/session/sign-out',
    summary: 'End this session',
    permission: 'self',
    body: Empty,
    response: OkResponse,
  },
  changePassword: {
    method: 'POST',
    path: '/session/password',
    summary: 'Change the own password (ends the other sessions)',
    permission: 'self',
    body: ChangePasswordRequest,
    response: OkResponse,
  },
  enrolment: {
    method: 'GET',
    path: '/enrolments/:token',
    summary: 'A one-time enrolment link: the account and a new TOTP secret',
    permission: 'public',
    params: EnrolmentParams,
    response: EnrolmentInfo,
  },
  completeEnrolment: {
    method: 'POST',
    path: '/enrolments/:token',
    summary: 'Set the password and confirm the TOTP; answers the recovery codes once',
    permission: 'public',
    params: EnrolmentParams,
    body: CompleteEnrolmentRequest,
    response: RecoveryCodes,
  },

  // --- service-wide
  municipalities: {
    method: 'GET',
    path: '/municipalities',
    summary: 'Municipalities (municipal staff: their own)',
    permission: 'read',
    response: MunicipalityList,
  },
  serviceStaff: { method: 'GET', path: '/staff', summary: 'Every staff account', permission: 'read', response: StaffList },
  createServiceStaff: {
    method: 'POST',
    path: '/staff',
    summary: 'Create an operator or auditor account (answers its enrolment link)',
    permission: 'operate',
    body: CreateStaffRequest,
    response: CreateStaffResponse,
  },

  // --- a municipality
  overview: {
    method: 'GET',
    path: M,
    summary: 'Offerings, fees, hours, outages, head and seal',
    permission: 'read',
    params: MunicipalityParams,
    response: MunicipalityOverview,
  },
  putOfferings: {
    method: 'PUT',
    path: `${M}/offerings`,
    summary: 'Which certificate types are offered, with which options',
    permission: 'configure',
    params: MunicipalityParams,
    body: PutOfferingsRequest,
    response: MunicipalityOverview,
  },
  scheduleFee: {
    method: 'POST',
    path: `${M}/fees`,
    summary: 'Schedule a fee change from a future date',
    permission: 'configure',
    params: MunicipalityParams,
    body: ScheduleFeeRequest,
    response: MunicipalityOverview,
  },
  cancelFee: {
    method: 'POST',
    path: `${M}/fees/cancel`,
    summary: 'Cancel a scheduled fee change before it takes effect',
    permission: 'configure',
    params: MunicipalityParams,
    body: CancelFeeRequest,
    response: MunicipalityOverview,
  },
  putHours: {
    method: 'PUT',
    path: `${M}/hours`,
    summary: 'Service hours of one certificate type (or of 本籍地 registration)',
    permission: 'configure',
    params: MunicipalityParams,
    body: PutHoursRequest,
    response: MunicipalityOverview,
  },
  declareOutage: {
    method: 'POST',
    path: `${M}/outages`,
    summary: 'Declare an outage (kiosks refuse at once while it lasts)',
    permission: 'configure',
    params: MunicipalityParams,
    body: DeclareOutageRequest,
    response: OutageView,
  },
  endOutage: {
    method: 'POST',
    path: `${M}/outages/:outageId/end`,
    summary: 'End an outage now, or cancel one not yet begun',
    permission: 'configure',
    params: OutageParams,
    body: Empty,
    response: OutageView,
  },
  putHead: {
    method: 'PUT',
    path: `${M}/head`,
    summary: 'The head’s title and name, and the note printed by the seal',
    permission: 'configure',
    params: MunicipalityParams,
    body: PutHeadRequest,
    response: MunicipalityOverview,
  },
  seal: {
    method: 'GET',
    path: `${M}/seal`,
    summary: 'The 公印 image in use',
    permission: 'read',
    params: MunicipalityParams,
    response: SealView,
  },
  putSeal: {
    method: 'PUT',
    path: `${M}/seal`,
    summary: 'Replace the 公印 image (PNG, printed ≤ 25 mm)',
    permission: 'configure',
    params: MunicipalityParams,
    body: SealUpload,
    response: SealView,
    bodyLimit: 2 * 1024 * 1024,
  },
  previewSeal: {
    method: 'POST',
    path: `${M}/seal/preview`,
    summary: 'A sample certificate with an uploaded seal, before it is saved',
    permission: 'configure',
    params: MunicipalityParams,
    body: SealUpload,
    response: PreviewResponse,
    bodyLimit: 2 * 1024 * 1024,
  },
  preview: {
    method: 'GET',
    path: `${M}/previews/:certificateType`,
    summary: 'A sample of a certificate type with the current settings (見本)',
    permission: 'read',
    params: PreviewParams,
    response: PreviewResponse,
  },
  imports: {
    method: 'GET',
    path: `${M}/imports`,
    summary: 'Imports: who, when, what',
    permission: 'read',
    params: MunicipalityParams,
    response: ImportHistory,
  },
  runImport: {
    method: 'POST',
    path: `${M}/imports`,
    summary: 'Import municipal data (JSON or CSV); a dry run reports row by row and changes nothing',
    permission: 'import',
    params: MunicipalityParams,
    body: ImportRequest,
    response: ImportResult,
    bodyLimit: 64 * 1024 * 1024,
  },
  domicileRegistrations: {
    method: 'GET',
    path: `${M}/domicile-registrations`,
    summary: '本籍地 registrations to decide (or decided)',
    permission: 'read',
    params: MunicipalityParams,
    query: DomicileQuery,
    response: DomicileRegistrationList,
  },
  approveDomicileRegistration: {
    method: 'POST',
    path: `${M}/domicile-registrations/:registrationId/approve`,
    summary: 'Approve: the resident’s 戸籍 certificates become available',
    permission: 'approve',
    params: DomicileRegistrationParams,
    body: Empty,
    response: DomicileRegistrationView,
  },
  rejectDomicileRegistration: {
    method: 'POST',
    path: `${M}/domicile-registrations/:registrationId/reject`,
    summary: 'Reject, with a reason',
    permission: 'approve',
    params: DomicileRegistrationParams,
    body: RejectRequest,
    response: DomicileRegistrationView,
  },
  history: {
    method: 'GET',
    path: `${M}/history`,
    summary: 'The municipality’s rows of the hash-chained history, newest first',
    permission: 'read',
    params: MunicipalityParams,
    query: HistoryQuery,
    response: HistoryPage,
  },
  staff: {
    method: 'GET',
    path: `${M}/staff`,
    summary: 'The municipality’s staff accounts',
    permission: 'read',
    params: MunicipalityParams,
    response: StaffList,
  },
  createStaff: {
    method: 'POST',
    path: `${M}/staff`,
    summary: 'Create an administrator or clerk account (answers its enrolment link)',
    permission: 'users',
    params: MunicipalityParams,
    body: CreateStaffRequest,
    response: CreateStaffResponse,
  },
  disableStaff: {
    method: 'POST',
    path: `${M}/staff/:staffId/disable`,
    summary: 'Disable an account (its sessions end at once)',
    permission: 'users',
    params: StaffParams,
    body: Empty,
    response: StaffSummary,
  },
  changeRole: {
    method: 'POST',
    path: `${M}/staff/:staffId/role`,
    summary: 'Change an account’s role (its sessions end at once)',
    permission: 'users',
    params: StaffParams,
    body: ChangeRoleRequest,
    response: StaffSummary,
  },
  apiTokens: {
    method: 'GET',
    path: `${M}/api-tokens`,
    summary: 'Import API tokens',
    permission: 'users',
    params: MunicipalityParams,
    response: ApiTokenList,
  },
  createApiToken: {
    method: 'POST',
    path: `${M}/api-tokens`,
    summary: 'Create an import API token (shown once)',
    permission: 'users',
    params: MunicipalityParams,
    body: CreateApiTokenRequest,
    response: CreateApiTokenResponse,
  },
  revokeApiToken: {
    method: 'POST',
    path: `${M}/api-tokens/:tokenId/revoke`,
    summary: 'Revoke an import API token',
    permission: 'users',
    params: ApiTokenParams,
    body: Empty,
    response: ApiTokenSummary,
  },
  // --- operations (issue 12): each area's rows live with its schemas in console-areas/
  ...issuanceLogRoutes,
  ...anomalyRoutes,
  ...fleetRoutes,
  ...billingRoutes,
  ...statisticsRoutes,
} as const satisfies Record<string, ConsoleRouteSpec>;

export type ConsoleApi = typeof consoleApi;
export type ConsoleRouteName = keyof ConsoleApi;
export type ConsoleBody<N extends ConsoleRouteName> = ConsoleApi[N] extends { body: infer B extends z.ZodType } ? z.input<B> : undefined;
export type ConsoleParsedBody<N extends ConsoleRouteName> = ConsoleApi[N] extends { body: infer B extends z.ZodType }
  ? z.output<B>
  : undefined;
export type ConsoleParams<N extends ConsoleRouteName> = ConsoleApi[N] extends { params: infer P extends z.ZodType }
  ? z.input<P>
  : undefined;
export type ConsoleParsedParams<N extends ConsoleRouteName> = ConsoleApi[N] extends { params: infer P extends z.ZodType }
  ? z.output<P>
  : undefined;
export type ConsoleQuery<N extends ConsoleRouteName> = ConsoleApi[N] extends { query: infer Q extends z.ZodType } ? z.input<Q> : undefined;
export type ConsoleParsedQuery<N extends ConsoleRouteName> = ConsoleApi[N] extends { query: infer Q extends z.ZodType }
  ? z.output<Q>
  : undefined;
export type ConsoleResponse<N extends ConsoleRouteName> = z.infer<ConsoleApi[N]['response']>;

/** The full path of a console route, its parameters substituted and percent-encoded. */
export function consolePath<N extends ConsoleRouteName>(
  name: N,
  ...params: ConsoleParams<N> extends undefined ? [] : [ConsoleParams<N>]
): string {
  const values = (params[0] ?? {}) as Record<string, string>;
  const path = consoleApi[name].path.replace(/:([A-Za-z]+)/g, (_segment, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name}: missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
  return `${CONSOLE_API_PREFIX}${path}`;
}

/** Whether a route changes state (and so needs the CSRF header). */
export const isStateChanging = (name: ConsoleRouteName) => consoleApi[name].method !== 'GET';

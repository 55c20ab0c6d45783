/**
 * The issuance log (交付履歴の検索): search, timeline, personal-data reveal, CSV export (issue 12 item 1).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 *
 * Every route is service-wide (no `:municipalityCode` in its path), so municipal staff reach them:
 * the center answers them with their own municipality's issuances only. A search or an export that
 * names another municipality is refused (403 FORBIDDEN); an issuance of another municipality is not
 * found (404). Rows hold ids, codes, amounts and states — never a name or an address: those come
 * only from `revealPersonalData`, which needs a reason and is itself written to the history.
 */
import { z } from 'zod';
import { CertificateType } from '../../domain/certificate-type.js';
import { IsoDate } from '../../domain/dates.js';
import { MunicipalityCode } from '../../domain/municipal-data.js';
import { Instant } from '../console-api.js';
import type { ConsoleRouteSpec } from '../console-routes.js';
import { IssuanceParams, IssuanceState, IssueNumber } from '../kiosk-center.js';

/** A kiosk's terminal id, a store code or a store chain's code: what kiosk enrollment accepts. */
const KioskCode = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, '半角英数字と . _ - の40文字以内です (1–40 of A-Z a-z 0-9 . _ -)');

/**
 * A period bound: a Japan date (YYYY-MM-DD: `from` is that day's 00:00 JST, `to` includes the
 * whole day) or an instant with an offset (`from` inclusive, `to` exclusive).
 */
export const PeriodBound = z.union([IsoDate, Instant]);

/** The search's filters; every one optional, all of them combined with AND. */
export const IssuanceLogFilter = z.object({
  from: PeriodBound.optional(),
  to: PeriodBound.optional(),
  municipalityCode: MunicipalityCode.optional(),
  chainCode: KioskCode.optional(),
  storeCode: KioskCode.optional(),
  terminalId: KioskCode.optional(),
  certificateType: CertificateType.optional(),
  state: IssuanceState.optional(),
  issueNumber: IssueNumber.optional(),
  issuanceId: IssuanceParams.shape.issuanceId.optional(),
});
export type IssuanceLogFilter = z.infer<typeof IssuanceLogFilter>;
export const issuanceLogFilterKeys = Object.keys(IssuanceLogFilter.shape) as (keyof IssuanceLogFilter)[];

/** The most rows one page of the search holds. */
export const MAX_ISSUANCE_LOG_PAGE = 200;

export const IssuanceSearchQuery = IssuanceLogFilter.extend({
  /** Opaque: the `nextCursor` of the previous page (newest first, keyset on time and id). */
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'cursor')
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_ISSUANCE_LOG_PAGE).default(50),
});

/** One issuance in the log: ids, codes, amounts, states, store and kiosk, pages and copies. */
export const IssuanceLogRow = z.object({
  issuanceId: z.string(),
  createdAt: Instant,
  updatedAt: Instant,
  municipalityCode: z.string(),
  certificateType: z.string(),
  state: z.string(),
  failureCode: z.string().nullable(),
  copies: z.number().int(),
  /** The pages of every rendered copy together; null before anything was rendered. */
  pageCount: z.number().int().nullable(),
  feeYen: z.number().int(),
  totalYen: z.number().int(),
  paidYen: z.number().int().nullable(),
  refundYen: z.number().int(),
  terminalId: z.string(),
  storeCode: z.string().nullable(),
  storeName: z.string().nullable(),
  chainCode: z.string().nullable(),
  issueNumbers: z.array(z.string()),
});
export type IssuanceLogRow = z.infer<typeof IssuanceLogRow>;

export const IssuanceLogPage = z.object({ rows: z.array(IssuanceLogRow), nextCursor: z.string().nullable() });

export const TimelineSource = z.enum(['history', 'document', 'incident', 'billing']);
/** One step of an issuance's timeline; `event` is the history event, incident kind or ledger entry kind. */
export const TimelineEntry = z.object({
  at: Instant,
  source: TimelineSource,
  event: z.string(),
  /** The history row's sequence number (history entries only). */
  sequence: z.number().int().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const TimelineDocument = z.object({
  issueNumber: z.string(),
  copyIndex: z.number().int(),
  pageCount: z.number().int().nullable(),
  documentSha256: z.string().nullable(),
  printOutcome: z.string().nullable(),
  printReasonCode: z.string().nullable(),
  reportedAt: Instant.nullable(),
  pdfDeletedAt: Instant.nullable(),
});

export const IssuanceTimeline = z.object({
  issuance: IssuanceLogRow,
  documents: z.array(TimelineDocument),
  /** In time order; rows of the history in their chain order where times are equal. */
  entries: z.array(TimelineEntry),
});
export type IssuanceTimeline = z.infer<typeof IssuanceTimeline>;

/** Why the personal data is needed: short, one line; kept in the hash-chained history for ever. */
export const MAX_REVEAL_REASON = 200;
export const RevealPersonalDataRequest = z.object({
  reason: z.string().trim().min(1, '理由を入力してください (a reason is required)').max(MAX_REVEAL_REASON),
});
export const RevealedPersonalData = z.object({
  residentId: z.string(),
  name: z.object({ family: z.string(), given: z.string(), familyKana: z.string().nullable(), givenKana: z.string().nullable() }),
  formerSurname: z.string().nullable(),
  /** The household's address (住所) as the record holds it now. */
  address: z.string().nullable(),
  revealedAt: Instant,
});
export type RevealedPersonalData = z.infer<typeof RevealedPersonalData>;

/** The CSV export's media type; its body is the text (UTF-8 with a BOM, CRLF lines). */
export const ISSUANCE_LOG_CSV_TYPE = 'text/csv; charset=utf-8' as const;

export const issuanceLogRoutes = {
  searchIssuances: {
    method: 'GET',
    path: '/issuances',
    summary: 'Search the issuance log, newest first, a page at a time (municipal staff: their own municipality)',
    permission: 'read',
    query: IssuanceSearchQuery,
    response: IssuanceLogPage,
  },
  exportIssuances: {
    method: 'GET',
    path: '/issuances/export',
    summary: 'The whole search as CSV (every page; safe to open in a spreadsheet); the export is written to the history',
    permission: 'read',
    query: IssuanceLogFilter,
    response: z.string(),
  },
  issuanceTimeline: {
    method: 'GET',
    path: '/issuances/:issuanceId',
    summary: 'One issuance and its timeline: state changes, payment, documents, print results, refunds, incidents, ledger entries',
    permission: 'read',
    params: IssuanceParams,
    response: IssuanceTimeline,
  },
  revealPersonalData: {
    method: 'POST',
    path: '/issuances/:issuanceId/personal-data',
    summary: 'The resident’s name and address for one issuance, with a reason that is written to the history',
    permission: 'reveal',
    params: IssuanceParams,
    body: RevealPersonalDataRequest,
    response: RevealedPersonalData,
  },
} as const satisfies Record<string, ConsoleRouteSpec>;

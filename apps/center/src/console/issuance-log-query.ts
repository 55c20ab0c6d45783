/**
 * The issuance log's search: the filters of IssuanceLogFilter over `issuances`, newest first
 * (created_at desc, issuance_id desc), a page at a time by keyset — the cursor is the last row's
 * (created_at, issuance_id), so a page deep in five million rows costs what the first one does
 * (an OFFSET would read and drop every row before it). 0304_issuance_log's indexes serve the
 * orders this makes; issuance-log-plan.test.ts fails if the search stops using them.
 *
 * Municipal staff are held to their own municipality here (scopeFilter), whatever the query asks.
 */
import { MadoguchiError, isMunicipalRole, type IssuanceLogFilter, type IssuanceLogRow, type StaffScope } from '@madoguchi/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** A filter after scoping, its period as UTC instants in the stored form (toISOString). */
export interface ResolvedFilter extends Omit<IssuanceLogFilter, 'from' | 'to'> {
  fromIso?: string;
  toIso?: string;
}

export interface Keyset {
  createdAt: string;
  issuanceId: string;
}

/**
 * Municipal staff search their own municipality: one that names another is refused rather than
 * silently answered with other rows, so a clerk never mistakes their own figures for another's.
 */
export function scopeFilter(staff: StaffScope, filter: IssuanceLogFilter): IssuanceLogFilter {
  if (!isMunicipalRole(staff.role)) return filter;
  if (filter.municipalityCode !== undefined && filter.municipalityCode !== staff.municipalityCode)
    throw new MadoguchiError('FORBIDDEN', `issuance log: ${staff.role} of ${staff.municipalityCode} asked for another municipality`);
  return { ...filter, municipalityCode: staff.municipalityCode! };
}

const isJapanDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** `from` as the first instant it includes; a Japan date starts at 00:00 JST. */
export function periodStart(value: string): string {
  return new Date(isJapanDate(value) ? `${value}T00:00:00+09:00` : value).toISOString();
}

/** `to` as the first instant it excludes; a Japan date includes its whole day. */
export function periodEnd(value: string): string {
  if (!isJapanDate(value)) return new Date(value).toISOString();
  return new Date(new Date(`${value}T00:00:00+09:00`).getTime() + 24 * 3600_000).toISOString();
}

export function resolveFilter(filter: IssuanceLogFilter): ResolvedFilter {
  const { from, to, ...rest } = filter;
  const resolved: ResolvedFilter = { ...rest };
  if (from !== undefined) resolved.fromIso = periodStart(from);
  if (to !== undefined) resolved.toIso = periodEnd(to);
  if (resolved.fromIso && resolved.toIso && resolved.fromIso >= resolved.toIso)
    throw new MadoguchiError('INPUT_INVALID', 'issuance log: the period ends before it starts', [
      { path: 'to', message: '期間の終わりが始まりより前です (the period ends before it starts)' },
    ]);
  return resolved;
}

export function encodeCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify([keyset.createdAt, keyset.issuanceId]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Keyset {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(parsed[0]) &&
    typeof parsed[1] === 'string' &&
    /^[0-9a-f-]{1,36}$/i.test(parsed[1]);
  if (!ok) throw new MadoguchiError('INPUT_INVALID', 'issuance log: not a cursor of this search', [{ path: 'cursor', message: 'cursor' }]);
  return { createdAt: (parsed as string[])[0]!, issuanceId: (parsed as string[])[1]! };
}

/** The filtered issuances with their kiosk, before order and keyset. */
export function filteredIssuances(db: Kysely<Database>, filter: ResolvedFilter) {
  let query = db.selectFrom('issuances as i').leftJoin('kiosks as k', 'k.terminal_id', 'i.terminal_id');
  if (filter.municipalityCode !== undefined) query = query.where('i.municipality_code', '=', filter.municipalityCode);
  if (filter.certificateType !== undefined) query = query.where('i.certificate_type', '=', filter.certificateType);
  if (filter.state !== undefined) query = query.where('i.state', '=', filter.state);
  if (filter.terminalId !== undefined) query = query.where('i.terminal_id', '=', filter.terminalId);
  if (filter.issuanceId !== undefined) query = query.where('i.issuance_id', '=', filter.issuanceId);
  if (filter.fromIso !== undefined) query = query.where('i.created_at', '>=', filter.fromIso);
  if (filter.toIso !== undefined) query = query.where('i.created_at', '<', filter.toIso);
  // A chain or a store is a handful of kiosks: filter by their terminal ids, so the issuances'
  // own indexes keep the order (a filter on the joined kiosk row would not).
  if (filter.chainCode !== undefined) {
    const chain = filter.chainCode;
    query = query.where('i.terminal_id', 'in', (eb) => eb.selectFrom('kiosks').select('terminal_id').where('chain_code', '=', chain));
  }
  if (filter.storeCode !== undefined) {
    const store = filter.storeCode;
    query = query.where('i.terminal_id', 'in', (eb) => eb.selectFrom('kiosks').select('terminal_id').where('store_code', '=', store));
  }
  if (filter.issueNumber !== undefined) {
    const issueNumber = filter.issueNumber;
    query = query.where('i.issuance_id', 'in', (eb) =>
      eb.selectFrom('issuance_documents').select('issuance_id').where('issue_number', '=', issueNumber),
    );
  }
  return query;
}

/** The query of one page: `limit` rows after `after` (none: from the newest); issuance-log-plan.test.ts explains it. */
export function searchQuery(db: Kysely<Database>, filter: ResolvedFilter, page: { after?: Keyset; limit: number }) {
  let query = filteredIssuances(db, filter);
  if (page.after) {
    const { createdAt, issuanceId } = page.after;
    query = query.where((eb) => eb(eb.refTuple('i.created_at', 'i.issuance_id'), '<', eb.tuple(createdAt, issuanceId)));
  }
  return query
    .select([
      'i.issuance_id',
      'i.created_at',
      'i.updated_at',
      'i.municipality_code',
      'i.certificate_type',
      'i.state',
      'i.failure_code',
      'i.copies',
      'i.fee_yen',
      'i.total_yen',
      'i.paid_yen',
      'i.refund_yen',
      'i.terminal_id',
      'k.store_code',
      'k.store_name',
      'k.chain_code',
    ])
    .orderBy('i.created_at', 'desc')
    .orderBy('i.issuance_id', 'desc')
    .limit(page.limit);
}

/** One page of the search, each row with its documents' issue numbers and pages. */
export async function searchPage(
  db: Kysely<Database>,
  filter: ResolvedFilter,
  page: { after?: Keyset; limit: number },
): Promise<{ rows: IssuanceLogRow[]; next: Keyset | null }> {
  const found = await searchQuery(db, filter, page).execute();
  const documents = await documentsOf(
    db,
    found.map((r) => r.issuance_id),
  );
  const rows = found.map((r): IssuanceLogRow => {
    const own = documents.get(r.issuance_id) ?? [];
    const pages = own.filter((d) => d.page_count !== null);
    return {
      issuanceId: r.issuance_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      municipalityCode: r.municipality_code,
      certificateType: r.certificate_type,
      state: r.state,
      failureCode: r.failure_code,
      copies: Number(r.copies),
      pageCount: pages.length > 0 ? pages.reduce((sum, d) => sum + Number(d.page_count), 0) : null,
      feeYen: Number(r.fee_yen),
      totalYen: Number(r.total_yen),
      paidYen: r.paid_yen === null ? null : Number(r.paid_yen),
      refundYen: Number(r.refund_yen),
      terminalId: r.terminal_id,
      storeCode: r.store_code,
      storeName: r.store_name,
      chainCode: r.chain_code,
      issueNumbers: own.map((d) => d.issue_number),
    };
  });
  const last = found.at(-1);
  return { rows, next: found.length === page.limit && last ? { createdAt: last.created_at, issuanceId: last.issuance_id } : null };
}

async function documentsOf(db: Kysely<Database>, issuanceIds: string[]) {
  const byIssuance = new Map<string, { issue_number: string; page_count: number | null }[]>();
  if (issuanceIds.length === 0) return byIssuance;
  const rows = await db
    .selectFrom('issuance_documents')
    .select(['issuance_id', 'issue_number', 'page_count', 'copy_index'])
    .where('issuance_id', 'in', issuanceIds)
    .orderBy('issuance_id')
    .orderBy('copy_index')
    .execute();
  for (const row of rows) {
    const list = byIssuance.get(row.issuance_id) ?? [];
    list.push(row);
    byIssuance.set(row.issuance_id, list);
  }
  return byIssuance;
}

/** How many issuances the filter finds (the export records it before sending any row). */
export async function countIssuances(db: Kysely<Database>, filter: ResolvedFilter): Promise<number> {
  const row = await filteredIssuances(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Issuance-log benchmark (issue 12 item 1): a throwaway PostgreSQL filled with N issuances (default
 * 5,000,000) over a year, each with its document and three history rows (quoted, paid, printed),
 * 1 % with an incident, by `insert … select generate_series` in chunks; then a real center over
 * HTTPS answers the console's routes as an operator and we time, p50/p95 over the same run:
 *   - `select 1` on the center's own pool (the floor of any query), and the `me` route (the floor of any console call);
 *   - a filtered search: municipality + certificate type + one month (JST), first page of 50;
 *   - the same search 5,000 rows deep (page 101 by keyset: the cursor of a walk of 25 pages of 200);
 *   - an operator's unfiltered first page, and one kiosk's first page;
 *   - one issuance's timeline.
 * Parameters (municipality, month, issuance) are drawn at random for each sample. No assertions:
 * figures only (docs/benchmarks.md#issuance-log); the goal is p95 ≤ 100 ms for search and timeline.
 *
 *   corepack pnpm exec tsx test/bench/issuance-log.ts [issuances=5000000] [samples=200]
 */
import { sql } from 'kysely';
import { openDatabase, migrate, type CenterDatabase } from '@madoguchi/center';
import { startConsoleCenter, type ConsoleClient } from '../center/support/console-harness.js';
import { startPostgres } from '../support/postgres.js';

const total = Number(process.argv[2] ?? 5_000_000);
const samples = Number(process.argv[3] ?? 200);
const CHUNK = 250_000;
const KIOSKS = 400;
const MUNICIPALITIES = ['131016', '141003', '133086', ...Array.from({ length: 17 }, (_, i) => String(400_001 + i * 7))];
const TYPES = ['residenceRecord', 'residenceRecord', 'residenceRecord', 'residenceRecord', 'sealCertificate', 'sealCertificate'];
const OTHER_TYPES = ['familyRegisterFull', 'familyRegisterIndividual', 'familyRegisterAddressHistory', 'taxCertificate'];
/** The year the issuances span: December 2025 to November 2026 (JST months, created_at in UTC). */
const START = '2025-11-30T15:00:00Z';
const SPAN_SECONDS = 365 * 86_400;

const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
const textArray = (values: string[]) => sql.raw(`array[${values.map((v) => `'${v}'`).join(',')}]`);

/** The id of issuance i: a v4-shaped UUID, so the timeline route's parameter schema takes it. */
const idSql = (i: string) => sql.raw(`lpad(to_hex(${i}), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(${i}), 12, '0')`);
const idOf = (i: number) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const instantSql = (i: string) =>
  sql.raw(
    `to_char((timestamptz '${START}' + (${i}::bigint * ${SPAN_SECONDS} / ${total}) * interval '1 second') at time zone 'UTC', ` +
      `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  );

async function fillKiosks(db: CenterDatabase['db']): Promise<void> {
  await sql`insert into store_chains (chain_code, name, created_at)
    select 'CHAIN-' || c, 'チェーン' || c, '2025-01-01T00:00:00.000Z' from generate_series(0, 3) c`.execute(db);
  await sql`insert into kiosks (terminal_id, printer_id, store_code, store_name, enrolled_at, revoked_at, chain_code)
    select 'T' || lpad(k::text, 5, '0'), 'P01', 'S' || lpad(k::text, 5, '0'), '店舗' || k,
      '2025-01-01T00:00:00.000Z', null, 'CHAIN-' || (k % 4)
    from generate_series(1, ${KIOSKS}) k`.execute(db);
}

async function fillChunk(db: CenterDatabase['db'], from: number, to: number): Promise<void> {
  const types = textArray([...TYPES, ...OTHER_TYPES]);
  const munis = textArray(MUNICIPALITIES);
  await sql`insert into issuances (issuance_id, session_id, terminal_id, resident_id, municipality_code, certificate_type, options_json,
      copies, fee_yen, total_yen, paid_yen, refund_yen, state, failure_code, auth_certificate_sha256, created_at, updated_at)
    select ${idSql('i')}, ${idSql('i')}, 'T' || lpad(((i * 7919) % ${KIOSKS} + 1)::text, 5, '0'),
      (${munis})[i % ${MUNICIPALITIES.length} + 1] || '-' || lpad((i % 40000)::text, 6, '0'),
      (${munis})[i % ${MUNICIPALITIES.length} + 1], (${types})[(i / 7) % ${TYPES.length + OTHER_TYPES.length} + 1], '{}',
      1, 300, 300, case when i % 50 = 0 then null else 300 end, case when i % 97 = 0 then 300 else 0 end,
      case when i % 50 = 0 then 'voided' when i % 97 = 0 then 'refunded' else 'printed' end,
      case when i % 97 = 0 then 'PRINTER_UNAVAILABLE' else null end, md5(i::text), ${instantSql('i')}, ${instantSql('i')}
    from generate_series(${from}::bigint, ${to}::bigint) i`.execute(db);
  await sql`insert into issuance_documents (issue_number, issuance_id, copy_index, page_count, page_issue_numbers_json, document_sha256,
      binding_json, binding_signature, pdf_base64, pdf_deleted_at, print_outcome, print_reason_code, reported_at)
    select to_char(timestamptz '${sql.raw(START)}', 'YYYYMMDD') || ' 市区町村 T' || lpad(((i * 7919) % ${KIOSKS} + 1)::text, 5, '0') || ' P01 '
        || lpad(i::text, 10, '0'), ${idSql('i')}, 1, 1 + (i % 3), null, md5('d' || i), null, null, null, ${instantSql('i')},
      case when i % 97 = 0 then 'failed' else 'printed' end, null, ${instantSql('i')}
    from generate_series(${from}::bigint, ${to}::bigint) i where i % 50 <> 0`.execute(db);
  await sql`insert into audit_events (seq, recorded_at, event, issuance_id, store_code, terminal_id, resident_id, municipality_code,
      certificate_type, options_json, copies, page_count, issue_numbers_json, detail_json, prev_hash, hash)
    select (i - 1) * 3 + e, ${instantSql('i')}, (array['quoted', 'paid', 'printed'])[e], ${idSql('i')}, null,
      'T' || lpad(((i * 7919) % ${KIOSKS} + 1)::text, 5, '0'), null, (${munis})[i % ${MUNICIPALITIES.length} + 1],
      null, null, 1, null, null,
      '{"feeYen":300}', md5('h' || ((i - 1) * 3 + e - 1)), md5('h' || ((i - 1) * 3 + e))
    from generate_series(${from}::bigint, ${to}::bigint) i, generate_series(1, 3) e`.execute(db);
  await sql`insert into incidents (incident_id, kind, issuance_id, terminal_id, detail, created_at, resolved_at)
    select ${idSql('i')}, 'print_failed', ${idSql('i')}, null, '{}', ${instantSql('i')}, null
    from generate_series(${from}::bigint, ${to}::bigint) i where i % 97 = 0`.execute(db);
}

async function fill(database: CenterDatabase): Promise<void> {
  const started = performance.now();
  await fillKiosks(database.db);
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    await fillChunk(database.db, from, to);
    log(
      `filled ${to.toLocaleString('en')} / ${total.toLocaleString('en')} issuances ` +
        `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  await sql`vacuum analyze`.execute(database.db);
  const size = await sql<{ size: string }>`select pg_size_pretty(pg_database_size(current_database())) as size`.execute(database.db);
  log(`filled and analysed in ${((performance.now() - started) / 60_000).toFixed(1)} min; database ${size.rows[0]!.size}`);
}

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * q) - 1)]!;

/** A random JST month of the span as its first and last day. */
function randomMonth(): { from: string; to: string } {
  const month = pick([
    '2025-12',
    '2026-01',
    '2026-02',
    '2026-03',
    '2026-04',
    '2026-05',
    '2026-06',
    '2026-07',
    '2026-08',
    '2026-09',
    '2026-10',
  ]);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

async function timed(fn: () => Promise<{ status: number; body?: unknown } | unknown>): Promise<number> {
  const started = performance.now();
  const res = (await fn()) as { status?: number; body?: unknown };
  const ms = performance.now() - started;
  if (res && typeof res === 'object' && 'status' in res && res.status !== 200)
    throw new Error(`answer ${res.status} ${JSON.stringify(res.body)}`);
  return ms;
}

type Page = { rows: unknown[]; nextCursor: string | null };

async function deepCursor(operator: ConsoleClient, query: Record<string, unknown>): Promise<string | null> {
  let cursor: string | null = null;
  for (let page = 0; page < 25; page++) {
    const res: { body: unknown } = await operator.call('searchIssuances', {
      query: { ...query, limit: 200, ...(cursor ? { cursor } : {}) } as never,
    });
    cursor = (res.body as Page).nextCursor;
    if (!cursor) return null;
  }
  return cursor;
}

async function measure(database: CenterDatabase, operator: ConsoleClient): Promise<void> {
  const series: Record<string, number[]> = {
    select1: [],
    me: [],
    searchFirst: [],
    searchDeep: [],
    unfiltered: [],
    kiosk: [],
    timeline: [],
  };
  const filtered = () => ({ municipalityCode: pick(MUNICIPALITIES), certificateType: 'residenceRecord', ...randomMonth() });
  for (let warm = 0; warm < 20; warm++) await operator.call('searchIssuances', { query: filtered() as never });
  for (let s = 0; s < samples; s++) {
    series.select1!.push(await timed(() => sql`select 1`.execute(database.db)));
    series.me!.push(await timed(() => operator.call('me')));
    series.searchFirst!.push(await timed(() => operator.call('searchIssuances', { query: { ...filtered(), limit: 50 } as never })));
    series.unfiltered!.push(await timed(() => operator.call('searchIssuances', { query: { limit: 50 } })));
    const terminalId = `T${String(1 + Math.floor(Math.random() * KIOSKS)).padStart(5, '0')}`;
    series.kiosk!.push(await timed(() => operator.call('searchIssuances', { query: { terminalId, limit: 50 } })));
    const issuanceId = idOf(1 + Math.floor(Math.random() * total));
    series.timeline!.push(await timed(() => operator.call('issuanceTimeline', { params: { issuanceId } })));
    if (s % 4 === 0) {
      const query = { ...filtered() };
      const cursor = await deepCursor(operator, query);
      if (cursor)
        series.searchDeep!.push(await timed(() => operator.call('searchIssuances', { query: { ...query, cursor, limit: 50 } as never })));
    }
  }
  const rows = Object.entries(series)
    .filter(([, xs]) => xs.length > 0)
    .map(([name, xs]) => ({
      measure: name,
      n: xs.length,
      p50: Number(quantile(xs, 0.5).toFixed(1)),
      p95: Number(quantile(xs, 0.95).toFixed(1)),
      max: Number(Math.max(...xs).toFixed(1)),
    }));
  console.table(rows);
  console.log(JSON.stringify({ issuances: total, samples, rows }));
}

/** The plan of the filtered first page, as issuance-log-query.ts builds it, for docs/benchmarks.md. */
async function explainSearch(database: CenterDatabase): Promise<void> {
  const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers off, costs off)
    select i.issuance_id, i.created_at, k.store_code from issuances as i left join kiosks as k on k.terminal_id = i.terminal_id
    where i.municipality_code = '141003' and i.certificate_type = 'residenceRecord'
      and i.created_at >= '2026-05-31T15:00:00.000Z' and i.created_at < '2026-06-30T15:00:00.000Z'
    order by i.created_at desc, i.issuance_id desc limit 50`.execute(database.db);
  log(`plan of the filtered first page:\n${plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);
}

async function main(): Promise<void> {
  const server = await startPostgres();
  try {
    const database = await openDatabase({ kind: 'postgres', connectionString: await server.createDatabase() });
    await migrate(database);
    await fill(database);
    const con = await startConsoleCenter(database, { build: { sweeper: false } });
    try {
      const operator = await con.signIn(await con.createStaffAccount({ role: 'operator' }));
      const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
      await explainSearch(database);
      log(`measuring (load ${load})`);
      await measure(database, operator);
    } finally {
      await con.close();
      await database.close();
    }
  } finally {
    await server.stop();
  }
}

await main();

/**
 * Where the SQLite thread spends its time, for benchmarks (issue 14 item 5): with `MADOGUCHI_SQLITE_STATS=1` the
 * thread times every statement's `all`/`run` by the shape of its SQL text, and every unit of work whole, and every
 * `MADOGUCHI_SQLITE_STATS_MS` (5000) writes a small table to stderr: per shape the count, total, mean and max µs, the
 * executions of 5 ms or more, and the thread's CPU µs (schedstat); per unit the count, its µs, the part in statements
 * and the part outside them (Kysely building and compiling, the unit's own code), in wall and CPU time; and the
 * thread's CPU time over the period, units and statements or not (messages, garbage collection). The query plan of
 * each shape among the top 10 is printed once. SQL text only, never a parameter or a row: Kysely's statements carry
 * their values as parameters, and the shape also masks any literal written into the text (sqlShape). Off (the
 * default), nothing is timed and no file is opened.
 *
 * The CPU columns are NOT a statement's or a unit's CPU: the kernel updates a running thread's schedstat runtime only
 * at a scheduler tick or a switch, so an execution shorter than a tick that starts just after the thread woke reads as
 * nothing, and its time shows up at the thread's next switch, outside every statement and unit (measured: 2,000
 * bursts of 50 µs right after a wake-up read 4 ms in all, not 100 ms; 98% read 0). Only the thread's total over the
 * period is right. A split read from them (docs/benchmarks.md, 2026-12-07: "~10 ms outside units and statements")
 * was this artefact; `perf record -t <tid>` on the thread showed statements and units at ~75% of it. For the split,
 * use perf, or the wall columns on an idle machine.
 */
import { openSync, readSync } from 'node:fs';

export const sqliteStatsEnabled = process.env.MADOGUCHI_SQLITE_STATS === '1';

interface Tally {
  count: number;
  totalUs: number;
  maxUs: number;
  /** The thread's schedstat runtime meanwhile: advanced only at a tick or a switch, so far too low for a short execution (header). */
  cpuUs: number;
  /** Executions of 5 ms or more (a WAL checkpoint in a commit, a scan), and their time. */
  slow: number;
  slowUs: number;
}

/** A unit's tally, with the part of its time its statements took. */
interface UnitTally extends Tally {
  statementUs: number;
  statementCpuUs: number;
  statements: number;
}

const byShape = new Map<string, Tally>();
const byUnit = new Map<string, UnitTally>();
/** The unit running now (the thread runs one at a time) and its statements' time so far. */
let current: { statementUs: number; statementCpuUs: number; statements: number } | null = null;

/**
 * The SQL text with every string and number literal masked and every list of placeholders folded: a text to
 * print, whatever a statement wrote into it.
 */
export function sqlShape(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/(?<![\w"$.])-?\d+(?:\.\d+)?(?![\w"])/g, 'N')
    .replace(/\?(?:\s*,\s*\?)+/g, '?…')
    .replace(/\s+/g, ' ')
    .trim();
}

const SLOW_US = 5000;
const newTally = (): Tally => ({ count: 0, totalUs: 0, maxUs: 0, cpuUs: 0, slow: 0, slowUs: 0 });

function add(tally: Tally, us: number, cpuUs: number): void {
  tally.count++;
  tally.totalUs += us;
  tally.cpuUs += cpuUs;
  if (us > tally.maxUs) tally.maxUs = us;
  if (us >= SLOW_US) {
    tally.slow++;
    tally.slowUs += us;
  }
}

/**
 * This thread's time on a CPU so far, in µs (Linux: /proc/thread-self/schedstat, nanoseconds, read again at offset 0
 * through one descriptor, ~5 µs a read); 0 elsewhere. Advanced only at a tick or a switch (see the header): right over
 * a period, far too low across one short statement.
 */
let schedstat: number | null | undefined;
const schedstatBuffer = Buffer.alloc(128);

export function threadCpuUs(): number {
  if (schedstat === undefined) {
    try {
      schedstat = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      schedstat = null;
    }
  }
  if (schedstat === null) return 0;
  const n = readSync(schedstat, schedstatBuffer, 0, schedstatBuffer.length, 0);
  const text = schedstatBuffer.toString('latin1', 0, n);
  return Number(text.slice(0, text.indexOf(' '))) / 1000;
}

/** Records one statement's execution time and CPU time, in µs, under its SQL text. */
export function recordStatement(sql: string, us: number, cpuUs: number): void {
  let tally = byShape.get(sql);
  if (!tally) byShape.set(sql, (tally = newTally()));
  add(tally, us, cpuUs);
  if (current) {
    current.statementUs += us;
    current.statementCpuUs += cpuUs;
    current.statements++;
  }
}

/** Times `work` (one unit of work, run to its end) under `name`. */
export async function timeUnit<T>(name: string, work: () => Promise<T>): Promise<T> {
  const mine = { statementUs: 0, statementCpuUs: 0, statements: 0 };
  current = mine;
  const started = performance.now();
  const cpuStarted = threadCpuUs();
  try {
    return await work();
  } finally {
    const us = (performance.now() - started) * 1000;
    const cpuUs = threadCpuUs() - cpuStarted;
    if (current === mine) current = null;
    let tally = byUnit.get(name);
    if (!tally) byUnit.set(name, (tally = { ...newTally(), statementUs: 0, statementCpuUs: 0, statements: 0 }));
    add(tally, us, cpuUs);
    tally.statementUs += mine.statementUs;
    tally.statementCpuUs += mine.statementCpuUs;
    tally.statements += mine.statements;
  }
}

const us = (x: number) => String(Math.round(x)).padStart(9);

let cpuAtLast = sqliteStatsEnabled ? threadCpuUs() : 0;
/** Shapes whose query plan was printed already: once each. */
const explained = new Set<string>();

/**
 * The table since the last one, and clears it. Top `limit` shapes by total time; with `explain`, the query plan of
 * each of the top 10 the first time it is among them.
 */
export function takeSqliteStats(limit = 25, explain?: (sql: string) => string[]): string {
  const shapes = new Map<string, Tally & { sql: string }>();
  for (const [sql, t] of byShape) {
    const shape = sqlShape(sql);
    const into = shapes.get(shape) ?? { ...newTally(), sql };
    into.count += t.count;
    into.totalUs += t.totalUs;
    into.maxUs = Math.max(into.maxUs, t.maxUs);
    into.cpuUs += t.cpuUs;
    into.slow += t.slow;
    into.slowUs += t.slowUs;
    shapes.set(shape, into);
  }
  let statementsUs = 0;
  let statementsCpuUs = 0;
  let statements = 0;
  for (const t of shapes.values()) {
    statementsUs += t.totalUs;
    statementsCpuUs += t.cpuUs;
    statements += t.count;
  }
  const cpu = threadCpuUs();
  const ms = (x: number) => Math.round(x / 1000);
  const lines = [
    `sqliteStats ${process.pid}: ${statements} statements ${ms(statementsUs)} ms (CPU ${ms(statementsCpuUs)} ms); ` +
      `thread CPU ${ms(cpu - cpuAtLast)} ms`,
  ];
  cpuAtLast = cpu;
  const head = ['count', 'total µs', 'mean µs', 'max µs', '≥5ms', '≥5ms µs', 'CPU µs', 'CPU mean'];
  lines.push(`  ${head.map((h, i) => h.padStart(i === 0 ? 6 : i === 4 ? 5 : 9)).join(' ')}  sql`);
  const top = [...shapes].sort((a, b) => b[1].cpuUs - a[1].cpuUs).slice(0, limit);
  for (const [shape, t] of top) {
    const cells = [
      us(t.totalUs),
      us(t.totalUs / t.count),
      us(t.maxUs),
      String(t.slow).padStart(5),
      us(t.slowUs),
      us(t.cpuUs),
      us(t.cpuUs / t.count),
    ];
    lines.push(`  ${String(t.count).padStart(6)} ${cells.join(' ')}  ${shape.slice(0, 220)}`);
  }
  for (const [shape, t] of top.slice(0, 10)) {
    if (!explain || explained.has(shape)) continue;
    explained.add(shape);
    const plan = explain(t.sql);
    if (plan.length > 0) lines.push(`  plan of ${shape.slice(0, 100)}`, ...plan.map((step) => `    ${step}`));
  }
  const unitHead = ['count', 'total µs', 'stmts µs', 'other µs', 'stmts', 'CPU µs', 'stmts CPU', 'other CPU'];
  lines.push(`  ${unitHead.map((h, i) => h.padStart(i === 0 || i === 4 ? 6 : 9)).join(' ')}  unit`);
  for (const [name, t] of [...byUnit].sort((a, b) => b[1].cpuUs - a[1].cpuUs)) {
    const cells = [us(t.totalUs), us(t.statementUs), us(t.totalUs - t.statementUs), String(t.statements).padStart(6)];
    cells.push(us(t.cpuUs), us(t.statementCpuUs), us(t.cpuUs - t.statementCpuUs));
    lines.push(`  ${String(t.count).padStart(6)} ${cells.join(' ')}  ${name}`);
  }
  byShape.clear();
  byUnit.clear();
  return `${lines.join('\n')}\n`;
}

/**
 * How many parameters `sql` binds: its `?` outside string literals and quoted names (Kysely's statements number no
 * parameters), so its plan can be asked with nulls.
 */
export function parameterCount(sql: string): number {
  return (sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, '').match(/\?/g) ?? []).length;
}

/**
 * Writes the table to stderr every MADOGUCHI_SQLITE_STATS_MS, when the stats are on. `explain` answers a statement's
 * query plan (EXPLAIN QUERY PLAN, parameters null: the plan does not depend on them without ANALYZE's statistics).
 */
export function startSqliteStats(explain?: (sql: string) => string[]): void {
  if (!sqliteStatsEnabled) return;
  const timer = setInterval(
    () => {
      if (byShape.size > 0 || byUnit.size > 0) process.stderr.write(takeSqliteStats(25, explain));
    },
    Number(process.env.MADOGUCHI_SQLITE_STATS_MS ?? 5000),
  );
  timer.unref();
}

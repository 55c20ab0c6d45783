/**
 * CPU per thread of a center process (center-fleet.ts): utime + stime of each thread in
 * /proc/<pid>/task/<tid>/stat, grouped by what the thread runs. The main thread (tid = pid) serves
 * (TLS, HTTP, Fastify, zod); the worker threads are named after their entry file by
 * center-fleet-thread-names.mjs, which the benchmark preloads into the center. "rest" is the
 * process's own total (every thread, exited ones included) less the named groups: V8's platform
 * threads (GC helpers, compilers), libuv's pool, and the CPU of any thread that ended in the phase.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const THREAD_GROUPS = ['serving', 'sqlite', 'render', 'verification', 'rest'] as const;
export type ThreadGroup = (typeof THREAD_GROUPS)[number];

/** Which group a worker thread's comm (its entry file's name, cut at 15 bytes) belongs to. */
const WORKER_GROUPS: Record<string, ThreadGroup> = {
  'thread-entry': 'sqlite',
  'worker-entry': 'render',
  'verification-wo': 'verification',
};

export interface ThreadSample {
  /** The whole process, every thread (exited ones included). */
  totalMs: number;
  /** tid → group and CPU so far. */
  threads: Map<number, { group: ThreadGroup; ms: number }>;
}

/** utime + stime from a stat(5) line, in ms. */
function statCpuMs(stat: string, tick: number): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5), counted from the state field (3).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
}

export function sampleThreads(pid: number, tick: number): ThreadSample {
  const threads = new Map<number, { group: ThreadGroup; ms: number }>();
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    const tid = Number(entry);
    try {
      const comm = readFileSync(`/proc/${pid}/task/${entry}/comm`, 'utf8').trim();
      const ms = statCpuMs(readFileSync(`/proc/${pid}/task/${entry}/stat`, 'utf8'), tick);
      threads.set(tid, { group: tid === pid ? 'serving' : (WORKER_GROUPS[comm] ?? 'rest'), ms });
    } catch {
      // The thread ended between the listing and the read: its time is in the process total.
    }
  }
  return { totalMs: statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'), tick), threads };
}

/** CPU per group between two samples of one process; a thread born in between counts from 0. */
export function threadCpuBetween(before: ThreadSample, after: ThreadSample): Record<ThreadGroup, number> {
  const byGroup = Object.fromEntries(THREAD_GROUPS.map((g) => [g, 0])) as Record<ThreadGroup, number>;
  let named = 0;
  for (const [tid, now] of after.threads) {
    if (now.group === 'rest') continue;
    const ms = now.ms - (before.threads.get(tid)?.ms ?? 0);
    byGroup[now.group] += ms;
    named += ms;
  }
  byGroup.rest = after.totalMs - before.totalMs - named;
  return byGroup;
}

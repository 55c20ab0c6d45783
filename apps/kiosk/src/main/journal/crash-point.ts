/**
 * TEST ONLY: kills the kiosk process (SIGKILL, no cleanup, as a power cut) right after the journal
 * wrote a given event, so the crash tests can stop the real code at a precise step of the money and
 * print story. Off unless MADOGUCHI_JOURNAL_CRASH_AT is set ("<kind>" or "<kind>#<n>" for the n-th
 * such write, e.g. "printed#1" between two copies); a production kiosk never sets it.
 */
export interface CrashPoint {
  reached(kind: string): void;
}

export function crashPointFromEnv(env: NodeJS.ProcessEnv = process.env): CrashPoint | undefined {
  const spec = env.MADOGUCHI_JOURNAL_CRASH_AT;
  if (!spec) return undefined;
  const [kind, nth] = spec.split('#');
  let left = Number(nth ?? 1);
  return {
    reached(reachedKind) {
      if (reachedKind !== kind || --left > 0) return;
      process.kill(process.pid, 'SIGKILL');
    },
  };
}

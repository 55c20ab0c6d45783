/**
 * A task the center runs every `intervalMs` (the sweeper, the chain's daily head): never two runs of
 * it at once (a slow run makes the next tick skip, not pile up), a failure logged and retried at the
 * next tick, the timer never keeping the process alive, and a stop that waits for the run in flight
 * so a closing center leaves no half-done work.
 */
export function startPeriodicTask(
  intervalMs: number,
  run: () => Promise<void>,
  onFailure: (error: Error) => void,
  options: { runAtStart?: boolean } = {},
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = run()
      .catch((error: unknown) => onFailure(error as Error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  if (options.runAtStart) tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

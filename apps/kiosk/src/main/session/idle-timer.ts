/**
 * The session's idle timer: after `timeoutMs` without a touch the session is reset, and for the
 * last `warningMs` of that a warning counts the whole seconds down, so a resident who is still
 * there (reading, looking for coins) can keep the session instead of losing it without notice.
 * Whether the screen may be reset is asked at each step, not fixed when the timer starts: a
 * screen the main process moved on to by itself (money committed, back at the start) is never
 * warned about nor reset.
 */
export interface IdleTimerOptions {
  timeoutMs: number;
  /** How long before the reset the warning shows; a timeout shorter than this warns from its start. */
  warningMs: number;
  /** False where the reset is forbidden or pointless (the start screen, money committed). */
  mayReset: () => boolean;
  /** Whole seconds until the reset while the warning shows; undefined when it goes away. */
  warn: (secondsLeft: number | undefined) => void;
  reset: () => void;
}

export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;
  private deadline = 0;
  private warning = false;

  constructor(private readonly options: IdleTimerOptions) {}

  /** The resident did something: the full timeout starts again, and any warning goes away. */
  touch(): void {
    this.stop();
    this.deadline = Date.now() + this.options.timeoutMs;
    this.schedule(Math.max(0, this.options.timeoutMs - this.options.warningMs));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.endWarning();
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.tick(), ms);
    // A kiosk shutting down does not wait for a resident who walked away.
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.options.mayReset()) {
      this.endWarning();
      return;
    }
    const remainingMs = this.deadline - Date.now();
    if (remainingMs <= 0) {
      this.endWarning();
      this.options.reset();
      return;
    }
    const secondsLeft = Math.ceil(remainingMs / 1000);
    this.warning = true;
    this.options.warn(secondsLeft);
    // Next when the count drops by one, so the number shown is never a second off.
    this.schedule(remainingMs - (secondsLeft - 1) * 1000);
  }

  private endWarning(): void {
    if (!this.warning) return;
    this.warning = false;
    this.options.warn(undefined);
  }
}

/**
 * Which of the kiosk's centers a call goes to. The centers are listed primary first; they share one
 * PostgreSQL database, where the idempotency rows live, so a call retried at another center with
 * the same key gets the first call's answer there.
 *
 * Order of tries: a call's attempts (as many as before: the client's `retries` + 1, within its
 * attempt timeout and the caller's deadline) start at the preferred center and go round the list:
 * with [primary, secondary] and the primary preferred, primary → secondary → primary. The preferred
 * center is the one that answered the last call (the primary at start), so after a failover a
 * resident's calls do not each wait for the dead primary first.
 *
 * Coming back: while another center is preferred, the primary is probed in the background every
 * `probeIntervalMs` with one cheap kiosk request, and becomes preferred again once it answers it.
 * A probe rather than "try the primary first again after a cool-down": finding out whether the
 * primary is back then costs a resident's call, and for a primary that is hung rather than down
 * (a dropped network path that never refuses) the cost is a whole attempt timeout, once every
 * cool-down, spent in somebody's transaction. The probe spends it in the background, on nobody.
 * The timer runs only while failed over, never keeps the process alive, and stops with `close`.
 */
export interface CenterFailoverOptions {
  /** Base URLs, primary first. */
  centers: readonly string[];
  /** True when the primary served a kiosk request properly; false or a rejection when it did not. */
  probePrimary: (primary: URL) => Promise<boolean>;
  probeIntervalMs: number;
  /** A change of preferred center: operators want to know when a kiosk leaves or regains its primary. */
  onSwitch?: (from: string, to: string) => void;
}

export class CenterFailover {
  readonly centers: readonly URL[];
  private preferred = 0;
  private lastAnswered: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private closed = false;

  constructor(private readonly options: CenterFailoverOptions) {
    if (options.centers.length === 0) throw new Error('center client: no center URL configured');
    this.centers = options.centers.map((url) => new URL(url));
  }

  /** The centers' indexes for a call's attempts, in the order they are tried. */
  order(attempts: number): number[] {
    const start = this.preferred;
    return Array.from({ length: attempts }, (_, attempt) => (start + attempt) % this.centers.length);
  }

  /** A center gave a call its answer (success or refusal): it is the one to ask first from now on. */
  answered(index: number): void {
    this.lastAnswered = index;
    this.prefer(index);
  }

  /** The center the next call tries first. */
  preferredCenter(): string {
    return this.centers[this.preferred]!.origin;
  }

  /** The center that answered the last answered call, if any has. */
  lastAnsweredBy(): string | undefined {
    return this.lastAnswered === undefined ? undefined : this.centers[this.lastAnswered]!.origin;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private prefer(index: number): void {
    if (index !== this.preferred) this.options.onSwitch?.(this.preferredCenter(), this.centers[index]!.origin);
    this.preferred = index;
    if (index === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    } else {
      this.scheduleProbe();
    }
  }

  private scheduleProbe(): void {
    if (this.closed || this.timer || this.probing) return;
    this.timer = setTimeout(() => void this.probe(), this.options.probeIntervalMs);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    this.timer = undefined;
    this.probing = true;
    const back = await this.options.probePrimary(this.centers[0]!).catch(() => false);
    this.probing = false;
    // A call may have reached the primary meanwhile, or the client been closed.
    if (this.closed || this.preferred === 0) return;
    if (back) this.prefer(0);
    else this.scheduleProbe();
  }
}

/**
 * Deadlines for card calls. A card that never answers, or answers forever, must not hold the kiosk:
 * every command and every whole operation runs against an AbortSignal, and whoever waits on one
 * is released as soon as it fires, whether or not the work underneath has noticed yet.
 */

export interface Deadline {
  readonly signal: AbortSignal;
  /** Stops the timer and detaches from the parent; call it once the guarded work is over. */
  clear(): void;
}

/**
 * A signal that aborts with `reason()` after `ms`, or with the parent's reason as soon as the
 * parent aborts. Linked by hand rather than with AbortSignal.any, whose dependants stay attached
 * to a long-lived parent (one per command here) until garbage collection.
 */
export function deadline(ms: number, reason: () => Error, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(reason()), ms);
  timer.unref();
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts; the work itself goes on. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // settles later, unobserved
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

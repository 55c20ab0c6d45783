/** A typed listener set whose `on` returns its own unsubscribe function. */
export class Listeners<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private readonly sets = new Map<keyof Events, Set<(...args: never[]) => void>>();

  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.sets.get(event);
    if (!set) this.sets.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const listener of [...(this.sets.get(event) ?? [])]) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch {
        // One faulty listener must not stop the card service's own bookkeeping.
      }
    }
  }

  clear(): void {
    this.sets.clear();
  }
}

/**
 * The renderer's only state: the newest valid view the main process sent. Views can arrive out
 * of order (the initial `getView()` answer races the first pushed view), so a view older than the
 * one shown is dropped; a view that fails the shared schema is dropped too, so a screen never
 * renders half a view.
 */
import { KioskView, type KioskBridge } from '@madoguchi/shared';

export type ViewOffer = 'accepted' | 'stale' | 'invalid';

export interface ViewStore {
  /** Feed a view from any source; returns what happened to it. */
  offer(raw: unknown): ViewOffer;
  getSnapshot(): KioskView | null;
  subscribe(listener: () => void): () => void;
}

export function createViewStore(): ViewStore {
  let current: KioskView | null = null;
  const listeners = new Set<() => void>();
  return {
    offer(raw) {
      const parsed = KioskView.safeParse(raw);
      if (!parsed.success) return 'invalid';
      // Equal revision is the same view again (e.g. pushed and fetched): nothing to re-render.
      if (current && parsed.data.revision <= current.revision) return 'stale';
      current = parsed.data;
      for (const listener of listeners) listener();
      return 'accepted';
    },
    getSnapshot: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Wires a bridge into a store; returns the function that stops listening. */
export function connectViewStore(store: ViewStore, bridge: KioskBridge, onFailure: (reason: string) => void): () => void {
  const unsubscribe = bridge.onView((view) => {
    store.offer(view);
  });
  bridge.getView().then(
    (view) => store.offer(view),
    (error: unknown) => onFailure(error instanceof Error ? error.message : 'getView failed'),
  );
  return unsubscribe;
}

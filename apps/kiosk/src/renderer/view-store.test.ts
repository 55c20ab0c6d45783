import { describe, expect, it } from 'vitest';
import { BRIDGE_VERSION, type KioskBridge, type KioskView } from '@madoguchi/shared';
import { connectViewStore, createViewStore } from './view-store.js';

const view = (revision: number, patch: Partial<KioskView> = {}): KioskView => ({
  bridgeVersion: BRIDGE_VERSION,
  revision,
  screen: 'idle',
  language: 'ja',
  readerStatus: 'ready',
  cardPresent: false,
  ...patch,
});

describe('view store', () => {
  it('keeps the newest revision and drops older or repeated ones', () => {
    const store = createViewStore();
    let notified = 0;
    store.subscribe(() => notified++);
    expect(store.offer(view(2, { screen: 'menu' }))).toBe('accepted');
    expect(store.offer(view(1, { screen: 'pin' }))).toBe('stale');
    expect(store.offer(view(2, { screen: 'pin' }))).toBe('stale');
    expect(store.getSnapshot()?.screen).toBe('menu');
    expect(store.offer(view(3, { screen: 'options' }))).toBe('accepted');
    expect(store.getSnapshot()?.screen).toBe('options');
    expect(notified).toBe(2);
  });

  it('drops a view that does not match the shared schema', () => {
    const store = createViewStore();
    expect(store.offer({ ...view(1), screen: 'adminPanel' })).toBe('invalid');
    expect(store.offer({ ...view(1), keypad: ['1', '2'] })).toBe('invalid');
    expect(store.offer({ ...view(1), bridgeVersion: 2 })).toBe('invalid');
    expect(store.getSnapshot()).toBeNull();
  });

  it('keeps a pushed view when the slower initial fetch answers with an older one', async () => {
    let push: (v: KioskView) => void = () => {};
    let answer: (v: KioskView) => void = () => {};
    const bridge: KioskBridge = {
      version: BRIDGE_VERSION,
      getView: () => new Promise((resolve) => (answer = resolve)),
      onView: (listener) => {
        push = listener;
        return () => {};
      },
      send: async () => {},
    };
    const store = createViewStore();
    connectViewStore(store, bridge, () => {});
    push(view(5, { screen: 'pin' }));
    answer(view(4, { screen: 'placeCard' }));
    await Promise.resolve();
    expect(store.getSnapshot()?.screen).toBe('pin');
  });
});

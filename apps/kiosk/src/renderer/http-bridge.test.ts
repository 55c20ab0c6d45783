import { describe, expect, it } from 'vitest';
import { BRIDGE_VERSION, type KioskView } from '@madoguchi/shared';
import { BridgeRequestError, createHttpBridge, type EventSourceLike } from './http-bridge.js';

const view = (revision: number, patch: Partial<KioskView> = {}): KioskView => ({
  bridgeVersion: BRIDGE_VERSION,
  revision,
  screen: 'idle',
  language: 'ja',
  readerStatus: 'ready',
  cardPresent: false,
  ...patch,
});

/** An EventSource stand-in the test drives: open, push `view` events, fail. */
class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private listeners = new Map<string, ((event: Event) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data?: string) {
    const event = data === undefined ? new Event(type) : new MessageEvent(type, { data });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  open() {
    this.readyState = 1;
    this.emit('open');
  }
  push(v: unknown) {
    this.emit('view', JSON.stringify(v));
  }
}

function setup() {
  const sources: FakeEventSource[] = [];
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  let restarts = 0;
  let respond: (url: string, init?: RequestInit) => Response = () => new Response(JSON.stringify(view(1)), { status: 200 });
  const bridge = createHttpBridge({
    origin: 'http://127.0.0.1:4310',
    token: 'tok en/1',
    fetch: async (input, init) => {
      const url = String(input);
      requests.push({ url, init });
      return respond(url, init);
    },
    openEvents: (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    schedule: (callback, ms) => timers.push({ callback, ms }),
    onRestart: () => restarts++,
  });
  return { bridge, sources, requests, timers, restarts: () => restarts, setRespond: (r: typeof respond) => (respond = r) };
}

describe('HTTP/SSE bridge', () => {
  it('sends the token as a header on fetches and in the query of the event stream', async () => {
    const t = setup();
    await t.bridge.getView();
    expect(t.requests[0]?.url).toBe('http://127.0.0.1:4310/bridge/view');
    expect(new Headers(t.requests[0]?.init?.headers).get('X-Kiosk-Token')).toBe('tok en/1');
    t.bridge.onView(() => {});
    expect(t.sources[0]?.url).toBe('http://127.0.0.1:4310/bridge/events?token=tok%20en%2F1');
  });

  it('delivers valid views in order and drops invalid, older and repeated ones', () => {
    const t = setup();
    const seen: number[] = [];
    t.bridge.onView((v) => seen.push(v.revision));
    const source = t.sources[0]!;
    source.open();
    source.push(view(3));
    source.push(view(2));
    source.push(view(3));
    source.push({ ...view(9), screen: 'nope' });
    source.emit('view', '{not json');
    source.push(view(4));
    expect(seen).toEqual([3, 4]);
  });

  it('rejects a view from GET /bridge/view that fails the schema', async () => {
    const t = setup();
    t.setRespond(() => new Response(JSON.stringify({ ...view(1), keypad: ['1'] }), { status: 200 }));
    await expect(t.bridge.getView()).rejects.toThrow();
  });

  it('posts intents as JSON, validated before they leave, and maps a 400 to its code', async () => {
    const t = setup();
    t.setRespond(() => new Response(null, { status: 204 }));
    await t.bridge.send({ type: 'pinKey', position: 3 });
    expect(t.requests[0]?.init?.method).toBe('POST');
    expect(JSON.parse(String(t.requests[0]?.init?.body))).toEqual({ type: 'pinKey', position: 3 });
    await expect(t.bridge.send({ type: 'demoInsertCash', yen: 300 })).rejects.toThrow();
    expect(t.requests).toHaveLength(1);
    t.setRespond(() => new Response(JSON.stringify({ error: { code: 'INPUT_INVALID', message: 'bad' } }), { status: 400 }));
    const error = await t.bridge.send({ type: 'start' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeRequestError);
    expect((error as BridgeRequestError).code).toBe('INPUT_INVALID');
  });

  it('opens a new stream after the server closed it, with a growing delay', () => {
    const t = setup();
    t.bridge.onView(() => {});
    const first = t.sources[0]!;
    first.open();
    first.readyState = 2; // the server answered an error status: EventSource gives up
    first.emit('error');
    expect(first.closed).toBe(true);
    expect(t.timers).toHaveLength(1);
    t.timers[0]!.callback();
    expect(t.sources).toHaveLength(2);
    t.sources[1]!.readyState = 2;
    t.sources[1]!.emit('error');
    expect(t.timers[1]!.ms).toBeGreaterThan(t.timers[0]!.ms);
  });

  it('does not open a second stream while EventSource retries by itself', () => {
    const t = setup();
    t.bridge.onView(() => {});
    t.sources[0]!.open();
    t.sources[0]!.readyState = 0; // CONNECTING: the browser's own retry
    t.sources[0]!.emit('error');
    expect(t.timers).toHaveLength(0);
  });

  it('starts over when a reconnected stream begins below the last revision (main restarted)', () => {
    const t = setup();
    const seen: number[] = [];
    t.bridge.onView((v) => seen.push(v.revision));
    const source = t.sources[0]!;
    source.open();
    source.push(view(40));
    source.open(); // reconnected
    source.push(view(0));
    expect(seen).toEqual([40]);
    expect(t.restarts()).toBe(1);
  });

  it('closes the stream when the last listener leaves', () => {
    const t = setup();
    const off = t.bridge.onView(() => {});
    off();
    expect(t.sources[0]?.closed).toBe(true);
  });
});

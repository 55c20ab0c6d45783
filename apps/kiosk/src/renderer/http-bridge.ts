/**
 * `KioskBridge` over HTTP + server-sent events, for the browser kiosk mode (Chromium in kiosk mode
 * when Electron is unavailable). Protocol: see packages/shared/src/api/kiosk-bridge.ts. The
 * token comes from the page URL and goes in `X-Kiosk-Token` on every call, so another local page
 * cannot drive the kiosk.
 */
import { BRIDGE_VERSION, KioskIntent, KioskView, type KioskBridge } from '@madoguchi/shared';

/** The part of EventSource this bridge uses (injectable for tests). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

const EVENT_SOURCE_CLOSED = 2;

export class BridgeRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeRequestError';
  }
}

export interface HttpBridgeOptions {
  /** e.g. `http://127.0.0.1:4310`; the bridge paths are absolute on that origin. */
  origin: string;
  token: string;
  fetch?: typeof fetch;
  openEvents?: (url: string) => EventSourceLike;
  /** Delay before opening a new stream after the server closed it; grows, capped. */
  reconnectDelayMs?: (attempt: number) => number;
  /**
   * A reconnected stream starting at a lower revision means the main process restarted: the
   * page's idea of the session is void, so start over (default: reload the page).
   */
  onRestart?: () => void;
  schedule?: (callback: () => void, ms: number) => void;
}

const defaultDelay = (attempt: number) => Math.min(1000 * 2 ** attempt, 10_000);

export function createHttpBridge(options: HttpBridgeOptions): KioskBridge {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const openEvents = options.openEvents ?? ((url: string) => new EventSource(url));
  const delay = options.reconnectDelayMs ?? defaultDelay;
  const schedule = options.schedule ?? ((callback, ms) => void setTimeout(callback, ms));
  const onRestart = options.onRestart ?? (() => location.reload());
  const headers = { 'X-Kiosk-Token': options.token };
  const listeners = new Set<(view: KioskView) => void>();

  let stream: EventSourceLike | null = null;
  let lastRevision = -Infinity;
  let openedBefore = false;
  let firstViewOnThisConnection = false;
  let isReconnection = false;
  let attempt = 0;

  function handleView(event: Event) {
    const view = viewOf(event);
    if (!view) return;
    const first = firstViewOnThisConnection;
    firstViewOnThisConnection = false;
    if (view.revision < lastRevision) {
      if (first && isReconnection) onRestart();
      return;
    }
    if (view.revision === lastRevision) return;
    lastRevision = view.revision;
    for (const listener of listeners) listener(view);
  }

  function open() {
    const url = `${options.origin}/bridge/events?token=${encodeURIComponent(options.token)}`;
    const source = openEvents(url);
    stream = source;
    source.addEventListener('open', () => {
      attempt = 0;
      isReconnection = openedBefore;
      openedBefore = true;
      firstViewOnThisConnection = true;
    });
    source.addEventListener('view', handleView);
    source.addEventListener('error', () => {
      // EventSource retries by itself after a dropped connection; it gives up (CLOSED) only when
      // the server answered with an error status, e.g. while the main process restarts.
      if (source.readyState !== EVENT_SOURCE_CLOSED || stream !== source) return;
      source.close();
      stream = null;
      schedule(() => {
        if (stream === null && listeners.size > 0) open();
      }, delay(attempt++));
    });
  }

  return {
    version: BRIDGE_VERSION,
    async getView() {
      const response = await doFetch(`${options.origin}/bridge/view`, { headers, cache: 'no-store' });
      if (!response.ok) throw await requestError(response);
      return KioskView.parse(await response.json());
    },
    onView(listener) {
      listeners.add(listener);
      if (!stream) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stream) {
          stream.close();
          stream = null;
        }
      };
    },
    async send(intent) {
      const body = JSON.stringify(KioskIntent.parse(intent));
      const response = await doFetch(`${options.origin}/bridge/intent`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body,
      });
      if (!response.ok) throw await requestError(response);
    },
  };
}

/** The view a 'view' event carries, or undefined when it is not one (ignored, like a stray message). */
function viewOf(event: Event): KioskView | undefined {
  const data = (event as MessageEvent<unknown>).data;
  if (typeof data !== 'string') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  const parsed = KioskView.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

async function requestError(response: Response): Promise<BridgeRequestError> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') {
      return new BridgeRequestError(body.error.code, typeof body.error.message === 'string' ? body.error.message : body.error.code);
    }
  } catch {
    // Not JSON: fall through to a generic error with the status.
  }
  return new BridgeRequestError('INTERNAL', `bridge answered HTTP ${response.status}`);
}

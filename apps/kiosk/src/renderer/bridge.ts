/**
 * Which `KioskBridge` this page uses: Electron's preload puts one on `window.kiosk`; in the
 * browser kiosk mode the page talks HTTP/SSE to the main process on its own origin.
 */
import { BRIDGE_VERSION, type KioskBridge } from '@madoguchi/shared';
import { createHttpBridge } from './http-bridge.js';

function isBridge(value: unknown): value is KioskBridge {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof KioskBridge, unknown>>;
  return (
    candidate.version === BRIDGE_VERSION &&
    typeof candidate.getView === 'function' &&
    typeof candidate.onView === 'function' &&
    typeof candidate.send === 'function'
  );
}

/** The preload's bridge, the HTTP bridge when the URL carries a token, or null (not connected). */
export function resolveBridge(win: Window): KioskBridge | null {
  // Read without augmenting the global Window type: the preload declares it, with its own type.
  const fromPreload = (win as unknown as { kiosk?: unknown }).kiosk;
  if (isBridge(fromPreload)) return fromPreload;
  const token = new URL(win.location.href).searchParams.get('token');
  if (!token) return null;
  return createHttpBridge({ origin: win.location.origin, token });
}

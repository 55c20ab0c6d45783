/**
 * The Electron shell's security decisions as plain functions, so they are unit-tested without
 * Electron (its binary cannot be downloaded here). main.ts only wires them to Electron's events.
 * Checklist: docs/electron-shell-security.md#checklist.
 */
import { resolveStaticPath } from '../browser-host/bridge-server.js';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://kiosk`;

export const contentSecurityPolicy =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function browserWindowOptions(options: { preloadPath: string; development: boolean }) {
  return {
    kiosk: !options.development,
    fullscreen: !options.development,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: options.development,
      navigateOnDragDrop: false,
    },
  } as const;
}

/** The only pages the kiosk window may show are its own. */
export function isInternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'kiosk';
  } catch {
    return false;
  }
}

/** will-navigate / will-redirect: block everything that is not an internal page. */
export function shouldBlockNavigation(url: string): boolean {
  return !isInternalUrl(url);
}

/** IPC: accept messages only from our own top-level page. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && frameUrl !== undefined && isInternalUrl(frameUrl);
}

/** Maps an app:// request to a file inside the renderer build, or null (404) if it escapes it. */
export function appProtocolPath(rendererDir: string, requestUrl: string): string | null {
  if (!isInternalUrl(requestUrl)) return null;
  return resolveStaticPath(rendererDir, new URL(requestUrl).pathname);
}

export interface KeyInput {
  key: string;
  control?: boolean;
  meta?: boolean;
  alt?: boolean;
  shift?: boolean;
}

/** Reload, devtools, zoom, print, close, new window and navigation shortcuts are swallowed. */
export function shouldSwallowShortcut(input: KeyInput, development: boolean): boolean {
  if (development) return false;
  const key = input.key.toLowerCase();
  const mod = input.control || input.meta;
  if (['f5', 'f11', 'f12', 'browserback', 'browserforward', 'browserrefresh'].includes(key)) return true;
  if (mod && ['r', 'w', 'n', 't', 'p', 'q', 'i', 'j', 'u', 'l', '+', '-', '=', '0', 'o', 's'].includes(key)) return true;
  if (input.alt && ['arrowleft', 'arrowright', 'f4', 'home'].includes(key)) return true;
  return false;
}

/** Every permission (camera, geolocation, notifications, …) is denied: the kiosk needs none. */
export function permissionDecision(_permission: string): false {
  return false;
}

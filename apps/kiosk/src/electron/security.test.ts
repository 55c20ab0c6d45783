import { describe, expect, it } from 'vitest';
import {
  appProtocolPath,
  browserWindowOptions,
  contentSecurityPolicy,
  isTrustedSender,
  permissionDecision,
  shouldBlockNavigation,
  shouldSwallowShortcut,
} from './security.js';

describe('Electron kiosk security', () => {
  it('locks the window down', () => {
    const production = browserWindowOptions({ preloadPath: '/x/preload.cjs', development: false });
    expect(production.kiosk).toBe(true);
    expect(production.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      devTools: false,
    });
    expect(browserWindowOptions({ preloadPath: '/x', development: true }).webPreferences.devTools).toBe(true);
  });

  it('blocks navigation away from app://kiosk', () => {
    expect(shouldBlockNavigation('app://kiosk/index.html')).toBe(false);
    expect(shouldBlockNavigation('https://example.com/')).toBe(true);
    expect(shouldBlockNavigation('app://evil/index.html')).toBe(true);
    expect(shouldBlockNavigation('file:///etc/passwd')).toBe(true);
    expect(shouldBlockNavigation('not a url')).toBe(true);
  });

  it('trusts IPC only from the main frame of our own page', () => {
    expect(isTrustedSender('app://kiosk/index.html', true)).toBe(true);
    expect(isTrustedSender('app://kiosk/index.html', false)).toBe(false);
    expect(isTrustedSender('https://kiosk/', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });

  it('serves app:// only from inside the renderer build (path traversal guard)', () => {
    expect(appProtocolPath('/srv/renderer', 'app://kiosk/index.html')).toBe('/srv/renderer/index.html');
    expect(appProtocolPath('/srv/renderer', 'app://kiosk/')).toBe('/srv/renderer/index.html');
    expect(appProtocolPath('/srv/renderer', 'app://kiosk/assets/a.js')).toBe('/srv/renderer/assets/a.js');
    expect(appProtocolPath('/srv/renderer', 'app://kiosk/..%2f..%2fetc/passwd')).toBeNull();
    // The URL parser already resolves %2e%2e against the root; whatever it yields stays inside.
    expect(appProtocolPath('/srv/renderer', 'app://kiosk/%2e%2e/%2e%2e/secret') ?? '/srv/renderer/').toMatch(/^\/srv\/renderer\//);
    expect(appProtocolPath('/srv/renderer', 'app://kiosk/a%00.js')).toBeNull();
    expect(appProtocolPath('/srv/renderer', 'app://other/index.html')).toBeNull();
  });

  it('swallows reload, devtools, zoom and close shortcuts in production only', () => {
    expect(shouldSwallowShortcut({ key: 'r', control: true }, false)).toBe(true);
    expect(shouldSwallowShortcut({ key: 'F12' }, false)).toBe(true);
    expect(shouldSwallowShortcut({ key: 'I', control: true, shift: true }, false)).toBe(true);
    expect(shouldSwallowShortcut({ key: '=', control: true }, false)).toBe(true);
    expect(shouldSwallowShortcut({ key: 'F4', alt: true }, false)).toBe(true);
    expect(shouldSwallowShortcut({ key: '5' }, false)).toBe(false);
    expect(shouldSwallowShortcut({ key: 'r', control: true }, true)).toBe(false);
  });

  it('denies every permission and has a strict CSP', () => {
    expect(permissionDecision('media')).toBe(false);
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
  });
});

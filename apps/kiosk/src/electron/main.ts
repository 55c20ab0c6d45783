/**
 * The Electron shell: a thin layer that wires the tested security decisions (security.ts) and the
 * kiosk's main process (../main/kiosk-main.ts) to Electron. No business logic lives here.
 * Run with the Electron binary: `electron out/electron/main.cjs --config kiosk.json`.
 */
import { app, BrowserWindow, ipcMain, net, powerSaveBlocker, protocol, session as electronSession } from 'electron';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLog } from '../main/log.js';
import { createKioskMain, type KioskConfig } from '../main/kiosk-main.js';
import {
  APP_ORIGIN,
  APP_SCHEME,
  appProtocolPath,
  browserWindowOptions,
  contentSecurityPolicy,
  isTrustedSender,
  permissionDecision,
  shouldBlockNavigation,
  shouldSwallowShortcut,
} from './security.js';

const development = process.env.MADOGUCHI_KIOSK_DEV === '1';
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(async () => {
  const args = process.argv;
  const configPath = args[args.indexOf('--config') + 1];
  if (!configPath) throw new Error('usage: electron main.cjs --config kiosk.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as KioskConfig & { rendererDir?: string };
  const rendererDir = resolve(config.rendererDir ?? join(__dirname, '../renderer'));
  const { log } = createLog(2);
  const kiosk = await createKioskMain(config, log);

  protocol.handle(APP_SCHEME, (request) => {
    const file = appProtocolPath(rendererDir, request.url);
    if (!file) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString()).then(
      (res) =>
        new Response(res.body, {
          status: res.status,
          headers: {
            'content-type': res.headers.get('content-type') ?? 'application/octet-stream',
            'content-security-policy': contentSecurityPolicy,
          },
        }),
    );
  });
  electronSession.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  electronSession.defaultSession.setPermissionCheckHandler(() => false);

  ipcMain.handle('kiosk:getView', (event) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) throw new Error('untrusted sender');
    return kiosk.session.getView();
  });
  ipcMain.handle('kiosk:intent', async (event, intent: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) throw new Error('untrusted sender');
    await kiosk.session.send(intent); // validated against the shared schema inside
  });

  powerSaveBlocker.start('prevent-display-sleep');

  const open = () => {
    const win = new BrowserWindow(browserWindowOptions({ preloadPath: join(__dirname, 'preload.cjs'), development }));
    const unsubscribe = kiosk.session.onView((view) => win.webContents.send('kiosk:view', view));
    win.on('closed', unsubscribe);
    win.webContents.on('will-navigate', (e, url) => shouldBlockNavigation(url) && e.preventDefault());
    win.webContents.on('will-redirect', (e, url) => shouldBlockNavigation(url) && e.preventDefault());
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.webContents.on('before-input-event', (e, input) => shouldSwallowShortcut(input, development) && e.preventDefault());
    win.webContents.on('render-process-gone', () => {
      log('renderer gone; relaunching');
      win.destroy();
      open();
    });
    win.once('ready-to-show', () => win.show());
    void win.loadURL(`${APP_ORIGIN}/index.html`);
  };
  open();
  app.on('before-quit', () => void kiosk.close());
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

/** Renderer entry: pick the bridge, keep the newest view, render it. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import type { KioskBridge } from '@madoguchi/shared';
import { App, NotConnected } from './App.js';
import { resolveBridge } from './bridge.js';
import { createKioskI18n } from './i18n/index.js';
import { connectViewStore, createViewStore } from './view-store.js';
import './styles.css';

async function chooseBridge(): Promise<KioskBridge | null> {
  // The dev-only fake never reaches a production bundle: `import.meta.env.DEV` is false there and
  // the branch, with its dynamic import, is removed at build time.
  if (import.meta.env.DEV && new URL(location.href).searchParams.get('fake') === '1') {
    const { createFakeBridge } = await import('./dev/fake-bridge.js');
    return createFakeBridge(new URL(location.href).searchParams);
  }
  return resolveBridge(window);
}

async function start() {
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root');
  const root = createRoot(container);
  const i18n = createKioskI18n();
  const bridge = await chooseBridge();
  if (!bridge) {
    root.render(<NotConnected />);
    return;
  }
  const store = createViewStore();
  connectViewStore(store, bridge, (reason) => console.warn('kiosk view unavailable:', reason));
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App store={store} bridge={bridge} />
      </I18nextProvider>
    </StrictMode>,
  );
}

void start();

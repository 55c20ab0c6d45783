/**
 * Builds the kiosk renderer (React) into out/renderer. `base: './'` keeps every asset URL
 * relative, so the same build loads from Electron's `app://` scheme and from the browser kiosk
 * mode's http://127.0.0.1 server.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  // Internal packages are consumed from source (their exports may name a `source` condition).
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'out/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    // No inline scripts or eval: the page's CSP is `script-src 'self'`.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});

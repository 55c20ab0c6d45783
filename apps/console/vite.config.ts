/**
 * Builds the staff console into dist/, which the center serves under /console. Every asset URL
 * starts with `/console/`, so a deep link (/console/m/131016/fees) loads the same index.html.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  // No `source` condition here (unlike the kiosk): react-aria's packages publish their TypeScript
  // sources under it, which must not be compiled in place of their builds. @madoguchi/shared's
  // entry is its source anyway.
  resolve: { conditions: [...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome120',
    // The center's CSP allows no inline script and no eval: no inline preload polyfill, no data: modules.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2048,
  },
});

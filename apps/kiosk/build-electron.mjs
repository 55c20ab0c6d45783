// Bundles the Electron shell: main and preload as single CJS files (a sandboxed preload cannot
// load modules). Works without Electron's binary, which this network cannot download.
import { build } from 'esbuild';

// ESM sources use import.meta.url (e.g. createRequire); give the CJS bundle a real value for it.
const importMetaUrl = { banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" }, define: { 'import.meta.url': '__importMetaUrl' } };
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning', conditions: ['source'] };
await build({ ...common, entryPoints: ['src/electron/main.ts'], outfile: 'out/electron/main.cjs', ...importMetaUrl, external: ['electron', 'pcsclite', 'pino', 'unpdf', 'pdf-lib'] });
await build({ ...common, entryPoints: ['src/preload/preload.ts'], outfile: 'out/electron/preload.cjs', external: ['electron'] });
console.log('built out/electron/main.cjs and out/electron/preload.cjs');

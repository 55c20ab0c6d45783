// Bundles the Electron shell: main and preload as single CJS files (a sandboxed preload cannot
// load modules). Works without Electron's binary, which this network cannot download.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// ESM sources use import.meta.url (e.g. createRequire); give the CJS bundle a real value for it.
const importMetaUrl = {
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};
const common = {
  absWorkingDir: dirname(fileURLToPath(import.meta.url)),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  conditions: ['source'],
};
// The test-only card simulator is never bundled: the demo reader loads it lazily at run time (a
// development install has it; a production one does not, and never configures the demo reader).
// test/lint/electron-bundle.test.ts builds the bundle and looks for it.
// Native modules stay outside too: esbuild cannot bundle a .node binary (pcsclite; better-sqlite3,
// the journal's — Electron loads it from node_modules, rebuilt for its ABI when the shell is packaged).
export const mainExternals = ['electron', 'pcsclite', 'better-sqlite3', 'pino', 'unpdf', 'pdf-lib', '@madoguchi/card-sim'];

export async function buildElectron(outDir = 'out/electron') {
  const main = await build({
    ...common,
    entryPoints: ['src/electron/main.ts'],
    outfile: `${outDir}/main.cjs`,
    ...importMetaUrl,
    external: mainExternals,
    metafile: true,
  });
  await build({ ...common, entryPoints: ['src/preload/preload.ts'], outfile: `${outDir}/preload.cjs`, external: ['electron'] });
  return main.metafile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildElectron();
  console.log('built out/electron/main.cjs and out/electron/preload.cjs');
}

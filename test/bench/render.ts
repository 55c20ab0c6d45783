/**
 * Certificate rendering benchmark.
 *
 *   pnpm exec tsx test/bench/render.ts [--iterations 200] [--baseline-iterations 30] [--pool-docs 200]
 *
 * Prints, from one run:
 *  - ms per document (median, p90) for every certificate type, rendered in this thread with the
 *    production path (fonts parsed once, HarfBuzz face preprocessed once, per-request subset);
 *  - the naive baseline for the one-page 住民票: load the font file and subset it per request with
 *    a correct subsetter (upstream fontkit 2), everything else identical — and the ratio;
 *  - throughput of the worker pool (createRenderer, one worker per core) against one thread.
 */
import { availableParallelism, loadavg } from 'node:os';
import { generateKeyPairSync } from 'node:crypto';
import { createRenderer, createVerificationSigner } from '../../apps/center/src/rendering/index.js';
import { FontSet } from '../../apps/center/src/rendering/fonts/font-set.js';
import { renderDocument } from '../../apps/center/src/rendering/render-document.js';
import { everyTemplate } from '../rendering/fixtures.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const iterations = arg('iterations', 200);
const baselineIterations = arg('baseline-iterations', 30);
const poolDocs = arg('pool-docs', 200);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;

async function time(n: number, fn: () => Promise<unknown>): Promise<{ median: number; p90: number }> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { median: quantile(samples, 0.5), p90: quantile(samples, 0.9) };
}

const signer = createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'bench');
const fonts = new FontSet();
const cases = everyTemplate();
const oneLoad = loadavg()[0]!;

console.log(`# Certificate rendering benchmark (${new Date().toISOString()}, ${availableParallelism()} cores, load average ${oneLoad.toFixed(2)})`);
console.log(`iterations per type: ${iterations}; baseline iterations: ${baselineIterations}\n`);
console.log('| certificate | pages | KB | median ms | p90 ms |');
console.log('|---|---:|---:|---:|---:|');
const results: Record<string, { median: number; p90: number }> = {};
for (const c of cases) {
  const env = { fonts, signer };
  for (let i = 0; i < 20; i++) await renderDocument(c.input, env); // warm-up (JIT, lazy tables)
  const doc = await renderDocument(c.input, env);
  const r = await time(iterations, () => renderDocument(c.input, env));
  results[c.name] = r;
  console.log(`| ${c.name} | ${doc.pageCount} | ${(doc.pdf.byteLength / 1024).toFixed(0)} | ${r.median.toFixed(2)} | ${r.p90.toFixed(2)} |`);
}

// Naive baseline: same document, but every request loads the font and subsets it from scratch.
const residence = cases.find((c) => c.name === 'residenceRecord-household')!;
for (let i = 0; i < 3; i++) await renderDocument(residence.input, { fonts: new FontSet({ mainStrategy: 'fontkit' }), signer });
const baseline = await time(baselineIterations, () => renderDocument(residence.input, { fonts: new FontSet({ mainStrategy: 'fontkit' }), signer }));
// Re-measure the production path right after, so both figures see the same machine load.
const fast = await time(iterations, () => renderDocument(residence.input, { fonts, signer }));
console.log(`\none-page 住民票 (household of 4): production median ${fast.median.toFixed(2)} ms (p90 ${fast.p90.toFixed(2)}), ` +
  `naive baseline median ${baseline.median.toFixed(1)} ms (p90 ${baseline.p90.toFixed(1)}), ratio ${(baseline.median / fast.median).toFixed(1)}x`);

// Worker pool: documents per second with every core against one thread.
const single = await (async () => {
  const t = performance.now();
  for (let i = 0; i < poolDocs / 2; i++) await renderDocument(residence.input, { fonts, signer });
  return (poolDocs / 2) / ((performance.now() - t) / 1000);
})();
const renderer = createRenderer({ signer });
await renderer.ready();
for (let i = 0; i < 20; i++) await Promise.all([renderer.render(residence.input), renderer.render(residence.input)]);
const t = performance.now();
await Promise.all(Array.from({ length: poolDocs }, () => renderer.render(residence.input)));
const pooled = poolDocs / ((performance.now() - t) / 1000);
await renderer.close();
console.log(`worker pool (${availableParallelism()} workers): ${pooled.toFixed(0)} docs/s; one thread in-process: ${single.toFixed(0)} docs/s; ratio ${(pooled / single).toFixed(2)}x`);
console.log(`load average at end: ${loadavg()[0]!.toFixed(2)}`);

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

interface Timing {
  median: number;
  p90: number;
  /** CPU time (user + system, this process) per document: insensitive to other processes' load. */
  cpuMedian: number;
}

/** One sample: wall ms and process CPU ms of one call. */
async function sample(fn: () => Promise<unknown>): Promise<[number, number]> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const wall = performance.now() - t;
  const cpu = process.cpuUsage(c);
  return [wall, (cpu.user + cpu.system) / 1000];
}

function summarise(samples: [number, number][]): Timing {
  const wall = samples.map((s) => s[0]).sort((a, b) => a - b);
  const cpu = samples.map((s) => s[1]).sort((a, b) => a - b);
  return { median: quantile(wall, 0.5), p90: quantile(wall, 0.9), cpuMedian: quantile(cpu, 0.5) };
}

async function time(n: number, fn: () => Promise<unknown>): Promise<Timing> {
  const samples: [number, number][] = [];
  for (let i = 0; i < n; i++) samples.push(await sample(fn));
  return summarise(samples);
}

const signer = createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'bench');
const fonts = new FontSet();
const cases = everyTemplate();
const oneLoad = loadavg()[0]!;

console.log(`# Certificate rendering benchmark (${new Date().toISOString()}, ${availableParallelism()} cores, load average ${oneLoad.toFixed(2)})`);
console.log(`iterations per type: ${iterations}; baseline iterations: ${baselineIterations}\n`);
console.log('| certificate | pages | KB | median ms | p90 ms | CPU ms (median) |');
console.log('|---|---:|---:|---:|---:|---:|');
const results: Record<string, Timing> = {};
// Global warm-up: every template, so the first row is not the one paying for JIT compilation.
for (let i = 0; i < 30; i++) for (const c of cases) await renderDocument(c.input, { fonts, signer });
for (const c of cases) {
  const env = { fonts, signer };
  for (let i = 0; i < 20; i++) await renderDocument(c.input, env); // warm-up (JIT, lazy tables)
  const doc = await renderDocument(c.input, env);
  const r = await time(iterations, () => renderDocument(c.input, env));
  results[c.name] = r;
  console.log(`| ${c.name} | ${doc.pageCount} | ${(doc.pdf.byteLength / 1024).toFixed(0)} | ${r.median.toFixed(2)} | ${r.p90.toFixed(2)} | ${r.cpuMedian.toFixed(2)} |`);
}

// Naive baseline: same document, but every request loads the font file and subsets it from
// scratch (upstream fontkit 2, a correct subsetter). Baseline and production samples are
// interleaved so both see the same machine load (this machine is shared and noisy).
const residence = cases.find((c) => c.name === 'residenceRecord-household')!;
for (let i = 0; i < 3; i++) await renderDocument(residence.input, { fonts: new FontSet({ mainStrategy: 'fontkit' }), signer });
const baselineSamples: [number, number][] = [];
const fastSamples: [number, number][] = [];
for (let i = 0; i < baselineIterations; i++) {
  baselineSamples.push(await sample(() => renderDocument(residence.input, { fonts: new FontSet({ mainStrategy: 'fontkit' }), signer })));
  for (let k = 0; k < 10; k++) fastSamples.push(await sample(() => renderDocument(residence.input, { fonts, signer })));
}
const baseline = summarise(baselineSamples);
const fast = summarise(fastSamples);
console.log(`\none-page 住民票 (household of 4), interleaved (production n=${fastSamples.length}, baseline n=${baselineSamples.length}):`);
console.log(`  wall: production median ${fast.median.toFixed(2)} ms (p90 ${fast.p90.toFixed(2)}), naive baseline median ${baseline.median.toFixed(1)} ms (p90 ${baseline.p90.toFixed(1)}), ratio ${(baseline.median / fast.median).toFixed(1)}x`);
console.log(`  CPU:  production median ${fast.cpuMedian.toFixed(2)} ms, naive baseline median ${baseline.cpuMedian.toFixed(1)} ms, ratio ${(baseline.cpuMedian / fast.cpuMedian).toFixed(1)}x`);

// Worker pool: documents per second with every core against one thread, in alternating rounds
// (the machine's load changes from second to second; each round compares like with like).
const renderer = createRenderer({ signer });
await renderer.ready();
await Promise.all(Array.from({ length: 300 }, () => renderer.render(residence.input))); // warm-up: JIT in every worker
const rounds = 5;
const perRound = Math.max(20, Math.round(poolDocs / rounds));
const ratios: number[] = [];
let pooledTotal = 0;
let singleTotal = 0;
for (let round = 0; round < rounds; round++) {
  let t = performance.now();
  await Promise.all(Array.from({ length: perRound }, () => renderer.render(residence.input)));
  const pooled = perRound / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < perRound / 2; i++) await renderDocument(residence.input, { fonts, signer });
  const single = perRound / 2 / ((performance.now() - t) / 1000);
  ratios.push(pooled / single);
  pooledTotal += pooled;
  singleTotal += single;
}
await renderer.close();
ratios.sort((a, b) => a - b);
console.log(`worker pool (${renderer.size} workers): ${(pooledTotal / rounds).toFixed(0)} docs/s; one thread in-process: ${(singleTotal / rounds).toFixed(0)} docs/s; ` +
  `median ratio over ${rounds} alternating rounds ${quantile(ratios, 0.5).toFixed(2)}x (min ${ratios[0]!.toFixed(2)}, max ${ratios[rounds - 1]!.toFixed(2)})`);
console.log(`load average at end: ${loadavg()[0]!.toFixed(2)}`);

// Sums the vitest and Playwright JSON reports into the one closing line CI reads: "N passed, N failed".
// `--failed-checks=lint,typecheck` adds each named check (lint, type-check, build) as one failure,
// so a run whose checks failed never closes on "0 failed". A missing report counts as one failure.
// Exits 1 when anything failed.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const args = process.argv.slice(2);
const failedChecks = args
  .filter((a) => a.startsWith('--failed-checks='))
  .flatMap((a) => a.slice('--failed-checks='.length).split(','))
  .filter(Boolean);
const [vitestFile, playwrightFile] = args.filter((a) => !a.startsWith('--'));
if (vitestFile && existsSync(vitestFile)) {
  const v = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += (v.numFailedTests ?? 0) + (v.numRuntimeErrorTestSuites ?? 0);
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} else failed += 1;
if (playwrightFile && existsSync(playwrightFile)) {
  const p = JSON.parse(readFileSync(playwrightFile, 'utf8'));
  passed += (p.stats?.expected ?? 0) + (p.stats?.flaky ?? 0);
  failed += p.stats?.unexpected ?? 0;
  skipped += p.stats?.skipped ?? 0;
} else failed += 1;
if (failedChecks.length > 0) {
  console.log(`failed checks: ${failedChecks.join(', ')}`);
  failed += failedChecks.length;
}
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;

/**
 * The printability check before payment (rendering/printable.ts) with and without its layout pass,
 * over every demo resident × certificate type, as eligibility runs it (menu options, one copy).
 *
 *   corepack pnpm exec tsx test/bench/printable-check.ts [--rounds 20]
 *
 * The check runs on the center's main thread at every menu (7 types) and quote, so it must stay cheap.
 * Prints, per check, median / p99 / max µs per call over every (resident, type) input and round, and
 * the ratio to the characters-only check (the check before this change: glyph lookup of every drawn
 * string) measured in the same run. The inputs are captured once through checkEligibility on a SQLite
 * copy of the demo world, so database time is not in the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateTypes } from '@madoguchi/shared';
import { openDatabase, migrate } from '@madoguchi/center';
import { checkEligibility } from '@madoguchi/center/eligibility';
import { checkCharacters, checkFits, checkPrintable, FontSet, type PrintableInput } from '@madoguchi/center/rendering';
import { demo, demoNow, seedDemoWorld } from '../support/demo-world.js';

const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 20;

const dir = mkdtempSync(join(tmpdir(), 'printable-bench-'));
const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'center.sqlite') });
await migrate(database);
await seedDemoWorld(database);

const inputs: { input: PrintableInput; what: string }[] = [];
for (const r of demo.batch.residents) {
  for (const certificateType of certificateTypes) {
    const options = certificateType === 'taxCertificate' ? { tax: { kind: 'income' as const, taxYear: 2025 } } : {};
    await checkEligibility({
      database,
      residentId: r.residentId,
      certificateType,
      options,
      copies: 1,
      now: demoNow,
      printableCheck: (input) => {
        inputs.push({ input, what: `${r.residentId} ${certificateType}` });
        return { ok: true };
      },
    });
  }
}
await database.close();
rmSync(dir, { recursive: true, force: true });

// Not checkerFonts(): its memos (whole checks, resolved texts) would answer every round after the warm-up from memory,
// and this measures the check's own work, as for an input seen for the first time.
const fonts = new FontSet();
const checks = { characters: checkCharacters, layout: checkFits, 'characters + layout (checkPrintable)': checkPrintable } as const;
// Warm every path (JIT, the fonts' lookup caches) before timing.
for (const { input } of inputs) for (const check of Object.values(checks)) check(input, fonts);

const refused = inputs
  .filter(({ input }) => !checkPrintable(input, fonts).ok)
  .map(({ input, what }) => `${what}: ${checkPrintable(input, fonts).ok ? '' : JSON.stringify(checkPrintable(input, fonts))}`);
const figures: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, check] of Object.entries(checks)) {
    const times = (figures[name] ??= []);
    for (const { input } of inputs) {
      const t = performance.now();
      check(input, fonts);
      times.push((performance.now() - t) * 1000);
    }
  }
}
const q = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const base = q(figures.characters!, 0.5);
const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
const residents = demo.batch.residents.length;
process.stdout.write(`printability check: ${inputs.length} inputs (${residents} residents × the types that reached the check), `);
process.stdout.write(`${rounds} rounds; load ${load}\n`);
process.stdout.write('| check | median µs | p99 µs | max µs | median / characters |\n|---|---|---|---|---|\n');
for (const [name, times] of Object.entries(figures)) {
  const median = q(times, 0.5);
  const cells = [median, q(times, 0.99), Math.max(...times)].map((v) => v.toFixed(0));
  process.stdout.write(`| ${name} | ${cells.join(' | ')} | ×${(median / base).toFixed(2)} |\n`);
}
const byType = new Map<string, number[]>();
for (let i = 0; i < figures.layout!.length; i++) {
  const type = inputs[i % inputs.length]!.what.split(' ')[1]!;
  byType.set(type, [...(byType.get(type) ?? []), figures.layout![i]!]);
}
process.stdout.write(`layout by type (median µs): ${[...byType].map(([t, v]) => `${t} ${q(v, 0.5).toFixed(0)}`).join(', ')}\n`);
process.stdout.write(`refused by the layout: ${refused.length}\n  ${refused.join('\n  ')}\n`);

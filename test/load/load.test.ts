/**
 * The load run at its reduced CI size (issue 14, items 1 and 6; docs/load.md): 400 issuances from
 * 25 kiosks (in one kiosk process) against a center process on SQLite, 12 municipalities, every named scenario of
 * docs/misissuance.md beside the mixed load, every printed document checked by pdftotext against
 * the generator's resident, and the run's invariants. The same code as `scripts/load.sh`; the full
 * size is run by hand (docs/load.md has its figures).
 *
 * Why 400 and not the example of 2,000 at 50 kiosks: with the center at ~4 issuances/s on
 * the loaded 2-core machine, 2,000 took 11.5 min (docs/load.md), past the 4 min the acceptance gives
 * CI, and 500 at 30 kiosks took 4.2 min at load 20–25. MADOGUCHI_LOAD_ISSUANCES / MADOGUCHI_LOAD_KIOSKS set another size.
 */
import { describe, expect, it } from 'vitest';
import { parseLoadArgs, printReport, runLoad, type LoadReport } from './run.js';

const issuances = process.env.MADOGUCHI_LOAD_ISSUANCES ?? '400';
const kiosks = process.env.MADOGUCHI_LOAD_KIOSKS ?? '25';

describe('a load run at the CI size', () => {
  it(
    `prints ${issuances} issuances at ${kiosks} kiosks with no document mismatch, every scenario passing and every invariant holding`,
    async () => {
      const lines: string[] = [];
      const options = parseLoadArgs(['--kiosks', kiosks, '--issuances', issuances, '--residents', '3000', '--municipalities', '12']);
      const report: LoadReport = await runLoad({ ...options, log: (line) => lines.push(line) });
      printReport(report, (line) => lines.push(line));
      // The run's own account, on failure: ids and codes only, never a resident's data.
      expect(report.ok, lines.join('\n')).toBe(true);
      expect(report.issuances).toBeGreaterThanOrEqual(Number(issuances));
      expect(report.documents.failed).toBe(0);
      expect(report.documents.checked).toBeGreaterThanOrEqual(report.issuances);
      expect(report.invariants).toEqual([]);
      expect(Object.keys(report.scenarios).sort()).toEqual(
        ['error-then-retry', 'load', 'multi-page', 'record-changes', 'same-resident-two-kiosks', 'same-second', 'slow-renders'].sort(),
      );
    },
    // The acceptance asks ≤ 4 min on this machine; the timeout leaves room for a loaded one (docs/load.md has the measured times).
    15 * 60_000,
  );
});

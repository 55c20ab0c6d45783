/**
 * The daily cash-box report from a kiosk's journal, for the store to set against the cash unit's
 * counters: `corepack pnpm exec tsx apps/kiosk/src/main/journal/cash-report-cli.ts <stateDir>`
 * prints one JSON line per Japan date, then, where the kiosk's cash unit keeps its log in the same
 * directory (payment/cash-unit-log.ts), one line setting the journal against the unit's counters
 * with every difference named (`reconcileWithCashUnit`). Safe while the kiosk runs (the journal is WAL: a reader
 * never blocks its writes). Amounts only: the journal holds no personal data.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCashUnitCounters } from '../payment/cash-unit-log.js';
import { dailyCashReport, reconcileWithCashUnit } from './cash-report.js';
import { JOURNAL_FILE, TransactionJournal } from './transaction-journal.js';

const stateDir = process.argv[2];
if (!stateDir || !existsSync(join(stateDir, JOURNAL_FILE))) {
  // Opening would create an empty journal: a mistyped path must not look like a day without sales.
  console.error(`usage: cash-report-cli.ts <stateDir>  (the kiosk config's stateDir, holding ${JOURNAL_FILE})`);
  process.exit(2);
}
const journal = new TransactionJournal(stateDir);
try {
  for (const day of dailyCashReport(journal)) console.log(JSON.stringify(day));
  const unit = readCashUnitCounters(stateDir);
  if (unit) console.log(JSON.stringify({ reconciliation: reconcileWithCashUnit(journal, unit) }));
} finally {
  journal.close();
}

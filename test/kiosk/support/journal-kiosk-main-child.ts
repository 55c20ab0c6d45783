/**
 * The real kiosk's main process (createKioskMain, as the browser host and Electron shell start it)
 * in a child process, for test/kiosk/journal-kiosk-main.test.ts: it opens the journal in the
 * config's stateDir and settles what a crash left there before it says it is ready. The cash unit
 * is the demo's simulated one, which keeps its payout log in the same stateDir (a store's driver is
 * plugged in as a KioskDevices.cash instead).
 *
 * Configuration comes as JSON in MADOGUCHI_JOURNAL_KIOSK_MAIN (a KioskConfig). It
 * writes its log as JSON lines on stderr and `KIOSK_READY` on stdout, and runs until SIGTERM.
 */
import { createKioskMain, type KioskConfig } from '@madoguchi/kiosk';

const config = JSON.parse(process.env.MADOGUCHI_JOURNAL_KIOSK_MAIN ?? '{}') as KioskConfig;
const log = (event: string, fields?: object) => process.stderr.write(JSON.stringify({ event, ...fields }) + '\n');

async function main(): Promise<void> {
  const kiosk = await createKioskMain(config, log);
  process.stdout.write('KIOSK_READY\n');
  process.once('SIGTERM', () => {
    void kiosk.close().then(() => process.exit(0));
  });
  // The retry timer is unref'd, as a real kiosk's bridge server keeps it alive: so does this.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  log('child failed', { message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

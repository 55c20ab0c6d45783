/**
 * Card benchmark: the kiosk card service over a real pcscd + vpcd + virtual My Number card.
 *   placed → shown:  card put on the reader → cardInserted → readCardInfo (certificate + tries left)
 *   read:            readCardInfo alone (SELECT AP, EF 0006, certificate, empty VERIFY)
 *   PIN → signature: authenticate (SELECT AP, EF 0006, certificate, VERIFY, SELECT key, sign)
 * measured with the quickack network namespace and without it (Debian vpcd's Nagle + delayed-ACK
 * stall), plus the in-process virtual reader (no PC/SC) for scale. Each PC/SC configuration runs
 * in its own child process because libpcsclite fixes its socket path once per process.
 *
 *   pnpm exec tsx test/bench/card-auth.ts [rounds]
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDemoCard } from '@madoguchi/card-sim';
import { PinBuffer, createCardService, createPcscTransport, createVirtualReader } from '@madoguchi/kiosk/card';
import { makeCardWorld, waitUntil } from '../card/card-world.js';
import { startPcscRig } from '../support/pcsc-rig.js';

interface Figures {
  label: string;
  /** The rig's actual state (it falls back to plain loopback without namespaces), not what was asked. */
  quickack?: boolean;
  rounds: number;
  placedToShown: number[];
  read: number[];
  authenticate: number[];
  /** pcscd killed and started again → readers listed and the card seen again (from just before the kill). */
  recovery?: number[];
}

const challenge = new Uint8Array(32).fill(7);
const cardId = 'card-CT-0001';

async function measurePcsc(quickack: boolean, rounds: number): Promise<Figures> {
  const world = await makeCardWorld();
  const rig = await startPcscRig({ cardStateDir: world.stateDir, quickack });
  process.env.PCSCLITE_CSOCK_NAME = rig.socketPath;
  const service = createCardService({ transport: createPcscTransport() });
  const label = rig.quickack
    ? 'pcscd + vpcd, quickack namespace'
    : `pcscd + vpcd, plain loopback (Nagle + delayed ACK)${quickack ? ' — quickack asked for, but the rig has no namespace' : ''}`;
  const figures: Figures = { label, quickack: rig.quickack, rounds, placedToShown: [], read: [], authenticate: [] };
  try {
    await waitUntil(() => service.readerStatus === 'ready', 5000, 'readers');
    for (let i = 0; i < rounds; i++) {
      const placed = performance.now();
      await rig.insert(cardId);
      await waitUntil(() => service.cardPresent, 5000, 'card');
      await service.readCardInfo();
      figures.placedToShown.push(performance.now() - placed);
      let t = performance.now();
      await service.readCardInfo();
      figures.read.push(performance.now() - t);
      t = performance.now();
      await service.authenticate(PinBuffer.fromDigits('1234'), challenge);
      figures.authenticate.push(performance.now() - t);
      await rig.remove();
      await waitUntil(() => !service.cardPresent, 5000, 'removal');
    }
    figures.recovery = [];
    await rig.insert(cardId);
    await waitUntil(() => service.cardPresent, 5000, 'card');
    for (let i = 0; i < Math.min(rounds, 5); i++) {
      // Counted from before the kill, as the kiosk's 5 s requirement is.
      const t = performance.now();
      await rig.restartPcscd();
      await waitUntil(() => service.readerStatus === 'ready' && service.cardPresent, 5000, 'recovery');
      figures.recovery.push(performance.now() - t);
    }
  } finally {
    await service.close();
    await rig.stop();
    rmSync(world.stateDir, { recursive: true, force: true });
  }
  return figures;
}

async function measureInProcess(rounds: number): Promise<Figures> {
  const world = await makeCardWorld();
  const reader = createVirtualReader();
  const service = createCardService({ transport: reader.transport });
  const figures: Figures = { label: 'in-process virtual reader (no PC/SC)', rounds, placedToShown: [], read: [], authenticate: [] };
  for (let i = 0; i < rounds; i++) {
    const placed = performance.now();
    reader.insert(openDemoCard(world.stateDir, cardId));
    await service.readCardInfo();
    figures.placedToShown.push(performance.now() - placed);
    let t = performance.now();
    await service.readCardInfo();
    figures.read.push(performance.now() - t);
    t = performance.now();
    await service.authenticate(PinBuffer.fromDigits('1234'), challenge);
    figures.authenticate.push(performance.now() - t);
    reader.remove();
  }
  rmSync(world.stateDir, { recursive: true, force: true });
  return figures;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const [mode, roundsArg] = process.argv.slice(2);
if (mode === 'child-quickack' || mode === 'child-plain') {
  const figures = await measurePcsc(mode === 'child-quickack', Number(roundsArg));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

const rounds = Number(mode ?? 10);
const self = fileURLToPath(import.meta.url);
const child = (which: string): Figures => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, which, String(rounds)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Figures;
};
const results = [child('child-quickack'), child('child-plain'), await measureInProcess(rounds)];
console.log(`card-auth benchmark, ${rounds} rounds each (median / p95)`);
for (const f of results) {
  console.log(`\n${f.label}`);
  console.log(`  card placed → certificate + tries shown : ${ms(median(f.placedToShown))} / ${ms(p95(f.placedToShown))}`);
  console.log(`  readCardInfo alone                      : ${ms(median(f.read))} / ${ms(p95(f.read))}`);
  console.log(`  PIN entered → signature returned        : ${ms(median(f.authenticate))} / ${ms(p95(f.authenticate))}`);
  if (f.recovery)
    console.log(
      `  pcscd restarted → readers + card back   : ${ms(median(f.recovery))} / ` +
        `${ms(Math.max(...f.recovery))} (max of ${f.recovery.length})`,
    );
}
const quick = results.find((f) => f.quickack === true);
const plain = results.find((f) => f.quickack === false);
if (quick && plain) {
  console.log(
    `\nratio plain / quickack: readCardInfo ×${(median(plain.read) / median(quick.read)).toFixed(1)}, ` +
      `authenticate ×${(median(plain.authenticate) / median(quick.authenticate)).toFixed(1)}, ` +
      `placed→shown ×${(median(plain.placedToShown) / median(quick.placedToShown)).toFixed(1)}`,
  );
} else {
  console.log('\nno plain / quickack ratio: both PC/SC runs had the same quickack state (no namespaces on this machine?)');
}

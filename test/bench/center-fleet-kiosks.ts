/**
 * One kiosk process of the fleet benchmark (center-fleet.ts forks several): each kiosk it runs has
 * its own client certificate and its own center client (`@madoguchi/kiosk/center-client`, real
 * mutual TLS, the kiosk's agent and retries), and runs whole one-page issuances: challenge → the
 * card's signature (a card-sim card's key, signed here in-process) → session → quote → payment →
 * the delivered document checked as a kiosk checks it → print result. A document that fails the
 * check ends the process with exit code 2: the benchmark aborts on any mismatch.
 *
 * Every document gets the binding, digest, card, issuance and page-number checks (center/support/
 * kiosk-checks.ts); every `textCheckEvery`-th also gets the kiosk's whole last-hop check, page texts
 * included (`checkDeliveredDocument`, pdf.js), which costs a kiosk ~20 ms of CPU — on 2 shared cores
 * it would otherwise be the kiosks, not the center, that the run measures.
 */
import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { MadoguchiError, type DeliveredDocument } from '@madoguchi/shared';
import { createCenterClient, type CenterClient } from '@madoguchi/kiosk/center-client';
import { checkDeliveredDocument } from '@madoguchi/kiosk/printer';
import { signedAuthentication } from '../center/support/center-harness.js';
import { checkDelivered } from '../center/support/kiosk-checks.js';
import { CALLS, type CallName, type FleetKiosk, type FromParent, type KioskProcessSetup, type ToParent } from './center-fleet-protocol.js';

interface RunningKiosk {
  fleet: FleetKiosk;
  client: CenterClient;
  card: { certificateDer: Uint8Array; privateKey: ReturnType<typeof createPrivateKey>; sha256: string };
  count: number;
}

const results = {
  issuances: [] as number[],
  calls: Object.fromEntries(CALLS.map((c) => [c, [] as number[]])) as Record<CallName, number[]>,
  errors: {} as Record<string, number>,
  textChecked: 0,
  cheapChecked: 0,
};
let measuring = false;
let documentsSeen = 0;

async function timed<T>(name: CallName, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const answer = await call();
  if (measuring) results.calls[name].push(performance.now() - started);
  return answer;
}

function mismatch(terminalId: string, reason: string): never {
  process.send!({ type: 'mismatch', terminalId, reason } satisfies ToParent);
  // Give the message a moment to leave, then stop: nothing after a wrong document is worth measuring.
  setTimeout(() => process.exit(2), 100);
  throw new Error(`mismatch at ${terminalId}: ${reason}`);
}

async function checkDocument(kiosk: RunningKiosk, setup: KioskProcessSetup, issuanceId: string, document: DeliveredDocument) {
  const { fleet, card } = kiosk;
  let issueNumber: string;
  try {
    issueNumber = checkDelivered(document, setup.bindingKeyPem, { authCertificateSha256: card.sha256, issuanceId }).binding.issueNumber;
  } catch (error) {
    return mismatch(fleet.terminalId, error instanceof Error ? error.message : String(error));
  }
  if (measuring) results.cheapChecked++;
  // Counted over the process, not per kiosk: a short run of many kiosks still checks page texts, and
  // the first (in the warm-up) loads pdf.js before the measured phase.
  if (documentsSeen++ % setup.textCheckEvery === 0) {
    const checked = await checkDeliveredDocument(document, {
      issuanceId,
      certificateType: 'residenceRecord',
      authCertificateDer: card.certificateDer,
      centerPublicKey: bindingKey!,
    });
    if (!checked.ok) return mismatch(fleet.terminalId, checked.reason);
    if (measuring) results.textChecked++;
  }
  return issueNumber;
}

/** One resident's whole one-page issuance, as the kiosk makes it; its duration in ms. */
async function oneIssuance(kiosk: RunningKiosk, setup: KioskProcessSetup): Promise<number> {
  const { client, card } = kiosk;
  const started = performance.now();
  const challenge = await timed('challenge', () => client.challenge());
  const { challengeId, authCertificate, signature, tokenType } = signedAuthentication(challenge, card);
  const session = await timed('authenticate', () => client.authenticate({ challengeId, authCertificate, signature, tokenType }));
  const quote = await timed('quote', () =>
    client.quote({ sessionId: session.sessionId, certificateType: 'residenceRecord', options: {}, copies: 1 }),
  );
  const delivery = await timed('pay', () => client.pay(quote.issuanceId, quote.totalYen, randomUUID(), Date.now() + 90_000));
  if (delivery.documents.length !== 1) mismatch(kiosk.fleet.terminalId, `${delivery.documents.length} documents for one copy`);
  const issueNumber = await checkDocument(kiosk, setup, quote.issuanceId, delivery.documents[0]!);
  await timed('printResult', () => client.printResult(quote.issuanceId, { issueNumber, outcome: 'printed' }));
  kiosk.count++;
  return performance.now() - started;
}

async function runKiosk(kiosk: RunningKiosk, setup: KioskProcessSetup, until: () => boolean): Promise<void> {
  while (!until()) {
    try {
      const ms = await oneIssuance(kiosk, setup);
      if (measuring) results.issuances.push(ms);
    } catch (error) {
      const code = error instanceof MadoguchiError ? error.code : error instanceof Error ? error.message.slice(0, 60) : 'unknown';
      if (measuring) results.errors[code] = (results.errors[code] ?? 0) + 1;
    }
  }
}

let bindingKey: ReturnType<typeof createPublicKey> | undefined;

async function main(): Promise<void> {
  const setup = await new Promise<KioskProcessSetup>((resolve) =>
    process.once('message', (message: FromParent) => message.type === 'setup' && resolve(message.setup)),
  );
  bindingKey = createPublicKey(setup.bindingKeyPem);
  const kiosks: RunningKiosk[] = setup.kiosks.map((fleet) => ({
    fleet,
    client: createCenterClient({ baseUrl: fleet.baseUrl, cert: fleet.certPem, key: fleet.keyPem, ca: setup.caPem }),
    card: {
      certificateDer: Buffer.from(fleet.card.certificateDerBase64, 'base64'),
      privateKey: createPrivateKey(fleet.card.privateKeyPem),
      sha256: fleet.card.sha256,
    },
    count: 0,
  }));
  // Warm-up, not measured: every kiosk's connection is open and every path has run once (its first
  // full text check included), as at a store whose kiosks have served residents before the peak.
  await Promise.all(kiosks.map((kiosk) => runKiosk(kiosk, setup, () => kiosk.count >= 1)));
  const going = new Promise<Extract<FromParent, { type: 'go' }>>((resolve) =>
    process.once('message', (message: FromParent) => message.type === 'go' && resolve(message)),
  );
  process.send!({ type: 'ready' } satisfies ToParent);
  const go = await going;
  measuring = true;
  const untilEpochMs = go.untilEpochMs;
  await Promise.all(
    kiosks.map((kiosk) =>
      runKiosk(kiosk, setup, untilEpochMs ? () => Date.now() >= untilEpochMs : () => kiosk.count > setup.issuancesPerKiosk),
    ),
  );
  measuring = false;
  for (const kiosk of kiosks) kiosk.client.close();
  process.send!({ type: 'done', ...results } satisfies ToParent, () => process.exit(0));
}

await main();

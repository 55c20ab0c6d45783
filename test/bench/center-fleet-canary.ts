/**
 * The fleet benchmark's canary (center-fleet.ts forks it): with a kiosk's own client certificate,
 * every ~100 ms it opens a NEW mutual-TLS connection to each center and times the handshake
 * (tls.connect → secureConnect), then closes it; and it sends the bare request, GET /binding-key on
 * a kept-alive connection (one round trip through the kiosk guard, the floor under each of an
 * issuance's five calls). Samples are tagged with the phase the parent announces: alone (no load) or
 * load.
 */
import { Agent, request } from 'node:https';
import { connect } from 'node:tls';
import { kioskPath } from '@madoguchi/shared';
import type { CanaryFromParent, CanarySamples, CanarySetup, CanaryToParent, Phase } from './center-fleet-protocol.js';

const samples: Record<Phase, CanarySamples> = {
  alone: { handshakes: [], bare: [], failures: 0 },
  load: { handshakes: [], bare: [], failures: 0 },
};
let phase: Phase | undefined;

function handshake(url: URL, setup: CanarySetup): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: url.hostname, port: Number(url.port), cert: setup.certPem, key: setup.keyPem, ca: setup.caPem }, () => {
      const ms = performance.now() - started;
      socket.destroy();
      resolve(ms);
    });
    socket.setTimeout(60_000, () => socket.destroy(new Error('handshake took over 60 s')));
    socket.once('error', reject);
  });
}

function bareRequest(url: URL, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ agent, host: url.hostname, port: url.port, path: kioskPath('bindingKey'), timeout: 60_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('bare request took over 60 s')));
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const setup = await new Promise<CanarySetup>((resolve) =>
    process.once('message', (message: CanaryFromParent) => message.type === 'setup' && resolve(message.setup)),
  );
  let stopped = false;
  process.on('message', (message: CanaryFromParent) => {
    if (message.type === 'phase') phase = message.phase;
    if (message.type === 'stop') stopped = true;
  });
  const urls = setup.baseUrls.map((u) => new URL(u));
  const agent = new Agent({ keepAlive: true, maxSockets: 1, cert: setup.certPem, key: setup.keyPem, ca: setup.caPem });
  // One probe in flight at a time per kind: a slow handshake delays the next one rather than piling up.
  const loop = async (probe: (url: URL) => Promise<number>, into: (s: CanarySamples) => number[]) => {
    for (let i = 0; !stopped; i++) {
      const at = phase;
      const started = performance.now();
      try {
        const ms = await probe(urls[i % urls.length]!);
        if (at && at === phase) into(samples[at]).push(ms);
      } catch {
        if (at) samples[at].failures++;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, setup.intervalMs - (performance.now() - started))));
    }
  };
  await Promise.all([
    loop(
      (url) => handshake(url, setup),
      (s) => s.handshakes,
    ),
    loop(
      (url) => bareRequest(url, agent),
      (s) => s.bare,
    ),
  ]);
  agent.destroy();
  process.send!({ type: 'done', samples } satisfies CanaryToParent, () => process.exit(0));
}

await main();

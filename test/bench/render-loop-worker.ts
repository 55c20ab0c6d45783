/**
 * Worker body for test/bench/render.ts's workload control: warms up, says 'ready', then for each
 * message `n` renders the one-page 住民票 n times and answers with the wall milliseconds.
 */
import { generateKeyPairSync } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { createVerificationSigner, FontSet, renderDocument } from '@madoguchi/center/rendering';
import { everyTemplate } from '../rendering/fixtures.js';

const signer = createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'bench');
const fonts = new FontSet();
const input = everyTemplate().find((c) => c.name === 'residenceRecord-household')!.input;
for (let i = 0; i < 300; i++) await renderDocument(input, { fonts, signer });
parentPort!.on('message', (n: number) => {
  void (async () => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await renderDocument(input, { fonts, signer });
    parentPort!.postMessage(performance.now() - t);
  })();
});
parentPort!.postMessage('ready');

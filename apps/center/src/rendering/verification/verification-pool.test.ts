/**
 * The verification pool: documents are verified in a worker thread; one that runs past the
 * deadline is refused and its worker replaced; a full queue answers VERIFICATION_BUSY at once; a
 * worker whose heap has grown is replaced after its job. The thread calling it only copies bytes.
 *
 * The heap limit itself is not exercised here: with the shape check's limits a verification needs a
 * few MB, so a limit low enough to be reached by a document is within a few MB of what a worker
 * needs to start, and such a test would fail or pass with the machine.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { FontSet } from '../fonts/font-set.js';
import { renderDocument, type RenderedDocument } from '../render-document.js';
import { MAX_SYNTAX_BYTES } from './document-shape.js';
import { createVerificationSigner } from './signing.js';
import { createVerificationPool, type VerificationPool } from './verification-pool.js';

const keys = generateKeyPairSync('ed25519');
const publicKeys = { 'pool-1': keys.publicKey };
let genuine: RenderedDocument;
const pools: VerificationPool[] = [];

function pool(options: Parameters<typeof createVerificationPool>[1] = {}): VerificationPool {
  const p = createVerificationPool(publicKeys, options);
  pools.push(p);
  return p;
}

/**
 * A file the shape check lets through that still costs pdf-lib the most it can: syntax up to the
 * limit, all of it numbers (~60-200 ms here; an issued document takes 2-50 ms).
 */
function costlyButWellShaped(): Buffer {
  const row = `[ ${'1 '.repeat(28)}]`;
  const objects = ['<<\n/Type /Catalog\n/Pages 2 0 R\n>>', '<<\n/Type /Pages\n/Kids [ ]\n/Count 0\n>>'];
  while (objects.length * (row.length + 40) < MAX_SYNTAX_BYTES * 0.8) objects.push(row);
  const parts = [Buffer.from('%PDF-1.7\n%\x81\x81\x81\x81\n\n', 'latin1')];
  const offsets: number[] = [];
  let size = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(size);
    const part = Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n\n`, 'latin1');
    parts.push(part);
    size += part.length;
  });
  const rows = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${rows}` +
        `\ntrailer\n<<\n/Size ${objects.length + 1}\n/Root 1 0 R\n>>\n\nstartxref\n${size}\n%%EOF`,
      'latin1',
    ),
  );
  return Buffer.concat(parts);
}

beforeAll(async () => {
  const demo = generateDemoData();
  const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
  const registration = demo.batch.sealRegistrations.find((s) => s.residentId === r.residentId && s.status === 'active')!;
  genuine = await renderDocument(
    {
      issuanceId: 'p1',
      copyIndex: 0,
      issueNumber: 'P-000001',
      municipality: demo.batch.municipalities.find((m) => m.code === r.municipalityCode)!,
      policy: demo.policies.find((p) => p.municipalityCode === r.municipalityCode)!,
      issuedOn: '2026-11-23',
      data: { certificateType: 'sealCertificate', resident: r, address: 'テスト住所', registration },
    },
    { fonts: new FontSet(), signer: createVerificationSigner(keys.privateKey, 'pool-1') },
  );
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('verification pool', () => {
  it('verifies an issued document in a worker and refuses a file of another shape, keeping the worker', async () => {
    const p = pool();
    expect(await p.verifyDocument(genuine.pdf)).toMatchObject({ authentic: true, claims: { issueNumber: 'P-000001' } });
    await expect(p.verifyDocument(Buffer.from('%PDF-1.4\nnot an issued document'))).rejects.toMatchObject({
      code: 'VERIFICATION_DOCUMENT_REFUSED',
    });
    expect(p.replacedWorkers).toBe(0);
    // The caller's bytes are copied, not transferred away.
    expect(genuine.pdf.byteLength).toBeGreaterThan(0);
  });

  it('refuses a document that runs past the deadline, replaces the worker, and serves the next upload', async () => {
    const p = pool({ deadlineMs: 5 });
    await p.ready();
    await expect(p.verifyDocument(costlyButWellShaped())).rejects.toMatchObject({
      code: 'VERIFICATION_DOCUMENT_REFUSED',
      detail: expect.stringMatching(/longer than the 5 ms/),
    });
    expect(p.replacedWorkers).toBe(1);
    // The replacement answers. Usually by shape ("header"), which needs well under the 5 ms; on a
    // loaded 2-core machine a cold worker can miss even that, and then answers by its deadline —
    // either way the upload is answered and refused, never left hanging.
    await expect(p.verifyDocument(Buffer.from('not a pdf'))).rejects.toMatchObject({
      code: 'VERIFICATION_DOCUMENT_REFUSED',
      detail: expect.stringMatching(/header|longer than the 5 ms/),
    });
  });

  it('answers VERIFICATION_BUSY at once when the queue is full, and still finishes what it accepted', async () => {
    // The deadline is not what this test is about: a loaded machine took the costly file past 500 ms (CI of c3ae2a4).
    const p = pool({ queueLimit: 1, deadlineMs: 30_000 });
    await p.ready();
    const costly = costlyButWellShaped();
    const running = p.verifyDocument(costly);
    const queued = p.verifyDocument(costly);
    await expect(p.verifyDocument(genuine.pdf)).rejects.toMatchObject({ code: 'VERIFICATION_BUSY' });
    expect(await running).toEqual({ authentic: false, reason: 'no-payload' });
    expect(await queued).toEqual({ authentic: false, reason: 'no-payload' });
  });

  it('replaces a worker whose heap grew past the threshold after its job (pdf-lib never forgets a name)', async () => {
    const p = pool({ recycleAboveMb: 1 });
    expect(await p.verifyDocument(genuine.pdf)).toMatchObject({ authentic: true });
    expect(p.replacedWorkers).toBe(1);
    expect(await p.verifyDocument(genuine.pdf)).toMatchObject({ authentic: true });
  });
});

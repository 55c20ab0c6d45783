/**
 * Misissuance guard (Yokohama 2023): under concurrency, with injected slow renders and timeouts,
 * every result belongs to its own request, and a timed-out job yields an error — never a document,
 * neither its own late one nor another job's.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MadoguchiError, pageIssueNumber, type RenderInput } from '@madoguchi/shared';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { extractText, getDocumentProxy } from 'unpdf';
import { FontSet } from '../fonts/font-set.js';
import { renderDocument } from '../render-document.js';
import { createDocumentVerifier } from '../verification/document-verifier.js';
import { createVerificationSigner } from '../verification/signing.js';
import { RenderPool } from './render-pool.js';

const demo = generateDemoData();
const keys = generateKeyPairSync('ed25519');
const signer = createVerificationSigner(keys.privateKey, 'pool-test');
const verifier = createDocumentVerifier({ 'pool-test': keys.publicKey });
let pool: RenderPool;

/** One single-person residence record per resident, each with its own issue number. */
function inputFor(index: number): { input: RenderInput; name: string } {
  const r = demo.batch.residents.filter((x) => x.status === 'active' && !x.foreign)[index]!;
  const hh = demo.batch.households.find((h) => h.householdId === r.householdId)!;
  const municipality = demo.batch.municipalities.find((m) => m.code === r.municipalityCode)!;
  const policy = demo.policies.find((p) => p.municipalityCode === r.municipalityCode)!;
  const input: RenderInput = {
    issuanceId: `ISS-${index}`,
    copyIndex: 0,
    issueNumber: `20261123 ${municipality.name} KIOSK-${String(index).padStart(4, '0')} P01 ${String(index).padStart(6, '0')}`,
    municipality,
    policy,
    issuedOn: '2026-11-23',
    data: {
      certificateType: 'residenceRecord',
      household: hh,
      members: [r],
      wholeHousehold: false,
      householdHeadName: r.name,
      options: {
        scope: 'selected',
        memberIds: [r.residentId],
        form: 'household',
        householdHeadAndRelationship: true,
        domicile: false,
        myNumber: true,
        foreignResidentItems: true,
      },
    },
  };
  return { input, name: `${r.name.family}${r.name.given}`.replace(/\s/g, '') + r.myNumber };
}

async function textOf(pdf: Uint8Array): Promise<string> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: true });
  return text.replace(/\s+/g, '');
}

beforeAll(async () => {
  pool = new RenderPool({ signer: signer.exportForWorker() }, 2);
  await pool.ready();
}, 120_000);

afterAll(async () => {
  await pool.close();
});

describe('RenderPool', () => {
  it('isolates timeouts: slow jobs fail alone, every delivered document is its own', async () => {
    const jobs = Array.from({ length: 10 }, (_, i) => ({ ...inputFor(i), slow: i % 3 === 0 }));
    const results = await Promise.allSettled(
      jobs.map((j) => pool.render(j.input, j.slow ? { delayMs: 4_000, timeoutMs: 1_500 } : { timeoutMs: 60_000 })),
    );
    for (const [i, result] of results.entries()) {
      const job = jobs[i]!;
      if (job.slow) {
        expect(result.status).toBe('rejected');
        const error = (result as PromiseRejectedResult).reason as MadoguchiError;
        expect(error.code).toBe('ISSUANCE_RENDER_TIMEOUT');
        continue;
      }
      expect(result.status).toBe('fulfilled');
      const doc = (result as PromiseFulfilledResult<Awaited<ReturnType<RenderPool['render']>>>).value;
      expect(doc.pageIssueNumbers).toEqual([pageIssueNumber(job.input.issueNumber, 1, 1)]);
      const verdict = await verifier.verifyDocument(doc.pdf);
      expect(verdict.authentic).toBe(true);
      if (verdict.authentic) expect(verdict.claims.issueNumber).toBe(job.input.issueNumber);
      const text = await textOf(doc.pdf);
      expect(text).toContain(job.input.issueNumber.replace(/\s/g, ''));
      expect(text).toContain(job.name.replace(/\d+$/, ''));
      for (const other of jobs) if (other !== job) expect(text).not.toContain(other.input.issueNumber.replace(/\s/g, ''));
    }
    // The slow workers were replaced; the pool still serves.
    const after = inputFor(20);
    const doc = await pool.render(after.input);
    expect(doc.pageIssueNumbers[0]).toBe(pageIssueNumber(after.input.issueNumber, 1, 1));
  }, 120_000);

  it('fails an aborted job without affecting the next', async () => {
    const a = inputFor(30);
    const b = inputFor(31);
    const controller = new AbortController();
    const pa = pool.render(a.input, { signal: controller.signal, delayMs: 2_000 });
    const pb = pool.render(b.input);
    setTimeout(() => controller.abort(), 50);
    await expect(pa).rejects.toMatchObject({ code: 'ISSUANCE_RENDER_FAILED' });
    const doc = await pb;
    expect(doc.pageIssueNumbers[0]).toBe(pageIssueNumber(b.input.issueNumber, 1, 1));
  }, 120_000);

  it("sends each official seal to a worker once, and every document carries its own municipality's seal", async () => {
    const fresh = new RenderPool({ signer: signer.exportForWorker() }, 2);
    try {
      await fresh.ready();
      const count = demo.batch.residents.filter((x) => x.status === 'active' && !x.foreign).length;
      const all = Array.from({ length: count }, (_, i) => inputFor(i).input);
      const byCode = new Map<string, RenderInput[]>();
      for (const input of all) byCode.set(input.municipality.code, [...(byCode.get(input.municipality.code) ?? []), input]);
      const picked = [...byCode.values()]
        .filter((l) => l.length >= 4)
        .slice(0, 2)
        .flatMap((l) => l.slice(0, 6));
      const seals = new Set(picked.map((i) => i.policy.officialSealPng));
      expect(seals.size).toBe(2);
      const docs = await Promise.all(picked.map((input) => fresh.render(input, { timeoutMs: 60_000 })));
      // At most once per seal per worker (the old protocol posted the seal with every job).
      expect(fresh.sealImagesSent).toBeGreaterThanOrEqual(2);
      expect(fresh.sealImagesSent).toBeLessThanOrEqual(seals.size * fresh.size);
      const env = { fonts: new FontSet(), signer };
      for (const [i, input] of picked.entries()) {
        // Same content hash as an in-process render: the right seal image, the right data.
        expect(docs[i]!.contentSha256).toBe((await renderDocument(input, env)).contentSha256);
      }
      const utilisation = fresh.eventLoopUtilization();
      expect(utilisation).toHaveLength(2);
      for (const u of utilisation) expect(u.active).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  }, 120_000);

  it('renders billing reports on the same workers: each reply goes to its own job and kind', async () => {
    const jobs = Array.from({ length: 6 }, (_, i) => i);
    const results = await Promise.all(
      jobs.map((i) =>
        i % 2 === 0
          ? pool.render(inputFor(50 + i).input, { timeoutMs: 60_000 })
          : pool.renderReport({ title: `精算書見本${i}`, lines: [], tables: [], footer: String(i) }, { timeoutMs: 60_000 }),
      ),
    );
    for (const [i, result] of results.entries()) {
      if (i % 2 === 0) {
        const doc = result as Awaited<ReturnType<RenderPool['render']>>;
        expect(doc.pageIssueNumbers[0]).toBe(pageIssueNumber(inputFor(50 + i).input.issueNumber, 1, 1));
      } else {
        expect(result).toBeInstanceOf(Uint8Array);
        const text = await textOf(result as Uint8Array);
        expect(text).toContain(`精算書見本${i}`);
        for (const j of jobs) if (j !== i) expect(text).not.toContain(`精算書見本${j}`);
      }
    }
  }, 120_000);

  it('passes render refusals through with their code', async () => {
    const bad = inputFor(40);
    const data = bad.input.data;
    if (data.certificateType !== 'residenceRecord') throw new Error('fixture');
    const member = { ...data.members[0]!, name: { ...data.members[0]!.name, family: '\u{30000}' } };
    await expect(pool.render({ ...bad.input, data: { ...data, members: [member] } })).rejects.toMatchObject({
      code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER',
      detail: 'U+30000',
    });
  }, 60_000);
});

/**
 * Billing PDFs are drawn in the render pool, not on the thread that serves kiosks: the first
 * statement after a start took 2.7 s on the center's main thread at load 20 (issue 14, the console
 * fuzz). The statement's bytes are the same as an in-process render (the CLI's), so a closed month's
 * file does not change with where it was drawn.
 */
import { generateKeyPairSync } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BillingStatement } from '@madoguchi/shared';
import { extractText, getDocumentProxy } from 'unpdf';
import { RenderPool } from '../rendering/pool/render-pool.js';
import { createVerificationSigner } from '../rendering/verification/signing.js';
import { renderReportInProcess } from './report-pdf.js';
import { settlementFile, statementFile } from './statement-files.js';

const signer = createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'report-test');
let pool: RenderPool;

const statement: BillingStatement = {
  municipalityCode: '131016',
  municipalityName: '千代田区',
  month: '2026-11',
  fiscalYear: 2026,
  state: 'closed',
  closedAt: '2026-12-01T00:00:00.000Z',
  certificates: [{ certificateType: 'residenceRecord', count: 12, feesYen: 2_400 }],
  feesCollectedYen: 2_400,
  refundsYen: -200,
  chains: [
    {
      chainCode: 'chain-a',
      chainName: 'テストマート',
      certificates: 12,
      rates: [{ unitYen: 117, certificates: 12, amountYen: -1_404 }],
      commissionYen: -1_404,
      taxYen: -140,
    },
  ],
  storeCommissionYen: -1_404,
  commissionTaxYen: -140,
  participationChargeYen: 0,
  adjustments: [],
  adjustmentsYen: 0,
  netYen: 656,
};

async function textOf(pdf: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text.replace(/\s+/g, '');
}

beforeAll(async () => {
  pool = new RenderPool({ signer: signer.exportForWorker() }, 1);
  await pool.ready();
}, 120_000);

afterAll(async () => {
  await pool.close();
});

describe('billing files in the render pool', () => {
  it('draws a statement and a settlement in a worker: pdf-lib is never used on the calling thread', async () => {
    const create = vi.spyOn(PDFDocument, 'create');
    try {
      const file = await statementFile(statement, 'pdf', (r) => pool.renderReport(r));
      const settlement = await settlementFile(
        { chainCode: 'chain-a', chainName: 'テストマート', month: '2026-11', remitYen: 656, lines: [] },
        'pdf',
        (r) => pool.renderReport(r),
      );
      expect(create).not.toHaveBeenCalled();
      const text = await textOf(Buffer.from(file.contentBase64, 'base64'));
      expect(text).toContain('月次精算書2026-11');
      expect(text).toContain('差引額656円');
      expect(await textOf(Buffer.from(settlement.contentBase64, 'base64'))).toContain('送金額合計:656円');
      // The same bytes as the CLI's in-process render (which does use pdf-lib here, so it comes last).
      const inProcess = await statementFile(statement, 'pdf', renderReportInProcess);
      expect(create).toHaveBeenCalled();
      expect(inProcess.sha256).toBe(file.sha256);
    } finally {
      create.mockRestore();
    }
  }, 60_000);

  it('times a slow report out alone, replaces its worker, and the next report is served', async () => {
    const slow = pool.renderReport({ title: '遅い', lines: [], tables: [], footer: 'x' }, { delayMs: 3_000, timeoutMs: 500 });
    await expect(slow).rejects.toMatchObject({ code: 'ISSUANCE_RENDER_TIMEOUT' });
    const next = await pool.renderReport({ title: '次の帳票', lines: [], tables: [], footer: 'y' }, { timeoutMs: 60_000 });
    expect(await textOf(next)).toContain('次の帳票');
  }, 60_000);
});

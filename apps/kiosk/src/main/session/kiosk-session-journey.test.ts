/**
 * The kiosk's card-to-print time (issue 12, item 5): each printed copy's result carries journeyMs,
 * measured on the kiosk's monotonic clock from the moment the card began to be read, for the
 * center's p50/p95. A failed copy carries none.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import type { PrintResultRequest } from '@madoguchi/shared';
import { cardKey, certificateDer, setup, toPayment, type Harness } from './session-test-harness.js';

const newCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: '1234' });

/** The print results the session sends, as the fake center receives them. */
function recordReports(t: Harness): Omit<PrintResultRequest, 'idempotencyKey'>[] {
  const reports: Omit<PrintResultRequest, 'idempotencyKey'>[] = [];
  const answer = t.fake.center.printResult.bind(t.fake.center);
  t.fake.center.printResult = async (id, request, key) => {
    reports.push(request);
    return answer(id, request, key);
  };
  return reports;
}

describe('kiosk session: card-to-print time', () => {
  it('sends journeyMs with a printed copy, from the card placed to the copy on paper', async () => {
    const t = setup('none', { newCard });
    const reports = recordReports(t);
    const before = performance.now();
    await toPayment(t);
    // The printer takes at least 80 ms: the journey includes it.
    const release = t.holds.hold('print');
    setTimeout(release, 80);
    await t.insertCash(500);
    const elapsed = performance.now() - before;
    expect(t.session.getView()).toMatchObject({ screen: 'done', printedDocuments: 1 });
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report).toMatchObject({ outcome: 'printed' });
    expect(Number.isInteger(report!.journeyMs)).toBe(true);
    expect(report!.journeyMs).toBeGreaterThanOrEqual(80);
    expect(report!.journeyMs).toBeLessThanOrEqual(Math.ceil(elapsed));
  });

  it('sends no journeyMs with a copy that failed to print', async () => {
    const t = setup('none', {
      newCard,
      printer: {
        print: () => Promise.reject(new Error('paper jam')),
        release: async () => undefined,
        status: async () => ({ canPrint: true, reasons: [] }),
      },
    });
    const reports = recordReports(t);
    await toPayment(t);
    await t.insertCash(500);
    expect(reports).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    expect(reports[0]).not.toHaveProperty('journeyMs');
  });
});

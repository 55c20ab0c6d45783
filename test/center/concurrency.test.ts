/**
 * docs/misissuance.md#kawasaki, docs/misissuance.md#takamatsu, docs/misissuance.md#yokohama: many
 * kiosks issuing at the same moment for different residents never receive each other's document.
 * On PostgreSQL the kiosks are split over two center processes sharing the database (the
 * multi-node topology); on SQLite one process serves them all. Every delivered document is checked
 * as the kiosk checks it (signature, digest, page issue numbers, the card it is bound to) and by its
 * text: it names its own resident and none of the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resident } from '@madoguchi/shared';
import { verifyAuditChain } from '@madoguchi/center';
import { forEachDatabase } from '../support/databases.js';
import { ok, startCenter, type CenterHarness, type TestCard, type TestKiosk } from './support/center-harness.js';
import { firstEligibleResidents } from './support/eligible-residents.js';
import { checkDelivered, pdfPageTexts } from './support/kiosk-checks.js';

const KIOSKS = 6;
const ROUNDS = 2;
const plainName = /^[\u3041-\u30ff\u4e00-\u9fff]+$/;

forEachDatabase((harness) => {
  describe('concurrent issuance at many kiosks', () => {
    let center: CenterHarness;
    let replica: Awaited<ReturnType<CenterHarness['startReplica']>> | undefined;
    let kiosks: TestKiosk[];
    let residents: Resident[];
    let cards: TestCard[];
    let bindingKeyPem: string;

    beforeAll(async () => {
      const database = await harness.fresh();
      center = await startCenter(database, { build: { sweeper: false }, renderWorkers: 2 });
      const enrolled = await Promise.all(Array.from({ length: KIOSKS }, () => center.enrollKiosk()));
      if (harness.kind === 'postgres') {
        replica = await center.startReplica(await harness.openAnother(database));
        kiosks = enrolled.map((k, i) => (i % 2 === 1 ? replica!.at(k) : k));
      } else {
        kiosks = enrolled;
      }
      // Residents with a plain-kanji name, one per household, whose 住民票 the center will issue.
      residents = await firstEligibleResidents(database, center.demo.batch.residents, KIOSKS * ROUNDS, {
        accept: (r, chosen) => plainName.test(r.name.family + r.name.given) && !chosen.some((c) => c.householdId === r.householdId),
      });
      expect(residents).toHaveLength(KIOSKS * ROUNDS);
      cards = await Promise.all(residents.map((r) => center.issueCard(r.residentId)));
      bindingKeyPem = await center.bindingKeyPem(kiosks[0]!);
    });
    afterAll(async () => {
      await replica?.close();
      await center?.close();
    });

    it('every kiosk gets only its own resident’s document, with unique issue numbers, and the history stays intact', async () => {
      const delivered: { residentIndex: number; pdf: Buffer; issueNumber: string; issuanceId: string }[] = [];
      const runKiosk = async (k: number) => {
        const kiosk = kiosks[k]!;
        for (let round = 0; round < ROUNDS; round++) {
          const index = round * KIOSKS + k;
          const card = cards[index]!;
          const session = ok(await center.authenticate(kiosk, card));
          const q = ok(await center.quote(kiosk, session.sessionId, { copies: 1 + (index % 2) }));
          const d = ok(await center.pay(kiosk, q));
          for (const doc of d.documents) {
            const { pdf, binding } = checkDelivered(doc, bindingKeyPem, { authCertificateSha256: card.sha256, issuanceId: q.issuanceId });
            delivered.push({ residentIndex: index, pdf, issueNumber: binding.issueNumber, issuanceId: q.issuanceId });
            ok(await center.reportPrint(kiosk, q.issuanceId, { issueNumber: binding.issueNumber }));
          }
        }
      };
      await Promise.all(Array.from({ length: KIOSKS }, (_, k) => runKiosk(k)));

      expect(delivered.length).toBe(residents.reduce((n, _, i) => n + 1 + (i % 2), 0));
      expect(new Set(delivered.map((d) => d.issueNumber)).size).toBe(delivered.length);
      const names = residents.map((r) => r.name.family + r.name.given);
      for (const doc of delivered) {
        const text = (await pdfPageTexts(doc.pdf)).join('');
        expect(text).toContain(names[doc.residentIndex]);
        for (const [i, other] of names.entries()) if (i !== doc.residentIndex) expect(text).not.toContain(other);
      }
      const states = await center.database.db.selectFrom('issuances').select('state').execute();
      expect(states.every((s) => s.state === 'printed')).toBe(true);
      expect((await verifyAuditChain(center.database.db)).problems).toEqual([]);
    });
  });
});

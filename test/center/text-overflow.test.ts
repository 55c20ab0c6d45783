/**
 * A record too long for the paper is refused before payment (issue 14): the layout the renderer
 * runs (template, fitted texts, pages) is run by the printability check at the menu and the quote,
 * so the demo's long-address resident no longer pays for a 戸籍の附票の写し that the renderer then
 * refuses with ISSUANCE_TEXT_OVERFLOW and refunds. And nothing that rendered before is refused now:
 * over every demo resident and type, the layout refuses exactly the one input the renderer refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { certificateTypes, errorMessage, MadoguchiError, type MenuItem } from '@madoguchi/shared';
import { menuFor } from '@madoguchi/center/eligibility';
import {
  checkCharacters,
  checkPrintable,
  createVerificationSigner,
  FontSet,
  renderDocument,
  type PrintableInput,
} from '@madoguchi/center/rendering';
import { forEachDatabase } from '../support/databases.js';
import { demo, demoNow } from '../support/demo-world.js';
import { ok, refusalOf, startCenter, type CenterHarness, type TestKiosk } from './support/center-harness.js';

const long = demo.featured.longNameAndAddress;

forEachDatabase((harness) => {
  describe('a record too long for the paper', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
      kiosk = await center.enrollKiosk();
    }, 120_000);
    afterAll(() => center?.close());

    it('is refused on the menu and at the quote with ELIGIBILITY_TEXT_OVERFLOW, before any money', async () => {
      const card = await center.issueCard(long);
      const session = ok(await center.authenticate(kiosk, card));
      const item = session.menu.find((m: MenuItem) => m.certificateType === 'familyRegisterAddressHistory');
      expect(item).toMatchObject({ available: false, refusal: 'ELIGIBILITY_TEXT_OVERFLOW' });
      // The same resident's 住民票 prints its long address smaller, and stays on the menu.
      expect(session.menu.find((m: MenuItem) => m.certificateType === 'residenceRecord')).toMatchObject({ available: true });
      const quote = await center.quote(kiosk, session.sessionId, { certificateType: 'familyRegisterAddressHistory' });
      expect(refusalOf(quote)).toEqual({ status: 403, code: 'ELIGIBILITY_TEXT_OVERFLOW' });
      expect(errorMessage('ELIGIBILITY_TEXT_OVERFLOW')).toContain('用紙に収まらない');
      const db = center.database.db;
      const issuances = await db.selectFrom('issuances').select(['issuance_id', 'state']).where('resident_id', '=', long).execute();
      expect(issuances).toEqual([]);
      expect(await db.selectFrom('billing_ledger').select('entry_id').execute()).toEqual([]);
    }, 120_000);

    it('refuses nothing that renders: over every demo resident and type, only the one input the renderer refuses', async () => {
      const fonts = new FontSet();
      const env = { fonts, signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'overflow-test') };
      const refusedByLayout: { residentId: string; certificateType: string; input: PrintableInput }[] = [];
      for (const r of demo.batch.residents) {
        const inputs = new Map<string, PrintableInput>();
        const before = await menuFor({
          database: center.database,
          residentId: r.residentId,
          now: demoNow,
          printableCheck: (input) => {
            inputs.set(input.data.certificateType, input);
            return checkCharacters(input, fonts);
          },
        });
        const after = await menuFor({ database: center.database, residentId: r.residentId, now: demoNow });
        expect(after.map((m) => m.certificateType)).toEqual([...certificateTypes]);
        for (const [i, item] of after.entries()) {
          const was = before[i]!;
          if (item.refusal === 'ELIGIBILITY_TEXT_OVERFLOW') {
            expect(was.available, `${r.residentId} ${item.certificateType}`).toBe(true);
            const input = inputs.get(item.certificateType)!;
            expect(checkPrintable(input, fonts)).toMatchObject({ ok: false, code: 'ELIGIBILITY_TEXT_OVERFLOW' });
            refusedByLayout.push({ residentId: r.residentId, certificateType: item.certificateType, input });
          } else expect(item, `${r.residentId} ${item.certificateType}`).toEqual(was);
        }
      }
      expect(refusedByLayout.map(({ residentId, certificateType }) => `${residentId} ${certificateType}`)).toEqual([
        `${long} familyRegisterAddressHistory`,
      ]);
      // What the layout refused, the renderer refuses too (it never rendered: the payment was refunded).
      for (const { input } of refusedByLayout) {
        const error = await renderDocument(
          {
            issuanceId: 'overflow',
            copyIndex: 1,
            issueNumber: `20261123 ${input.municipality.name} KIOSK-0001 P01 000001`,
            municipality: input.municipality,
            policy: input.policy as Parameters<typeof renderDocument>[0]['policy'],
            issuedOn: input.issuedOn!,
            data: input.data,
          },
          env,
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MadoguchiError);
        expect((error as MadoguchiError).code).toBe('ISSUANCE_TEXT_OVERFLOW');
      }
    }, 300_000);
  });
});

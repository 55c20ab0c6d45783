/**
 * The load run's independent document check (document-check.ts) on real PDFs from the renderer: it
 * passes every template shown for its own resident, and catches each misissuance it exists for — a
 * document for another resident, a page of another job (pdfseparate/pdfunite splice), another kiosk's
 * issue number, and a moved resident's old address after the move.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateType } from '@madoguchi/shared';
import { FontSet, renderDocument, createVerificationSigner } from '@madoguchi/center/rendering';
import { demo, everyTemplate } from '../rendering/fixtures.js';
import { DocumentChecker, type PrintedDocument } from './document-check.js';

const dir = mkdtempSync(join(tmpdir(), 'madoguchi-document-check-'));
const files = new Map<string, { file: string; type: CertificateType; residentId: string }>();
const f = demo.featured;
/** The resident each fixture was made for (everyTemplate's first subject is the card holder, but for the 戸籍 of many). */
const holder: Record<string, string> = {
  'residenceRecord-household': f.ordinary,
  'residenceRecord-individual': f.formerSurname,
  'residenceRecord-foreign': f.foreignResident,
  'residenceRecord-mjName': f.outsideJisName,
  residenceItemsCertificate: f.ordinary,
  sealCertificate: f.ordinary,
  'sealCertificate-ivsName': f.ivsName,
  familyRegisterFull: f.multiPageFamilyRegister,
  familyRegisterIndividual: f.ordinary,
  familyRegisterAddressHistory: f.ordinary,
  'taxCertificate-income': f.ordinary,
};

beforeAll(async () => {
  const env = { fonts: new FontSet(), signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'test') };
  for (const c of everyTemplate()) {
    if (!holder[c.name]) continue;
    const doc = await renderDocument(c.input, env);
    const file = join(dir, `${c.name}.pdf`);
    writeFileSync(file, doc.pdf);
    files.set(c.name, { file, type: c.input.data.certificateType, residentId: holder[c.name]! });
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const printed = (name: string, over: Partial<PrintedDocument> = {}): PrintedDocument => {
  const made = files.get(name)!;
  return {
    file: made.file,
    issuanceId: name,
    copyIndex: 1,
    terminalId: 'KIOSK-0412',
    residentId: made.residentId,
    certificateType: made.type,
    confirmedAt: 0,
    ...over,
  };
};

describe('the independent document check', () => {
  it('passes every template for its own resident, several per pdftotext run', async () => {
    const checker = new DocumentChecker(demo);
    const findings = await checker.check([...files.keys()].map((name) => printed(name)));
    expect(findings).toEqual([]);
    expect(checker.pages.get(files.get('familyRegisterFull')!.file)).toBeGreaterThan(1);
  });

  it('fails a document shown for another resident', async () => {
    const checker = new DocumentChecker(demo);
    const findings = await checker.check([
      printed('sealCertificate', { residentId: f.chiyodaResident }),
      printed('taxCertificate-income', { residentId: f.okutamaResident }),
    ]);
    expect(findings.map((x) => x.reason)).toEqual(['missing name', 'missing name']);
  });

  it('fails a household 住民票 claimed for a resident who is not on it', async () => {
    const checker = new DocumentChecker(demo);
    const [finding] = await checker.check([printed('residenceRecord-household', { residentId: f.foreignResident })]);
    expect(finding?.reason).toBe('missing name');
  });

  it('fails a document naming a stranger beside their date of birth', async () => {
    // 山田 花子 taken out of her household and off the 戸籍: on 山田 太郎's household 住民票 she is a stranger.
    const wife = f.formerSurname;
    const moved = structuredClone(demo);
    moved.batch.residents.find((r) => r.residentId === wife)!.householdId = 'H-elsewhere';
    for (const reg of moved.batch.familyRegisters) reg.persons = reg.persons.filter((p) => p.residentId !== wife);
    const [finding] = await new DocumentChecker(moved).check([printed('residenceRecord-household')]);
    expect(finding?.reason).toBe(`shows resident ${wife}`);
  });

  it('does not take a 戸籍 event date beside the 筆頭者 for the date of birth of a stranger of that name', async () => {
    // Seen in a 4,000-issuance run on the 50,000-resident world: 8 copies of two 戸籍 failed as "shows resident" because
    // the 筆頭者's name is followed by 【改製日】平成12年3月4日 (or 【届出日】), and a resident elsewhere bore that name
    // and was born that day. A date labelled as another event is nobody's date of birth.
    const register = demo.batch.familyRegisters.find((r) => r.persons.some((p) => p.residentId === f.multiPageFamilyRegister))!;
    expect(register.registerEvents[0]).toEqual(['改製日', '平成12年3月4日']);
    const world = structuredClone(demo);
    const stranger = structuredClone(world.batch.residents.find((r) => r.residentId === f.chiyodaResident)!);
    Object.assign(stranger, { residentId: '999999-000001', householdId: 'H-stranger', name: register.headName, birthDate: '2000-03-04' });
    world.batch.residents.push(stranger);
    expect(await new DocumentChecker(world).check([printed('familyRegisterFull')])).toEqual([]);
  });

  it('fails a multi-page document with a page of another job, and another kiosk’s issue number', async () => {
    const full = files.get('familyRegisterFull')!.file;
    execFileSync('pdfseparate', [full, join(dir, 'page-%d.pdf')]);
    execFileSync('pdfseparate', ['-f', '1', '-l', '1', files.get('taxCertificate-income')!.file, join(dir, 'other-%d.pdf')]);
    const spliced = join(dir, 'spliced.pdf');
    const pages = execFileSync('pdfinfo', [full])
      .toString()
      .match(/Pages:\s+(\d+)/)![1];
    const parts = Array.from({ length: Number(pages) }, (_, i) => join(dir, i === 1 ? 'other-1.pdf' : `page-${i + 1}.pdf`));
    execFileSync('pdfunite', [...parts, spliced]);
    const checker = new DocumentChecker(demo);
    const findings = await checker.check([
      { ...printed('familyRegisterFull'), file: spliced },
      printed('sealCertificate', { terminalId: 'LOAD-0001' }),
    ]);
    expect(findings.map((x) => x.reason)).toEqual(['page 2: issue number or n/N', 'issue number names another kiosk']);
  });

  it('wants the new address once a move was applied, and one version wholly before', async () => {
    const household = demo.batch.households.find((h) => h.householdHeadId === f.ordinary)!;
    const change = {
      residentId: f.ordinary,
      startedAt: 1_000,
      appliedAt: 2_000,
      before: [household.address],
      after: ['神奈川県横浜市港町1番1号'],
    };
    const checker = new DocumentChecker(demo, [change]);
    const findings = await checker.check([
      printed('sealCertificate', { confirmedAt: 1_500 }),
      printed('sealCertificate', { confirmedAt: 2_500, issuanceId: 'after' }),
      // A 戸籍 prints the 本籍, not the current address: a move says nothing about it.
      printed('familyRegisterIndividual', { confirmedAt: 2_500, issuanceId: 'koseki' }),
    ]);
    expect(findings.map((x) => `${x.issuanceId}: ${x.reason}`)).toEqual(['after: changed record: the old version after the change']);
  });
});

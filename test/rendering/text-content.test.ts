/**
 * Printed-output checks on real PDFs (text extracted by pdf.js): every field of the request is on
 * the certificate, every page carries the request's issue number and its own n/N, and no page
 * carries anything of another resident.
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatEraDate, pageIssueNumber, type RenderInput } from '@madoguchi/shared';
import { FontSet, renderDocument, createVerificationSigner, type RenderedDocument } from '@madoguchi/center/rendering';
import { demo, everyTemplate, FOREIGN_ALIAS } from './fixtures.js';
import { expectedCertification, expectedFields, expectedHead } from './support/expected-fields.js';
import { compact, pageTexts } from './support/pdf-text.js';

const env = { fonts: new FontSet(), signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'test') };
const cases = everyTemplate();
const rendered = new Map<string, { doc: RenderedDocument; pages: string[] }>();

beforeAll(async () => {
  for (const c of cases) {
    const doc = await renderDocument(c.input, env);
    rendered.set(c.name, { doc, pages: await pageTexts(doc.pdf) });
  }
});

/** Every string of the request's data (names also as family+given). */
function dataStrings(input: RenderInput): string[] {
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.family === 'string' && typeof o.given === 'string') strings.push(o.family + o.given);
      Object.values(o).forEach(walk);
    }
  };
  walk(input.data);
  return strings;
}

const westernDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
};

/** A printed date, not followed by another digit (昭和50年4月1日 is not in 昭和50年4月12日). */
const dateOnPage = (text: string, printed: string) => new RegExp(`${printed}(?!\\d)`).test(text);

/** Identifiers of residents that appear nowhere in this request's data: My Number, name, birth date. */
function strangers(input: RenderInput): { myNumber: string; name: string; birthDates: string[] }[] {
  const strings = dataStrings(input);
  const data = compact(strings.join('|'));
  // A birth date shared with any date of this request (or the issue date) is not someone else's.
  const ownDates = new Set([input.issuedOn, ...strings.filter((s) => /^\d{4}-\d{2}-\d{2}$/.test(s))]);
  return demo.batch.residents
    .map((r) => ({
      myNumber: r.myNumber,
      name: compact(`${r.name.family}${r.name.given}`),
      birthDates: ownDates.has(r.birthDate) ? [] : [formatEraDate(r.birthDate), westernDate(r.birthDate)],
    }))
    .filter((r) => !data.includes(r.myNumber) && !data.includes(r.name));
}

/** Addresses of the demo world (households, previous addresses, domiciles, address histories) not in this request's data. */
function strangerAddresses(input: RenderInput): string[] {
  const data = compact(dataStrings(input).join('|'));
  const all = new Set<string>();
  for (const h of demo.batch.households) all.add(compact(h.address));
  for (const r of demo.batch.residents) {
    if (r.previousAddress) all.add(compact(r.previousAddress));
    if (r.domicile) all.add(compact(r.domicile.address));
  }
  for (const f of demo.batch.familyRegisters) all.add(compact(f.domicileAddress));
  for (const h of demo.batch.addressHistories) for (const e of h.entries) all.add(compact(e.address));
  return [...all].filter((a) => !data.includes(a));
}

describe.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
  it('shows every field of the request', () => {
    const { pages } = rendered.get(name)!;
    const all = pages.join('');
    const missing = expectedFields(c.input)
      .map(compact)
      .filter((f) => !all.includes(f));
    expect(missing).toEqual([]);
  });

  it('carries the issue number with its own n/N on every page', () => {
    const { doc, pages } = rendered.get(name)!;
    expect(pages).toHaveLength(doc.pageCount);
    pages.forEach((text, i) => {
      expect(text).toContain(compact(pageIssueNumber(c.input.issueNumber, i + 1, doc.pageCount)));
      expect(doc.pageIssueNumbers[i]).toBe(pageIssueNumber(c.input.issueNumber, i + 1, doc.pageCount));
    });
  });

  it('puts the authentication sentence, the issue date in 和暦 and the head only on the last page', () => {
    const { pages } = rendered.get(name)!;
    const head = compact(expectedHead(c.input));
    const certification = compact(expectedCertification(c.input));
    const date = formatEraDate(c.input.issuedOn);
    // The issue date may also be a date of the data on an earlier page; none of the fixtures has one.
    expect(dataStrings(c.input)).not.toContain(c.input.issuedOn);
    pages.forEach((text, i) => {
      const last = i === pages.length - 1;
      expect(text.includes(head)).toBe(last);
      expect(text.includes(certification)).toBe(last);
      expect(dateOnPage(text, date)).toBe(last);
    });
    // In order on the last page: 認証文, then the date, then the head.
    expect(pages.at(-1)).toContain(`${certification}${date}${head}`);
  });

  it('carries nothing of another resident (My Number, name, birth date, address)', () => {
    const { pages } = rendered.get(name)!;
    const others = strangers(c.input);
    const addresses = strangerAddresses(c.input);
    expect(others.length).toBeGreaterThan(100);
    expect(others.filter((o) => o.birthDates.length > 0).length).toBeGreaterThan(100);
    expect(addresses.length).toBeGreaterThan(50);
    for (const text of pages) {
      const leaked = others.filter(
        (o) => text.includes(o.myNumber) || text.includes(o.name) || o.birthDates.some((d) => dateOnPage(text, d)),
      );
      expect(leaked).toEqual([]);
      expect(addresses.filter((a) => text.includes(a))).toEqual([]);
    }
  });
});

it('uses several pages where the data needs them (9-person register, individual form of a household)', () => {
  expect(rendered.get('familyRegisterFull')!.doc.pageCount).toBeGreaterThan(1);
  expect(rendered.get('residenceRecord-individual')!.doc.pageCount).toBeGreaterThan(1);
});

it('household form of 5+ persons: persons 1–4 on page 1, the rest on page 2, issue number and n/N on both', () => {
  const c = cases.find((x) => x.name === 'residenceRecord-household5')!;
  const data = c.input.data;
  if (data.certificateType !== 'residenceRecord' || data.options.form !== 'household') throw new Error('fixture');
  expect(data.members.length).toBeGreaterThanOrEqual(5);
  expect(data.members.length).toBeLessThanOrEqual(8);
  const { doc, pages } = rendered.get(c.name)!;
  expect(doc.pageCount).toBe(2);
  expect(pages).toHaveLength(2);
  // Each person's own row starts 氏名<name> (the head's name is also in the 世帯主 header of every page).
  const person = (m: (typeof data.members)[number]) => compact(`氏名${m.name.family}${m.name.given}`);
  data.members.forEach((m, i) => {
    const page = i < 4 ? 0 : 1;
    expect(pages[page]).toContain(person(m));
    expect(pages[1 - page]).not.toContain(person(m));
    expect(pages[page]).toContain(m.myNumber);
    expect(pages[1 - page]).not.toContain(m.myNumber);
  });
  pages.forEach((text, i) => {
    expect(text).toContain(compact(pageIssueNumber(c.input.issueNumber, i + 1, 2)));
    expect(text).toContain(compact(c.input.issueNumber));
    expect(text).toContain(`${i + 1}/2`);
  });
  // The header (住所, 世帯主) repeats on both pages; the 認証文 is on the last only.
  for (const text of pages) expect(text).toContain(compact(`住所${data.household.address}`));
  expect(pages[0]).not.toContain(compact(expectedCertification(c.input)));
  expect(pages[1]).toContain(compact(expectedCertification(c.input)));
});

it('prints a registered 通称 on the 住民票 and the 印鑑登録証明書', () => {
  for (const name of ['residenceRecord-foreign', 'sealCertificate-foreign']) {
    expect(rendered.get(name)!.pages.join('')).toContain(compact(`通称${FOREIGN_ALIAS}`));
  }
});

it('prints optional items only when chosen, and 旧氏 always when registered', async () => {
  const base = cases.find((c) => c.name === 'residenceRecord-household')!;
  const data = base.input.data;
  if (data.certificateType !== 'residenceRecord') throw new Error('fixture');
  const off = { ...data, options: { ...data.options, householdHeadAndRelationship: false, domicile: false, myNumber: false } };
  const doc = await renderDocument({ ...base.input, data: off }, env);
  const text = (await pageTexts(doc.pdf)).join('');
  for (const m of data.members) {
    expect(text).not.toContain(m.myNumber);
    if (m.domicile) expect(text).not.toContain(compact(m.domicile.address));
    if (m.formerSurname) expect(text).toContain(compact(`旧氏${m.formerSurname}`));
  }
  expect(text).not.toContain('世帯主');
  expect(text).not.toContain('続柄');
  expect(data.members.some((m) => m.formerSurname)).toBe(true);
});

/**
 * Printed-output checks on real PDFs (text extracted by pdf.js): every field of the request is on
 * the certificate, every page carries the request's issue number and its own n/N, and no page
 * carries anything of another resident.
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { pageIssueNumber, type RenderInput } from '@madoguchi/shared';
import { FontSet } from '../../apps/center/src/rendering/fonts/font-set.js';
import { renderDocument, type RenderedDocument } from '../../apps/center/src/rendering/render-document.js';
import { createVerificationSigner } from '../../apps/center/src/rendering/verification/signing.js';
import { demo, everyTemplate } from './fixtures.js';
import { expectedFields } from './support/expected-fields.js';
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

/** Identifiers of residents that appear nowhere in this request's data. */
function strangers(input: RenderInput): { myNumber: string; name: string }[] {
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
  const data = compact(strings.join('|'));
  return demo.batch.residents
    .map((r) => ({ myNumber: r.myNumber, name: compact(`${r.name.family}${r.name.given}`) }))
    .filter((r) => !data.includes(r.myNumber) && !data.includes(r.name));
}

describe.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
  it('shows every field of the request', () => {
    const { pages } = rendered.get(name)!;
    const all = pages.join('');
    const missing = expectedFields(c.input).map(compact).filter((f) => !all.includes(f));
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

  it('puts the authentication sentence and head only on the last page', () => {
    const { pages } = rendered.get(name)!;
    const head = compact(`${c.input.municipality.prefecture}${c.input.municipality.head.title}${c.input.municipality.head.name}`);
    pages.forEach((text, i) => expect(text.includes(head)).toBe(i === pages.length - 1));
  });

  it('carries nothing of another resident', () => {
    const { pages } = rendered.get(name)!;
    const others = strangers(c.input);
    expect(others.length).toBeGreaterThan(100);
    for (const text of pages) {
      const leaked = others.filter((o) => text.includes(o.myNumber) || text.includes(o.name));
      expect(leaked).toEqual([]);
    }
  });
});

it('uses several pages where the data needs them (household of 5+, 9-person register)', () => {
  expect(rendered.get('familyRegisterFull')!.doc.pageCount).toBeGreaterThan(1);
  expect(rendered.get('residenceRecord-individual')!.doc.pageCount).toBeGreaterThan(1);
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

import { describe, expect, it } from 'vitest';
import { featuredCaseLabels, featuredLabelsOf } from './featured-labels.js';
import { generateDemoData } from './generate.js';

const data = generateDemoData();
const labels = Object.values(featuredCaseLabels);

describe('featured case labels', () => {
  it('label every featured resident', () => {
    for (const [featuredCase, residentId] of Object.entries(data.featured)) {
      expect(featuredCaseLabels[featuredCase as keyof typeof featuredCaseLabels], featuredCase).toMatch(/\S/);
      expect(featuredLabelsOf(data.featured, residentId).length, featuredCase).toBeGreaterThan(0);
    }
    expect(Object.keys(featuredCaseLabels).sort()).toEqual(Object.keys(data.featured).sort());
  });

  it('give a resident who features in several cases every one of their labels, and others none', () => {
    const { ordinary } = data.featured;
    const cases = Object.entries(data.featured)
      .filter(([, id]) => id === ordinary)
      .map(([c]) => featuredCaseLabels[c as keyof typeof featuredCaseLabels]);
    expect(featuredLabelsOf(data.featured, ordinary)).toEqual(cases);
    const unfeatured = data.batch.residents.find((r) => !Object.values(data.featured).includes(r.residentId))!;
    expect(featuredLabelsOf(data.featured, unfeatured.residentId)).toEqual([]);
  });

  it('carry no personal data of any demo resident', () => {
    const { residents, households } = data.batch;
    const personal = [
      ...residents.flatMap((r) => [
        r.name.family,
        r.name.given,
        r.name.familyKana,
        r.name.givenKana,
        r.formerSurname,
        r.foreign?.alias,
        r.myNumber,
        r.birthDate,
        r.domicile?.address,
        r.domicile?.headName,
      ]),
      ...households.map((h) => h.address),
    ].filter((value): value is string => Boolean(value));
    expect(personal.length).toBeGreaterThan(residents.length);
    for (const label of labels) {
      for (const value of personal) expect(label.includes(value), `${label} contains personal data`).toBe(false);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { OfferingSettings, RejectRequest, ScheduleFeeRequest, TotpCode } from '@madoguchi/shared';
import { isEmptyTextMessage, issuePathToField, messageInLanguage, zodBound } from './field-messages.js';

describe('messageInLanguage', () => {
  it("picks the page's half of a shared schema's bilingual message", () => {
    const issue = TotpCode.safeParse('12a').error!.issues[0]!;
    expect(messageInLanguage(issue.message, 'ja')).toBe('6桁の数字を入力してください');
    expect(messageInLanguage(issue.message, 'en')).toBe('6 digits');
  });

  it('finds both halves of the fee messages (a fraction of a yen, a negative fee)', () => {
    const fraction = ScheduleFeeRequest.shape.feeYen.safeParse(1.5).error!.issues[0]!.message;
    expect(messageInLanguage(fraction, 'en')).toBe('whole yen');
    const negative = ScheduleFeeRequest.shape.feeYen.safeParse(-1).error!.issues[0]!.message;
    expect(messageInLanguage(negative, 'ja')).toBe('0円以上にしてください');
  });

  it('gives null for a message in one language, so the page uses its own catalog', () => {
    expect(messageInLanguage('Too small: expected string to have >=1 characters', 'ja')).toBeNull();
  });
});

describe('issuePathToField', () => {
  it.each([
    ['body/hours/1/from', 'hours.1.from'],
    ['/hours/1/from', 'hours.1.from'],
    ['hours[1].from', 'hours.1.from'],
    ['feeYen', 'feeYen'],
    ['body/feeYen', 'feeYen'],
  ])('%s names %s', (path, field) => {
    expect(issuePathToField(path)).toBe(field);
  });
});

describe('isEmptyTextMessage', () => {
  it("recognises zod's message for an empty required text, and only that", () => {
    expect(isEmptyTextMessage(RejectRequest.safeParse({ reason: '' }).error!.issues[0]!.message)).toBe(true);
    expect(isEmptyTextMessage(RejectRequest.safeParse({ reason: 'x'.repeat(201) }).error!.issues[0]!.message)).toBe(false);
  });
});

describe('zodBound', () => {
  const first = (result: { error?: { issues: { message: string }[] } }) => result.error!.issues[0]!.message;
  it('reads the limit of a number, a text and a list out of range from the shared schemas', () => {
    expect(zodBound(first(OfferingSettings.shape.maxCopies.safeParse(0)))).toEqual({ side: 'min', n: 1, of: 'number' });
    expect(zodBound(first(OfferingSettings.shape.maxCopies.safeParse(11)))).toEqual({ side: 'max', n: 10, of: 'number' });
    expect(zodBound(first(RejectRequest.safeParse({ reason: 'x'.repeat(201) })))).toEqual({ side: 'max', n: 200, of: 'characters' });
    expect(zodBound(first(OfferingSettings.shape.taxYears.safeParse([2021, 2022, 2023, 2024, 2025, 2026])))).toEqual({
      side: 'max',
      n: 5,
      of: 'items',
    });
  });

  it('gives null for any other message', () => {
    expect(zodBound('6桁の数字を入力してください (6 digits)')).toBeNull();
  });
});

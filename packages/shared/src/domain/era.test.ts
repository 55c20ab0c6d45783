import { describe, expect, it } from 'vitest';
import { errorMessage, isErrorCode } from '../errors.js';
import { defaultEraTable, formatEraDate, formatEraFiscalYear, formatEraYearOnly, parseEraDate, toEraDate, EraDateError } from './era.js';

describe('era dates (和暦)', () => {
  it('switches from 平成 to 令和 at midnight on 2019-05-01', () => {
    expect(formatEraDate('2019-04-30')).toBe('平成31年4月30日');
    expect(formatEraDate('2019-05-01')).toBe('令和元年5月1日');
    expect(formatEraDate('2020-01-01')).toBe('令和2年1月1日');
  });

  it('writes the first year as 元年 by default and as 1年 on request', () => {
    expect(formatEraDate('1989-01-08')).toBe('平成元年1月8日');
    expect(formatEraDate('1989-01-07')).toBe('昭和64年1月7日');
    expect(formatEraDate('2019-05-01', { firstYear: '1年' })).toBe('令和1年5月1日');
  });

  it('covers every era boundary in the table', () => {
    expect(formatEraDate('1868-10-23')).toBe('明治元年10月23日');
    expect(formatEraDate('1912-07-29')).toBe('明治45年7月29日');
    expect(formatEraDate('1912-07-30')).toBe('大正元年7月30日');
    expect(formatEraDate('1926-12-24')).toBe('大正15年12月24日');
    expect(formatEraDate('1926-12-25')).toBe('昭和元年12月25日');
    expect(formatEraDate('2026-11-23')).toBe('令和8年11月23日');
  });

  it('rejects dates before 明治 and impossible dates', () => {
    expect(() => toEraDate('1868-10-22')).toThrow(EraDateError);
    expect(() => toEraDate('1600-01-01')).toThrow(/before the first era/);
    expect(() => toEraDate('2023-02-29')).toThrow(EraDateError);
    expect(() => toEraDate('2026-13-01')).toThrow(EraDateError);
  });

  it('throws with a code from the error catalog, so a caller can show its message', () => {
    const error = (() => {
      try {
        toEraDate('1600-01-01');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EraDateError);
    const code = (error as EraDateError).code;
    expect(isErrorCode(code)).toBe(true);
    if (isErrorCode(code)) expect(errorMessage(code, 'ja')).toMatch(/明治/);
  });

  it('parses era text back, including 元年, and refuses a year past the era', () => {
    expect(parseEraDate('令和元年5月1日')).toBe('2019-05-01');
    expect(parseEraDate('平成31年4月30日')).toBe('2019-04-30');
    expect(() => parseEraDate('平成31年5月1日')).toThrow(/not in 平成/);
    expect(() => parseEraDate('慶応3年1月1日')).toThrow(/unknown era/);
  });

  it('takes the era table as data: a new era is one more row', () => {
    const table = [...defaultEraTable, { name: '新元号', romaji: 'Shingengo', start: '2040-01-01' }];
    expect(formatEraDate('2039-12-31', { table })).toBe('令和21年12月31日');
    expect(formatEraDate('2040-01-01', { table })).toBe('新元号元年1月1日');
  });

  it('names fiscal and calendar years', () => {
    expect(formatEraFiscalYear(2026)).toBe('令和8年度');
    // A fiscal year is named by the era of its 1 April: FY2019 began under 平成.
    expect(formatEraFiscalYear(2019)).toBe('平成31年度');
    expect(formatEraFiscalYear(2020)).toBe('令和2年度');
    expect(formatEraYearOnly(2025)).toBe('令和7年');
    expect(formatEraYearOnly(2019)).toBe('令和元年');
  });
});

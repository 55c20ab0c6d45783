import { describe, expect, it } from 'vitest';
import { YenSchema, addYen, formatThousands, formatYen, multiplyYen, subtractYen, yen } from './money.js';

describe('yen', () => {
  it('accepts only whole non-negative amounts', () => {
    expect(yen(300)).toBe(300);
    expect(() => yen(300.5)).toThrow(RangeError);
    expect(() => yen(-1)).toThrow(RangeError);
    expect(() => yen(Number.NaN)).toThrow(RangeError);
    expect(YenSchema.safeParse(0.1).success).toBe(false);
    expect(YenSchema.safeParse(1e20).success).toBe(false);
  });

  it('adds, multiplies and subtracts without leaving integers', () => {
    expect(addYen(yen(100), yen(250))).toBe(350);
    expect(multiplyYen(yen(300), 3)).toBe(900);
    expect(() => multiplyYen(yen(300), 1.5)).toThrow(RangeError);
    expect(() => subtractYen(yen(100), yen(200))).toThrow(RangeError);
  });

  it('formats with thousands separators', () => {
    expect(formatYen(yen(1234567))).toBe('1,234,567円');
    expect(formatYen(yen(0))).toBe('0円');
    expect(formatThousands(-45000)).toBe('-45,000');
    expect(formatThousands(999)).toBe('999');
  });
});

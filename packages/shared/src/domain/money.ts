import { z } from 'zod';

declare const yenBrand: unique symbol;
/** An amount of money in whole yen. Never a float, never negative, never above Number.MAX_SAFE_INTEGER. */
export type Yen = number & { readonly [yenBrand]: true };

export const YenSchema = z
  .number()
  .int('金額は円単位の整数です (amounts are whole yen)')
  .nonnegative('金額は0円以上です (amounts cannot be negative)')
  .max(Number.MAX_SAFE_INTEGER)
  .transform((n) => n as Yen);

export function yen(amount: number): Yen {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`not a whole non-negative yen amount: ${amount}`);
  }
  return amount as Yen;
}

export function addYen(...amounts: Yen[]): Yen {
  return yen(amounts.reduce((sum, a) => sum + a, 0));
}

export function multiplyYen(amount: Yen, count: number): Yen {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`not a whole count: ${count}`);
  return yen(amount * count);
}

export function subtractYen(a: Yen, b: Yen): Yen {
  return yen(a - b);
}

/** `1,234円` — the way certificates and the kiosk show money. */
export function formatYen(amount: Yen | number, suffix: '円' | '' = '円'): string {
  return `${formatThousands(amount)}${suffix}`;
}

/** Signed integers with thousands separators, for tax amounts that may be shown as deltas. */
export function formatThousands(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** How values are written on certificates: 和暦 dates (西暦 where the law says), names, yen. */
import { formatEraDate, formatThousands, type PersonName, type Sex } from '@madoguchi/shared';

export const eraDate = (iso: string): string => formatEraDate(iso);

/** 西暦, for a foreign resident's birth date and residence-period expiry. */
export function westernDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
}

export const fullName = (n: PersonName): string => (n.given ? `${n.family}\u3000${n.given}` : n.family);

export function kanaName(n: PersonName): string | undefined {
  if (!n.familyKana && !n.givenKana) return undefined;
  return [n.familyKana, n.givenKana].filter(Boolean).join('\u3000');
}

export const sexLabel = (s: Sex): string => (s === 'male' ? '男' : '女');

export const yenText = (n: number): string => `${formatThousands(n)}円`;

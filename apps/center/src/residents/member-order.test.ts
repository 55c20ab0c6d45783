import { describe, expect, it } from 'vitest';
import type { Resident } from '@madoguchi/shared';
import { relationshipRank, sortMembers } from './member-order.js';

const member = (residentId: string, relationship: string, birthDate: string) => ({ residentId, relationship, birthDate }) as Resident;

describe('standard member order of a 住民票', () => {
  it('ranks 世帯主 → 配偶者 → 子 → 子の家族 → 父母・兄弟姉妹・祖父母 → other relatives → 同居人', () => {
    const ranks = ['世帯主', '妻', '子', '子の妻', '母', 'おい', '同居人'].map(relationshipRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(7);
    expect(relationshipRank('妻の父')).toBe(relationshipRank('父'));
    expect(relationshipRank('孫')).toBe(relationshipRank('子の夫'));
  });

  it('orders children by birth date and puts the recorded head first whatever the label', () => {
    const sorted = sortMembers(
      [
        member('c2', '子', '2012-05-01'),
        member('lodger', '同居人', '1950-01-01'),
        member('c1', '子', '2010-01-01'),
        member('w', '妻', '1980-01-01'),
        member('h', '夫', '1979-01-01'),
      ],
      'w',
    );
    expect(sorted.map((m) => m.residentId)).toEqual(['w', 'h', 'c1', 'c2', 'lodger']);
  });
});

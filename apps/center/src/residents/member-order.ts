/**
 * The standard order of members on a 住民票 (住民記録システム標準仕様書): 世帯主 → 配偶者 → 子 (by
 * birth date) → 子の配偶者・孫 (children's families) → 父母・兄弟姉妹・祖父母 → other relatives →
 * 同居人 and other non-relatives. Within a rank, older first, then by id so the order is total.
 */
import type { Resident } from '@madoguchi/shared';

const spouse = /^(妻|夫|配偶者)(\(未届\)|（未届）)?$/;
const child = /^(子|長男|長女|二男|次男|二女|次女|三男|三女|四男|四女|五男|五女|養子|養女|[男女]$)/;
const childFamily = /^(子の|孫|ひ孫|曾孫|養子の|長男の|長女の|二男の|次男の|二女の|次女の)/;
const parentsSiblingsGrandparents = /^(父|母|養父|養母|兄|姉|弟|妹|祖父|祖母|義父|義母|妻の父|妻の母|夫の父|夫の母)$/;
const nonRelatives = /^(同居人|縁故者|使用人|同居者|世帯主の同居人)/;

export function relationshipRank(relationship: string): number {
  const r = relationship.trim();
  if (r === '世帯主' || r === '本人') return 0;
  if (spouse.test(r)) return 1;
  if (childFamily.test(r)) return 3;
  if (child.test(r)) return 2;
  if (parentsSiblingsGrandparents.test(r)) return 4;
  if (nonRelatives.test(r)) return 6;
  return 5;
}

export function sortMembers(members: readonly Resident[], householdHeadId?: string): Resident[] {
  const rank = (m: Resident) => (householdHeadId !== undefined && m.residentId === householdHeadId ? 0 : relationshipRank(m.relationship));
  return [...members].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    if (a.birthDate !== b.birthDate) return a.birthDate < b.birthDate ? -1 : 1;
    return a.residentId < b.residentId ? -1 : a.residentId > b.residentId ? 1 : 0;
  });
}

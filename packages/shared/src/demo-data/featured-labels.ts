/**
 * What each featured resident shows at the kiosk, as the demo panel labels their cards. Kept next
 * to the featured residents so a new case cannot be added without saying what it demonstrates.
 * Labels describe the case, never the person: no names, addresses or numbers (the panel is shown
 * on screen and in screenshots).
 */
import type { FeaturedCase } from './generate.js';

export const featuredCaseLabels: Record<FeaturedCase, string> = {
  ordinary: '4人世帯の世帯主 household head (all certificates)',
  formerSurname: '旧氏あり・印鑑登録廃止 former surname, cancelled seal',
  under15: '15歳未満 under 15',
  foreignResident: '外国人住民 foreign resident',
  protectionMeasure: '支援措置 protection measure',
  pendingMoveOut: '転出予定 pending move-out',
  householdOfPendingMoveOut: '転出予定者のいる世帯 household of a pending move-out',
  deceased: '死亡 deceased',
  householdOfDeceased: '死亡者のいた世帯 household of a deceased person',
  movedOut: '転出済 moved out',
  provisional: '仮登録 provisional record',
  longNameAndAddress: '長い氏名・住所 very long name and address',
  ivsName: 'IVS異体字の氏名 name with an IVS variant',
  outsideJisName: 'JIS第1・2水準外の氏名 name outside JIS X 0208',
  domicileInOtherServedMunicipality: '本籍地が千代田区 domicile in 千代田区',
  domicileNotServed: '本籍地が対象外 domicile not served',
  notRegisteredOnJanuaryFirst: '1月1日に未登録 not registered on 1 January',
  multiPageFamilyRegister: '複数ページの戸籍 multi-page family register',
  issuanceBlocked: '発行抑止 issuance block (seal)',
  nonTaxable: '非課税 non-taxable',
  chiyodaResident: '千代田区の住民 千代田区 resident',
  okutamaResident: '奥多摩町の住民 奥多摩町 resident',
};

/**
 * The labels of every case a resident features in, in the order of `featured` (one resident can
 * show several: the ordinary resident is also the non-taxable one when no other qualifies).
 */
export function featuredLabelsOf(featured: Record<FeaturedCase, string>, residentId: string): string[] {
  return (Object.entries(featured) as [FeaturedCase, string][])
    .filter(([, id]) => id === residentId)
    .map(([featuredCase]) => featuredCaseLabels[featuredCase]);
}

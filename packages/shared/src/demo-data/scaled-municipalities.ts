/**
 * The municipalities a scaled demo world adds to the demo's three (load runs: test/load, docs/load.md).
 * Real names and codes; the heads are fictional. Each offers every certificate at store hours, so a
 * load run's residents are refused only by their own records (moved out, deceased, no seal …).
 */
import type { Municipality } from '../domain/municipal-data.js';
import type { MunicipalityPolicyInput } from '../domain/policy.js';
import { demoTaxYears } from './municipalities.js';
import { drawSealPng } from './png.js';

export const scaledMunicipalities: Municipality[] = [
  {
    code: '011002',
    prefecture: '北海道',
    name: '札幌市',
    kind: 'designatedCity',
    population: 1_960_000,
    head: { title: '札幌市長', name: '雪原 拓' },
  },
  {
    code: '041009',
    prefecture: '宮城県',
    name: '仙台市',
    kind: 'designatedCity',
    population: 1_090_000,
    head: { title: '仙台市長', name: '青葉 広' },
  },
  {
    code: '131041',
    prefecture: '東京都',
    name: '新宿区',
    kind: 'specialWard',
    population: 350_000,
    head: { title: '新宿区長', name: '西口 新' },
  },
  {
    code: '132012',
    prefecture: '東京都',
    name: '八王子市',
    kind: 'city',
    population: 560_000,
    head: { title: '八王子市長', name: '高尾 峰' },
  },
  {
    code: '231002',
    prefecture: '愛知県',
    name: '名古屋市',
    kind: 'designatedCity',
    population: 2_320_000,
    head: { title: '名古屋市長', name: '金鯱 守' },
  },
  {
    code: '261009',
    prefecture: '京都府',
    name: '京都市',
    kind: 'designatedCity',
    population: 1_440_000,
    head: { title: '京都市長', name: '鴨川 清' },
  },
  {
    code: '401307',
    prefecture: '福岡県',
    name: '福岡市',
    kind: 'designatedCity',
    population: 1_640_000,
    head: { title: '福岡市長', name: '博多 湊' },
  },
  { code: '472018', prefecture: '沖縄県', name: '那覇市', kind: 'city', population: 310_000, head: { title: '那覇市長', name: '首里 守' } },
  {
    code: '203840',
    prefecture: '長野県',
    name: '白馬村',
    kind: 'village',
    population: 8_800,
    head: { title: '白馬村長', name: '八方 尾' },
  },
];

export const scaledTowns: Record<string, readonly string[]> = {
  '011002': ['中央区北一条西二丁目', '北区北七条西五丁目', '豊平区月寒東一条', '南区真駒内本町'],
  '041009': ['青葉区国分町三丁目', '宮城野区榴岡四丁目', '若林区荒井東一丁目', '泉区泉中央一丁目'],
  '131041': ['西新宿二丁目', '歌舞伎町一丁目', '高田馬場三丁目', '四谷一丁目', '神楽坂六丁目'],
  '132012': ['元本郷町三丁目', '高尾町', '南大沢二丁目', '八日町'],
  '231002': ['中区三の丸三丁目', '千種区今池一丁目', '昭和区御器所通三丁目', '熱田区神宮一丁目'],
  '261009': ['中京区寺町通御池上る上本能寺前町', '左京区北白川小倉町', '伏見区深草藪之内町', '東山区祇園町南側'],
  '401307': ['中央区天神一丁目', '博多区博多駅前二丁目', '早良区百道浜二丁目', '東区香椎駅前一丁目'],
  '472018': ['泉崎一丁目', '首里当蔵町二丁目', 'おもろまち四丁目', '久茂地三丁目'],
  '203840': ['大字北城', '大字神城', '大字北城八方'],
};

const storeHours = [{ weekdays: [0, 1, 2, 3, 4, 5, 6], from: '06:30', to: '23:00', closedOnHolidays: false }];

/** Every certificate at store hours, at fees that differ by municipality (so a fee mix-up would show). */
export function scaledPolicy(municipalityCode: string, index: number): MunicipalityPolicyInput {
  const fee = (base: number) => [{ effectiveFrom: '2020-04-01', feeYen: base + 10 * index }];
  const offering = (certificateType: MunicipalityPolicyInput['offerings'][number]['certificateType'], base: number) => ({
    certificateType,
    enabled: true,
    fees: fee(base),
    hours: storeHours,
  });
  return {
    municipalityCode,
    offerings: [
      { ...offering('residenceRecord', 200), allowMyNumber: index % 2 === 0 },
      offering('residenceItemsCertificate', 200),
      offering('sealCertificate', 200),
      offering('familyRegisterFull', 350),
      offering('familyRegisterIndividual', 350),
      offering('familyRegisterAddressHistory', 200),
      { ...offering('taxCertificate', 200), taxYears: [...demoTaxYears] },
    ],
    domicileRegistrationHours: storeHours,
    officialSealPng: drawSealPng({ size: 160, shape: 'square', seed: Number(municipalityCode), ink: 0 }),
    fixedTexts: {},
  };
}

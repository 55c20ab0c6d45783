import type { MunicipalityPolicyInput } from '../domain/policy.js';
import type { Municipality } from '../domain/municipal-data.js';
import { drawSealPng } from './png.js';

/** Three municipalities of different kinds. Real names and codes; the heads are fictional. */
export const demoMunicipalities: Municipality[] = [
  {
    code: '141003',
    prefecture: '神奈川県',
    name: '横浜市',
    kind: 'designatedCity',
    population: 3_770_000,
    head: { title: '横浜市長', name: '港 一郎' },
  },
  {
    code: '131016',
    prefecture: '東京都',
    name: '千代田区',
    kind: 'specialWard',
    population: 68_000,
    head: { title: '千代田区長', name: '皇居 正' },
  },
  {
    code: '133086',
    prefecture: '東京都',
    name: '奥多摩町',
    kind: 'town',
    population: 4_700,
    head: { title: '奥多摩町長', name: '雲取 岳' },
  },
];

export const demoTowns: Record<string, readonly string[]> = {
  '141003': ['中区山下町', '西区みなとみらい二丁目', '港北区日吉本町', '青葉区美しが丘', '鶴見区鶴見中央', '戸塚区戸塚町'],
  '131016': ['九段南一丁目', '神田神保町二丁目', '麹町三丁目', '飯田橋四丁目', '一番町'],
  '133086': ['氷川', '小丹波', '日原', '棚沢', '白丸'],
};

/** The tax years (年度) the demo data holds records for; every demo municipality offers them all. */
export const demoTaxYears: readonly number[] = [2025, 2026];

const everyDay = [0, 1, 2, 3, 4, 5, 6];
const weekdays = [1, 2, 3, 4, 5];
const storeHours = [{ weekdays: everyDay, from: '06:30', to: '23:00', closedOnHolidays: false }];
const officeHours = [{ weekdays, from: '09:00', to: '17:00', closedOnHolidays: true }];

function officialSeal(seed: number): string {
  return drawSealPng({ size: 160, shape: 'square', seed, ink: 0 });
}

export function demoPolicies(): MunicipalityPolicyInput[] {
  return [
    {
      municipalityCode: '141003',
      offerings: [
        // A fee change on 2026-12-01 shows that a certificate is charged the fee in force when issued.
        {
          certificateType: 'residenceRecord',
          enabled: true,
          fees: [
            { effectiveFrom: '2020-04-01', feeYen: 300 },
            { effectiveFrom: '2026-12-01', feeYen: 250 },
          ],
          hours: storeHours,
          allowMyNumber: true,
        },
        {
          certificateType: 'residenceItemsCertificate',
          enabled: true,
          fees: [{ effectiveFrom: '2020-04-01', feeYen: 300 }],
          hours: storeHours,
        },
        { certificateType: 'sealCertificate', enabled: true, fees: [{ effectiveFrom: '2020-04-01', feeYen: 300 }], hours: storeHours },
        { certificateType: 'familyRegisterFull', enabled: true, fees: [{ effectiveFrom: '2020-04-01', feeYen: 450 }], hours: storeHours },
        {
          certificateType: 'familyRegisterIndividual',
          enabled: true,
          fees: [{ effectiveFrom: '2020-04-01', feeYen: 450 }],
          hours: storeHours,
        },
        {
          certificateType: 'familyRegisterAddressHistory',
          enabled: true,
          fees: [{ effectiveFrom: '2020-04-01', feeYen: 300 }],
          hours: storeHours,
        },
        {
          certificateType: 'taxCertificate',
          enabled: true,
          fees: [{ effectiveFrom: '2020-04-01', feeYen: 300 }],
          hours: storeHours,
          taxYears: [...demoTaxYears],
        },
      ],
      domicileRegistrationHours: storeHours,
      officialSealPng: officialSeal(141003),
      fixedTexts: {},
    },
    {
      municipalityCode: '131016',
      offerings: [
        {
          certificateType: 'residenceRecord',
          enabled: true,
          fees: [{ effectiveFrom: '2019-04-01', feeYen: 200 }],
          hours: storeHours,
          allowMyNumber: false,
        },
        {
          certificateType: 'residenceItemsCertificate',
          enabled: false,
          fees: [{ effectiveFrom: '2019-04-01', feeYen: 200 }],
          hours: storeHours,
        },
        { certificateType: 'sealCertificate', enabled: true, fees: [{ effectiveFrom: '2019-04-01', feeYen: 200 }], hours: storeHours },
        // 戸籍 only on weekdays during office hours, as many municipalities do.
        { certificateType: 'familyRegisterFull', enabled: true, fees: [{ effectiveFrom: '2019-04-01', feeYen: 400 }], hours: officeHours },
        {
          certificateType: 'familyRegisterIndividual',
          enabled: true,
          fees: [{ effectiveFrom: '2019-04-01', feeYen: 400 }],
          hours: officeHours,
        },
        {
          certificateType: 'familyRegisterAddressHistory',
          enabled: true,
          fees: [{ effectiveFrom: '2019-04-01', feeYen: 250 }],
          hours: officeHours,
        },
        {
          certificateType: 'taxCertificate',
          enabled: true,
          fees: [{ effectiveFrom: '2019-04-01', feeYen: 250 }],
          hours: storeHours,
          taxYears: [...demoTaxYears],
        },
      ],
      domicileRegistrationHours: officeHours,
      officialSealPng: officialSeal(131016),
      fixedTexts: { sealNote: 'この印は黒色です' },
    },
    {
      municipalityCode: '133086',
      offerings: [
        {
          certificateType: 'residenceRecord',
          enabled: true,
          fees: [{ effectiveFrom: '2021-04-01', feeYen: 150 }],
          hours: storeHours,
          allowMyNumber: true,
        },
        {
          certificateType: 'residenceItemsCertificate',
          enabled: false,
          fees: [{ effectiveFrom: '2021-04-01', feeYen: 150 }],
          hours: storeHours,
        },
        { certificateType: 'sealCertificate', enabled: true, fees: [{ effectiveFrom: '2021-04-01', feeYen: 150 }], hours: storeHours },
        { certificateType: 'familyRegisterFull', enabled: true, fees: [{ effectiveFrom: '2021-04-01', feeYen: 300 }], hours: storeHours },
        {
          certificateType: 'familyRegisterIndividual',
          enabled: true,
          fees: [{ effectiveFrom: '2021-04-01', feeYen: 300 }],
          hours: storeHours,
        },
        {
          certificateType: 'familyRegisterAddressHistory',
          enabled: true,
          fees: [{ effectiveFrom: '2021-04-01', feeYen: 150 }],
          hours: storeHours,
        },
        {
          certificateType: 'taxCertificate',
          enabled: true,
          fees: [{ effectiveFrom: '2021-04-01', feeYen: 200 }],
          hours: storeHours,
          taxYears: [...demoTaxYears],
        },
      ],
      domicileRegistrationHours: storeHours,
      // A declared outage for a system migration (announced in advance).
      outages: [
        {
          outageId: 'okutama-2027-migration',
          from: '2027-01-16T06:30:00+09:00',
          until: '2027-01-17T23:00:00+09:00',
          reason: 'システム移行作業のため',
        },
      ],
      officialSealPng: officialSeal(133086),
      fixedTexts: { sealNote: '公印省略' },
    },
  ];
}

/**
 * National holidays (国民の祝日 and 振替休日) as data, through 2028: the demo clock runs on the next
 * working day after today, so the list must reach past any day the demo may be started on.
 */
export const demoHolidays: { date: string; name: string }[] = [
  ['2026-01-01', '元日'],
  ['2026-01-12', '成人の日'],
  ['2026-02-11', '建国記念の日'],
  ['2026-02-23', '天皇誕生日'],
  ['2026-03-20', '春分の日'],
  ['2026-04-29', '昭和の日'],
  ['2026-05-03', '憲法記念日'],
  ['2026-05-04', 'みどりの日'],
  ['2026-05-05', 'こどもの日'],
  ['2026-05-06', '休日'],
  ['2026-07-20', '海の日'],
  ['2026-08-11', '山の日'],
  ['2026-09-21', '敬老の日'],
  ['2026-09-22', '休日'],
  ['2026-09-23', '秋分の日'],
  ['2026-10-12', 'スポーツの日'],
  ['2026-11-03', '文化の日'],
  ['2026-11-23', '勤労感謝の日'],
  ['2027-01-01', '元日'],
  ['2027-01-11', '成人の日'],
  ['2027-02-11', '建国記念の日'],
  ['2027-02-23', '天皇誕生日'],
  ['2027-03-21', '春分の日'],
  ['2027-03-22', '休日'],
  ['2027-04-29', '昭和の日'],
  ['2027-05-03', '憲法記念日'],
  ['2027-05-04', 'みどりの日'],
  ['2027-05-05', 'こどもの日'],
  ['2027-07-19', '海の日'],
  ['2027-08-11', '山の日'],
  ['2027-09-20', '敬老の日'],
  ['2027-09-23', '秋分の日'],
  ['2027-10-11', 'スポーツの日'],
  ['2027-11-03', '文化の日'],
  ['2027-11-23', '勤労感謝の日'],
  ['2028-01-01', '元日'],
  ['2028-01-10', '成人の日'],
  ['2028-02-11', '建国記念の日'],
  ['2028-02-23', '天皇誕生日'],
  ['2028-03-20', '春分の日'],
  ['2028-04-29', '昭和の日'],
  ['2028-05-03', '憲法記念日'],
  ['2028-05-04', 'みどりの日'],
  ['2028-05-05', 'こどもの日'],
  ['2028-07-17', '海の日'],
  ['2028-08-11', '山の日'],
  ['2028-09-18', '敬老の日'],
  ['2028-09-22', '秋分の日'],
  ['2028-10-09', 'スポーツの日'],
  ['2028-11-03', '文化の日'],
  ['2028-11-23', '勤労感謝の日'],
].map(([date, name]) => ({ date: date!, name: name! }));

/**
 * The deterministic demo world used by the demo and by tests: three municipalities, ~250 residents
 * in households, and every edge case the kiosk must handle. Same seed → byte-identical data.
 */
import { formatEraDate } from '../domain/era.js';
import {
  MunicipalDataBatch,
  type AddressHistory,
  type FamilyRegister,
  type FamilyRegisterPerson,
  type Household,
  type Resident,
  type SealRegistration,
  type TaxRecord,
} from '../domain/municipal-data.js';
import { MunicipalityPolicy } from '../domain/policy.js';
import { demoHolidays, demoMunicipalities, demoPolicies, demoTaxYears, demoTowns } from './municipalities.js';
import { scaledMunicipalities, scaledPolicy, scaledTowns } from './scaled-municipalities.js';
import { femaleGivenNames, foreignResidents, hardSurnames, maleGivenNames, surnames } from './names.js';
import { drawSealPng } from './png.js';
import { SeededRandom } from './random.js';

/** Residents the demo panel and tests point at, by the case they show. */
export type FeaturedCase =
  | 'ordinary' // 山田 太郎: household of four, active seal, 本籍 here, tax records
  | 'formerSurname' // 山田 花子: 旧氏 registered; her seal registration is cancelled
  | 'under15' // 山田 さくら
  | 'foreignResident'
  | 'protectionMeasure' // 支援措置
  | 'pendingMoveOut' // 転出予定: blocks the whole household's 住民票
  | 'householdOfPendingMoveOut'
  | 'deceased'
  | 'householdOfDeceased'
  | 'movedOut'
  | 'provisional' // 仮登録
  | 'longNameAndAddress'
  | 'ivsName' // 葛󠄀西 (IVS)
  | 'outsideJisName' // 𠮷田 (U+20BB7)
  | 'domicileInOtherServedMunicipality' // lives in 横浜市, 本籍 in 千代田区
  | 'domicileNotServed' // 本籍 in a municipality this center does not serve
  | 'notRegisteredOnJanuaryFirst' // moved in this year: no tax certificate
  | 'multiPageFamilyRegister' // register with 9 persons
  | 'issuanceBlocked' // 発行抑止 on the seal certificate
  | 'nonTaxable'
  | 'chiyodaResident'
  | 'okutamaResident';

export interface DemoData {
  /** The day the data describes (ages, tax years, "moved in this year" are relative to it). */
  referenceDate: string;
  batch: MunicipalDataBatch;
  policies: MunicipalityPolicy[];
  holidays: { date: string; name: string }[];
  featured: Record<FeaturedCase, string>;
}

export const DEMO_SEED = 20261123;

/**
 * A larger world for load runs (test/load): the demo's own world first, unchanged, then more
 * municipalities (scaled-municipalities.ts), each with its own edge cases (moved out, deceased,
 * 転出予定, 仮登録, 本籍 elsewhere, 支援措置, 発行抑止), then filler households until `residents`.
 */
export interface DemoWorldSize {
  /** 3 (the demo's) up to 3 + scaledMunicipalities.length. */
  municipalities: number;
  residents: number;
}

/** Where residents who moved in came from (住所地 before this one), up to the 丁目. */
const previousAddressAreas = [
  '東京都世田谷区桜新町一丁目',
  '埼玉県さいたま市浦和区高砂三丁目',
  '千葉県千葉市中央区富士見二丁目',
  '神奈川県川崎市中原区小杉町',
];

const otherDomicile = { municipalityCode: '271004', address: '大阪府大阪市北区中之島一丁目3番', name: '大阪市' };

export function generateDemoData(seed: number = DEMO_SEED, size?: DemoWorldSize): DemoData {
  const rnd = new SeededRandom(seed);
  const referenceDate = '2026-11-02';
  const households: Household[] = [];
  const residents: Resident[] = [];
  const seals: SealRegistration[] = [];
  const registers: FamilyRegister[] = [];
  const histories: AddressHistory[] = [];
  const taxes: TaxRecord[] = [];
  const featured: Partial<Record<FeaturedCase, string>> = {};
  const counters: Record<string, number> = {};
  const myNumbers = new Set<string>();

  const nextId = (prefix: string) => {
    counters[prefix] = (counters[prefix] ?? 0) + 1;
    return `${prefix}-${String(counters[prefix]).padStart(6, '0')}`;
  };

  const myNumber = () => {
    for (;;) {
      const digits = Array.from({ length: 11 }, () => rnd.int(0, 9));
      const value = digits.join('') + myNumberCheckDigit(digits);
      if (!myNumbers.has(value)) {
        myNumbers.add(value);
        return value;
      }
    }
  };

  let sealImage = (seed: number) => drawSealPng({ size: 96, shape: 'round', seed, ink: 40 });
  /**
   * A scaled world draws a small pool of smaller seals: drawing and storing one 25 KB image per
   * registration took ~1 min and ~600 MB for 50,000 residents, and no load check reads the seal.
   */
  const pooledSealImages = () => {
    const pool = new Map<number, string>();
    return (seed: number) => {
      const slot = seed % 32;
      if (!pool.has(slot)) pool.set(slot, drawSealPng({ size: 40, shape: 'round', seed: slot + 1, ink: 40 }));
      return pool.get(slot)!;
    };
  };

  const date = (fromYear: number, toYear: number) => {
    const y = rnd.int(fromYear, toYear);
    const m = rnd.int(1, 12);
    const d = rnd.int(1, 28);
    return `${y}-${pad(m)}-${pad(d)}`;
  };

  const address = (code: string) => {
    const muni = [...demoMunicipalities, ...scaledMunicipalities].find((m) => m.code === code)!;
    return `${muni.prefecture}${muni.name}${rnd.pick(demoTowns[code] ?? scaledTowns[code]!)}${rnd.int(1, 30)}番${rnd.int(1, 20)}号`;
  };

  interface PersonSpec {
    name: Resident['name'];
    sex: Resident['sex'];
    birthDate: string;
    relationship: string;
    registerRelationship: string;
    formerSurname?: string;
    foreign?: Resident['foreign'];
    status?: Resident['status'];
    recordState?: Resident['recordState'];
    becameResidentOn?: string;
    seal?: 'active' | 'cancelled' | 'none';
    spouseRole?: '夫' | '妻';
  }

  /** Create a household, its residents, their seals and tax records, and (for nationals) a family register. */
  const addHousehold = (
    code: string,
    people: PersonSpec[],
    options: { domicile?: 'here' | 'chiyoda' | 'elsewhere' | 'none'; address?: string; extraRegisterPersons?: number } = {},
  ): Resident[] => {
    const householdId = nextId(`H${code}`);
    const homeAddress = options.address ?? address(code);
    const headSpec = people[0]!;
    const domicileKind = options.domicile ?? (headSpec.foreign ? 'none' : 'here');
    const domicileMuni = domicileKind === 'chiyoda' ? '131016' : domicileKind === 'elsewhere' ? otherDomicile.municipalityCode : code;
    const domicileAddress =
      domicileKind === 'elsewhere'
        ? otherDomicile.address
        : domicileKind === 'chiyoda'
          ? `東京都千代田区一番町${rnd.int(1, 30)}番地`
          : homeAddress.replace(/(\d+)番(\d+)号$/, '$1番地');
    const headName = `${headSpec.name.family}　${headSpec.name.given}`;
    const created: Resident[] = [];
    for (const p of people) {
      const residentId = nextId(code);
      // Nobody becomes a resident before being born: a child born here is registered from birth.
      const fromYear = Math.max(Number(p.birthDate.slice(0, 4)), 1990);
      const became = p.becameResidentOn ?? laterOf(date(fromYear, Math.max(fromYear, 2024)), p.birthDate);
      const statusChangedOn = p.status && p.status !== 'active' ? '2026-10-20' : undefined;
      const resident: Resident = {
        residentId,
        municipalityCode: code,
        householdId,
        name: p.name,
        ...(p.formerSurname ? { formerSurname: p.formerSurname } : {}),
        birthDate: p.birthDate,
        sex: p.sex,
        relationship: p.relationship,
        becameResidentOn: became,
        addressSetOn: became,
        notifiedOn: earlierOf(addDays(became, rnd.int(0, 10)), referenceDate),
        ...(p.foreign || rnd.chance(0.6)
          ? {
              previousAddress: `${rnd.pick(previousAddressAreas)}${rnd.int(1, 20)}番${rnd.int(1, 15)}号`,
            }
          : {}),
        ...(domicileKind !== 'none' && !p.foreign
          ? { domicile: { municipalityCode: domicileMuni, address: domicileAddress, headName } }
          : {}),
        myNumber: myNumber(),
        ...(p.foreign ? { foreign: p.foreign } : {}),
        status: p.status ?? 'active',
        ...(statusChangedOn ? { statusChangedOn } : {}),
        recordState: p.recordState ?? 'approved',
      };
      residents.push(resident);
      created.push(resident);
      const adult = ageOnDate(p.birthDate, referenceDate) >= 15;
      const drawnSeal = p.seal ?? (adult && rnd.chance(0.55) ? (rnd.chance(0.1) ? 'cancelled' : 'active') : 'none');
      // Death or moving out erases the seal registration (職権抹消) on the day the record changes.
      const erased = p.status === 'deceased' || p.status === 'movedOut';
      const sealState = erased && drawnSeal === 'active' ? 'cancelled' : drawnSeal;
      if (sealState !== 'none') {
        // Registration needs the resident (became) and age 15, and happened before the data's day.
        const lastDay = erased && statusChangedOn ? statusChangedOn : referenceDate;
        const registeredOn = earlierOf(laterOf(addDays(became, rnd.int(1, 300)), addYears(p.birthDate, 15)), lastDay);
        const cancelledOn = erased && statusChangedOn ? statusChangedOn : laterOf('2026-09-30', registeredOn);
        seals.push({
          registrationId: nextId('SEAL'),
          residentId,
          registrationNumber: String(rnd.int(100000, 999999)),
          registeredOn,
          status: sealState,
          ...(sealState === 'cancelled' ? { cancelledOn } : {}),
          sealImagePng: sealImage(rnd.int(1, 2 ** 31)),
        });
      }
      if (ageOnDate(p.birthDate, referenceDate) >= 18 && !p.status?.match(/deceased|movedOut/)) {
        for (const taxYear of demoTaxYears) taxes.push(taxRecord(residentId, code, taxYear, became, p.foreign ? 0.8 : 1));
      }
    }
    households.push({ householdId, municipalityCode: code, address: homeAddress, householdHeadId: created[0]!.residentId });

    if (domicileKind === 'here' || domicileKind === 'chiyoda') {
      const registerId = nextId(`R${domicileMuni}`);
      const persons: FamilyRegisterPerson[] = people
        .map((p, i) => ({ p, r: created[i]! }))
        .filter(({ p }) => !p.foreign)
        .map(({ p, r }, i) => registerPerson(registerId, i, p, r.residentId, people, homeAddress));
      for (let k = 0; k < (options.extraRegisterPersons ?? 0); k++) {
        const sex = k % 2 === 0 ? 'female' : 'male';
        const given = rnd.pick(sex === 'male' ? maleGivenNames : femaleGivenNames);
        persons.push(
          registerPerson(
            registerId,
            persons.length,
            {
              name: { family: headSpec.name.family, given: given[0], familyKana: headSpec.name.familyKana, givenKana: given[1] },
              sex,
              birthDate: date(1975, 1990),
              relationship: '子',
              registerRelationship: sex === 'male' ? `${['二', '三', '四'][k % 3]}男` : `${['二', '三', '四'][k % 3]}女`,
            },
            undefined,
            people,
            homeAddress,
            true,
          ),
        );
      }
      registers.push({
        registerId,
        municipalityCode: domicileMuni,
        domicileAddress,
        headName: headSpec.name,
        registerEvents: [
          ['改製日', formatEraDate('2000-03-04')],
          ['改製事由', '平成6年法務省令第51号附則第2条第1項による改製'],
        ],
        persons,
        recordState: 'approved',
      });
      histories.push({
        registerId,
        municipalityCode: domicileMuni,
        entries: persons.flatMap((person) => {
          const r = created.find((c) => c.residentId === person.residentId);
          const previous = {
            personId: person.personId,
            address: r?.previousAddress ?? '東京都世田谷区桜新町一丁目1番1号',
            addressSetOn: person.birthDate,
          };
          return r ? [previous, { personId: person.personId, address: homeAddress, addressSetOn: r.addressSetOn }] : [previous];
        }),
      });
    }
    return created;
  };

  const registerPerson = (
    registerId: string,
    index: number,
    p: PersonSpec,
    residentId: string | undefined,
    people: PersonSpec[],
    homeAddress: string,
    removed = false,
  ): FamilyRegisterPerson => {
    const father = people.find((x) => x.spouseRole === '夫' || (x.relationship === '世帯主' && x.sex === 'male'));
    const mother = people.find((x) => x.spouseRole === '妻' || x.relationship === '妻');
    const isChild = p.relationship === '子';
    const birthPlace =
      homeAddress
        .match(/^(.+?[都道府県])(.+?[市区町村])/)
        ?.slice(1)
        .join('') ?? '東京都千代田区';
    const events: FamilyRegisterPerson['events'] = [
      {
        kind: 'birth',
        label: '出生',
        date: p.birthDate,
        details: [
          ['出生日', formatEraDate(p.birthDate)],
          ['出生地', birthPlace],
          ['届出日', formatEraDate(addDays(p.birthDate, 7))],
          ['届出人', isChild ? '父' : '母'],
        ],
      },
    ];
    if (p.spouseRole) {
      const spouse = people.find((x) => x.spouseRole && x !== p);
      // At 27, or (for a spouse still younger than that) a month before the data's day.
      const married = earlierOf(addDays(p.birthDate, 365 * 27), addDays(referenceDate, -30));
      events.push({
        kind: 'marriage',
        label: '婚姻',
        date: married,
        details: [
          ['婚姻日', formatEraDate(married)],
          ['配偶者氏名', spouse ? `${spouse.name.family}　${spouse.name.given}` : '（不明）'],
          ['従前戸籍', '東京都世田谷区桜新町一丁目1番地　' + (p.formerSurname ?? p.name.family) + '　太郎'],
        ],
      });
    }
    if (removed) {
      const married = addDays(p.birthDate, 365 * 26);
      events.push({
        kind: 'marriage',
        label: '婚姻',
        date: married,
        details: [
          ['婚姻日', formatEraDate(married)],
          ['配偶者氏名', '田中　一郎'],
          ['送付を受けた日', formatEraDate(addDays(married, 5))],
          ['新本籍', '東京都世田谷区桜新町二丁目5番地'],
        ],
      });
    }
    return {
      personId: `${registerId}-P${index + 1}`,
      ...(residentId ? { residentId } : {}),
      name: p.name,
      birthDate: p.birthDate,
      sex: p.sex,
      ...(isChild || removed
        ? {
            father: father ? `${father.name.family}　${father.name.given}` : undefined,
            mother: mother ? `${mother.name.family}　${mother.name.given}` : undefined,
          }
        : {}),
      relationship: p.registerRelationship,
      ...(p.spouseRole ? { spouseRole: p.spouseRole } : {}),
      removed,
      events,
    };
  };

  const taxRecord = (residentId: string, code: string, taxYear: number, became: string, scale: number): TaxRecord => {
    const salary = Math.round(((rnd.int(0, 9) === 0 ? rnd.int(0, 40) : rnd.int(150, 1200)) * 10000 * scale) / 1000) * 1000;
    const salaryIncome = Math.max(0, salary - Math.max(550000, Math.round(salary * 0.2)));
    const deductions = [
      { kind: '基礎控除', amount: 430000 },
      { kind: '社会保険料控除', amount: Math.round((salary * 0.14) / 100) * 100 },
    ];
    const taxable = Math.max(0, Math.floor((salaryIncome - deductions.reduce((s, d) => s + d.amount, 0)) / 1000) * 1000);
    const nonTaxable = salaryIncome <= 450000;
    const municipalTax = nonTaxable ? 0 : Math.floor((taxable * 0.06) / 100) * 100 + 3500;
    const prefecturalTax = nonTaxable ? 0 : Math.floor((taxable * 0.04) / 100) * 100 + 1500;
    const total = municipalTax + prefecturalTax;
    const quarter = Math.floor(total / 4 / 100) * 100;
    const periods = ['第1期', '第2期', '第3期', '第4期'];
    const dues = [`${taxYear}-06-30`, `${taxYear}-08-31`, `${taxYear}-10-31`, `${taxYear + 1}-01-31`];
    return {
      residentId,
      municipalityCode: code,
      taxYear,
      incomeYear: taxYear - 1,
      registeredOnJanuaryFirst: became <= `${taxYear}-01-01`,
      incomes: [{ kind: '給与', amount: salaryIncome }],
      totalIncome: salaryIncome,
      deductions,
      taxableIncome: taxable,
      municipalTax,
      prefecturalTax,
      nonTaxable,
      payments:
        total === 0
          ? []
          : periods.map((period, i) => {
              const assessed = i === 0 ? total - quarter * 3 : quarter;
              return {
                period,
                dueDate: dues[i]!,
                assessed,
                paid: dues[i]! <= referenceDate && !(i === 2 && rnd.chance(0.1)) ? assessed : 0,
              };
            }),
    };
  };

  const nm = (family: readonly [string, string], given: readonly [string, string]) => ({
    family: family[0],
    given: given[0],
    familyKana: family[1],
    givenKana: given[1],
  });
  const S = (f: string) => surnames.find((s) => s[0] === f)!;
  const G = (g: string) => [...maleGivenNames, ...femaleGivenNames].find((s) => s[0] === g)!;
  const foreign = (i: number, code: string): PersonSpec => {
    const f = foreignResidents[i]!;
    return {
      name: { family: f.family, given: f.given, familyKana: f.familyKana, givenKana: f.givenKana },
      sex: i % 2 === 0 ? 'male' : 'female',
      birthDate: date(1975, 2000),
      relationship: '世帯主',
      registerRelationship: '',
      foreign: {
        nationality: f.nationality,
        residenceCardNumber: `${'AB'}${String(10000000 + i * 1234567 + Number(code)).slice(-8)}${'CD'}`,
        residenceStatus: f.status,
        periodOfStay: f.period,
        periodExpiresOn: f.period === '無期限' ? '2099-12-31' : date(2027, 2029),
      },
      seal: 'active',
    };
  };

  // --- Story households: each demonstrates one case, in a fixed order so ids are stable. ---
  const yamada = addHousehold('141003', [
    {
      name: nm(S('山田'), G('太郎')),
      sex: 'male',
      birthDate: '1975-04-12',
      relationship: '世帯主',
      registerRelationship: '長男',
      spouseRole: '夫',
      seal: 'active',
    },
    {
      name: nm(S('山田'), G('花子')),
      sex: 'female',
      birthDate: '1978-09-03',
      relationship: '妻',
      registerRelationship: '長女',
      spouseRole: '妻',
      formerSurname: '佐藤',
      seal: 'cancelled',
    },
    {
      name: nm(S('山田'), G('翔太')),
      sex: 'male',
      birthDate: '2005-06-21',
      relationship: '子',
      registerRelationship: '長男',
      seal: 'none',
    },
    {
      name: nm(S('山田'), G('さくら')),
      sex: 'female',
      birthDate: '2013-02-14',
      relationship: '子',
      registerRelationship: '長女',
      seal: 'none',
    },
  ]);
  featured.ordinary = yamada[0]!.residentId;
  featured.formerSurname = yamada[1]!.residentId;
  featured.under15 = yamada[3]!.residentId;

  featured.foreignResident = addHousehold('141003', [foreign(0, '141003')])[0]!.residentId;
  featured.protectionMeasure = addHousehold('141003', [
    {
      name: nm(S('鈴木'), G('恵子')),
      sex: 'female',
      birthDate: '1982-11-30',
      relationship: '世帯主',
      registerRelationship: '長女',
      seal: 'active',
    },
  ])[0]!.residentId;
  const tanaka = addHousehold('141003', [
    {
      name: nm(S('田中'), G('誠')),
      sex: 'male',
      birthDate: '1968-01-15',
      relationship: '世帯主',
      registerRelationship: '長男',
      spouseRole: '夫',
      status: 'pendingMoveOut',
    },
    {
      name: nm(S('田中'), G('由美')),
      sex: 'female',
      birthDate: '1970-07-07',
      relationship: '妻',
      registerRelationship: '長女',
      spouseRole: '妻',
      seal: 'active',
    },
  ]);
  featured.pendingMoveOut = tanaka[0]!.residentId;
  featured.householdOfPendingMoveOut = tanaka[1]!.residentId;
  const takahashi = addHousehold('141003', [
    {
      name: nm(S('高橋'), G('茂')),
      sex: 'male',
      birthDate: '1940-03-03',
      relationship: '世帯主',
      registerRelationship: '長男',
      spouseRole: '夫',
      status: 'deceased',
      seal: 'active',
    },
    {
      name: nm(S('高橋'), G('和子')),
      sex: 'female',
      birthDate: '1944-05-05',
      relationship: '妻',
      registerRelationship: '二女',
      spouseRole: '妻',
      seal: 'active',
    },
  ]);
  featured.deceased = takahashi[0]!.residentId;
  featured.householdOfDeceased = takahashi[1]!.residentId;
  featured.movedOut = addHousehold('141003', [
    {
      name: nm(S('森'), G('博')),
      sex: 'male',
      birthDate: '1959-12-12',
      relationship: '世帯主',
      registerRelationship: '長男',
      status: 'movedOut',
    },
  ])[0]!.residentId;
  featured.provisional = addHousehold('141003', [
    {
      name: nm(S('伊藤'), G('蓮')),
      sex: 'male',
      birthDate: '1999-08-08',
      relationship: '世帯主',
      registerRelationship: '長男',
      recordState: 'provisional',
      becameResidentOn: '2026-10-30',
    },
  ])[0]!.residentId;
  featured.longNameAndAddress = addHousehold(
    '141003',
    [
      {
        name: {
          family: '勘解由小路',
          given: '左衛門三郎之助',
          familyKana: 'カデノコウジ',
          givenKana: 'サエモンサブロウノスケ',
        },
        sex: 'male',
        birthDate: '1950-10-10',
        relationship: '世帯主',
        registerRelationship: '長男',
        seal: 'active',
      },
    ],
    {
      address:
        '神奈川県横浜市西区みなとみらい二丁目3番1号　ザ・グランドレジデンス横浜みなとみらいオーシャンビュータワーイースト棟　4501号室',
    },
  )[0]!.residentId;
  featured.outsideJisName = addHousehold('141003', [
    {
      name: { family: hardSurnames[3]!.family, given: '健', familyKana: hardSurnames[3]!.familyKana, givenKana: 'ケン' },
      sex: 'male',
      birthDate: '1988-02-02',
      relationship: '世帯主',
      registerRelationship: '長男',
      seal: 'active',
    },
  ])[0]!.residentId;
  featured.domicileInOtherServedMunicipality = addHousehold(
    '141003',
    [
      {
        name: nm(S('石川'), G('隆')),
        sex: 'male',
        birthDate: '1972-12-01',
        relationship: '世帯主',
        registerRelationship: '長男',
        seal: 'active',
      },
    ],
    { domicile: 'chiyoda' },
  )[0]!.residentId;
  featured.domicileNotServed = addHousehold(
    '141003',
    [
      {
        name: nm(S('前田'), G('陽子')),
        sex: 'female',
        birthDate: '1985-04-04',
        relationship: '世帯主',
        registerRelationship: '長女',
      },
    ],
    { domicile: 'elsewhere' },
  )[0]!.residentId;
  featured.notRegisteredOnJanuaryFirst = addHousehold('141003', [
    {
      name: nm(S('岡田'), G('大輔')),
      sex: 'male',
      birthDate: '1990-09-09',
      relationship: '世帯主',
      registerRelationship: '長男',
      becameResidentOn: '2026-06-01',
    },
  ])[0]!.residentId;
  featured.multiPageFamilyRegister = addHousehold(
    '141003',
    [
      {
        name: nm(S('佐々木'), G('勇')),
        sex: 'male',
        birthDate: '1948-02-20',
        relationship: '世帯主',
        registerRelationship: '長男',
        spouseRole: '夫',
        seal: 'active',
      },
      {
        name: nm(S('佐々木'), G('幸子')),
        sex: 'female',
        birthDate: '1950-06-15',
        relationship: '妻',
        registerRelationship: '長女',
        spouseRole: '妻',
      },
      { name: nm(S('佐々木'), G('博')), sex: 'male', birthDate: '1976-01-01', relationship: '子', registerRelationship: '長男' },
      {
        name: nm(S('佐々木'), G('智子')),
        sex: 'female',
        birthDate: '1978-03-03',
        relationship: '子',
        registerRelationship: '長女',
      },
    ],
    { extraRegisterPersons: 5 },
  )[0]!.residentId;
  const blocked = addHousehold('141003', [
    {
      name: nm(S('後藤'), G('浩二')),
      sex: 'male',
      birthDate: '1966-06-06',
      relationship: '世帯主',
      registerRelationship: '長男',
      seal: 'active',
    },
  ]);
  featured.issuanceBlocked = blocked[0]!.residentId;
  featured.ivsName = addHousehold('131016', [
    {
      name: { family: hardSurnames[0]!.family, given: '誠', familyKana: hardSurnames[0]!.familyKana, givenKana: 'マコト' },
      sex: 'male',
      birthDate: '1970-05-05',
      relationship: '世帯主',
      registerRelationship: '長男',
      seal: 'active',
    },
  ])[0]!.residentId;
  featured.chiyodaResident = addHousehold('131016', [
    {
      name: nm(S('林'), G('美咲')),
      sex: 'female',
      birthDate: '1992-07-17',
      relationship: '世帯主',
      registerRelationship: '長女',
      seal: 'active',
    },
  ])[0]!.residentId;
  featured.okutamaResident = addHousehold('133086', [
    {
      name: { family: hardSurnames[2]!.family, given: '茂', familyKana: hardSurnames[2]!.familyKana, givenKana: 'シゲル' },
      sex: 'male',
      birthDate: '1955-01-20',
      relationship: '世帯主',
      registerRelationship: '長男',
      seal: 'active',
    },
  ])[0]!.residentId;
  addHousehold('131016', [
    {
      name: { family: hardSurnames[1]!.family, given: '一郎', familyKana: hardSurnames[1]!.familyKana, givenKana: 'イチロウ' },
      sex: 'male',
      birthDate: '1965-03-30',
      relationship: '世帯主',
      registerRelationship: '長男',
      seal: 'active',
    },
  ]);
  addHousehold('133086', [
    {
      name: { family: hardSurnames[4]!.family, given: '和子', familyKana: hardSurnames[4]!.familyKana, givenKana: 'カズコ' },
      sex: 'female',
      birthDate: '1948-08-18',
      relationship: '世帯主',
      registerRelationship: '長女',
      seal: 'active',
    },
  ]);
  for (let i = 1; i < foreignResidents.length; i++)
    addHousehold(i % 2 === 0 ? '131016' : '141003', [foreign(i, i % 2 === 0 ? '131016' : '141003')]);

  // --- Filler households, so lists, loads and page breaks are realistic. ---
  const plan: [string, number][] = [
    ['141003', 42],
    ['131016', 30],
    ['133086', 22],
  ];
  /** A household of a head, maybe a spouse and children; `edge` makes its head one of the edge cases. */
  const addFillerHousehold = (code: string, edge: Partial<PersonSpec> = {}): Resident[] => {
    const family = rnd.pick(surnames);
    const shape = rnd.next();
    const headMale = rnd.chance(0.7);
    const headBirth = date(1945, 2000);
    const head: PersonSpec = {
      name: nm(family, rnd.pick(headMale ? maleGivenNames : femaleGivenNames)),
      sex: headMale ? 'male' : 'female',
      birthDate: headBirth,
      relationship: '世帯主',
      registerRelationship: headMale ? '長男' : '長女',
    };
    const people: PersonSpec[] = [head];
    if (shape > 0.3) {
      head.spouseRole = headMale ? '夫' : '妻';
      const spouseMale = !headMale;
      people.push({
        name: nm(family, rnd.pick(spouseMale ? maleGivenNames : femaleGivenNames)),
        sex: spouseMale ? 'male' : 'female',
        birthDate: addDays(headBirth, rnd.int(-1500, 1500)),
        relationship: spouseMale ? '夫' : '妻',
        registerRelationship: spouseMale ? '二男' : '二女',
        spouseRole: spouseMale ? '夫' : '妻',
        ...(spouseMale ? {} : rnd.chance(0.15) ? { formerSurname: rnd.pick(surnames)[0] } : {}),
      });
    }
    if (shape > 0.55) {
      const children = rnd.int(1, 3);
      const base = Math.min(Number(headBirth.slice(0, 4)) + 25, 2024);
      for (let c = 0; c < children; c++) {
        const male = rnd.chance(0.5);
        people.push({
          name: nm(family, rnd.pick(male ? maleGivenNames : femaleGivenNames)),
          sex: male ? 'male' : 'female',
          birthDate: date(base, Math.min(base + 12, 2025)),
          relationship: '子',
          registerRelationship: `${['長', '二', '三'][c]}${male ? '男' : '女'}`,
        });
      }
    }
    Object.assign(head, edge);
    return addHousehold(code, people, { domicile: rnd.chance(0.85) ? 'here' : 'elsewhere' });
  };
  for (const [code, count] of plan) {
    for (let h = 0; h < count; h++) addFillerHousehold(code);
  }

  const nonTaxable = taxes.find(
    (t) =>
      t.nonTaxable &&
      t.taxYear === 2026 &&
      t.registeredOnJanuaryFirst &&
      residents.find((r) => r.residentId === t.residentId)?.status === 'active',
  );
  featured.nonTaxable = nonTaxable?.residentId ?? featured.ordinary!;

  // --- A scaled world (load runs): after the demo's own, so the demo's stays byte-identical. ---
  const extra = size ? scaledMunicipalities.slice(0, Math.max(0, size.municipalities - demoMunicipalities.length)) : [];
  const protectionMeasures = [{ measureId: 'PM-000001', residentId: featured.protectionMeasure!, from: '2025-04-01' }];
  const issuanceBlocks = [
    {
      blockId: 'BLK-000001',
      residentId: featured.issuanceBlocked!,
      certificateTypes: ['sealCertificate' as const],
      reason: '印鑑登録証の亡失届 (demo)',
      from: '2026-10-01',
    },
  ];
  if (size) sealImage = pooledSealImages();
  for (const [i, m] of extra.entries()) {
    // Each municipality's own edge cases, so a load run meets them everywhere, not only in 横浜市.
    addFillerHousehold(m.code, { status: 'movedOut' });
    addFillerHousehold(m.code, { status: 'deceased', seal: 'active' });
    addFillerHousehold(m.code, { status: 'pendingMoveOut' });
    addFillerHousehold(m.code, { recordState: 'provisional', becameResidentOn: '2026-10-30' });
    addFillerHousehold(m.code, { seal: 'none' });
    addFillerHousehold(m.code, { seal: 'cancelled' });
    const [protectedHead] = addFillerHousehold(m.code);
    protectionMeasures.push({
      measureId: `PM-${String(i + 2).padStart(6, '0')}`,
      residentId: protectedHead!.residentId,
      from: '2025-04-01',
    });
    const [blockedHead] = addFillerHousehold(m.code, { seal: 'active' });
    issuanceBlocks.push({ ...issuanceBlocks[0]!, blockId: `BLK-${String(i + 2).padStart(6, '0')}`, residentId: blockedHead!.residentId });
  }
  const codes = [...demoMunicipalities, ...extra].map((m) => m.code);
  for (let h = 0; size && residents.length < size.residents; h++) addFillerHousehold(codes[h % codes.length]!);

  const batch = MunicipalDataBatch.parse({
    municipalities: [...demoMunicipalities, ...extra],
    households,
    residents,
    sealRegistrations: seals,
    familyRegisters: registers,
    addressHistories: histories,
    taxRecords: taxes,
    protectionMeasures,
    issuanceBlocks,
    cardLinks: [],
  });
  return {
    referenceDate,
    batch,
    policies: [...demoPolicies(), ...extra.map((m, i) => scaledPolicy(m.code, i))].map((p) => MunicipalityPolicy.parse(p)),
    holidays: demoHolidays,
    featured: featured as Record<FeaturedCase, string>,
  };
}

/** マイナンバーの検査用数字 (総務省令): weights 2..7 then 2..6 from the right. */
export function myNumberCheckDigit(digits: number[]): number {
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = digits[11 - n]!;
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function addYears(iso: string, years: number): string {
  const date = `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`;
  // 29 February in a non-leap year: the day after 28 February.
  return date.endsWith('-02-29') && !isLeapYear(Number(date.slice(0, 4))) ? `${date.slice(0, 4)}-03-01` : date;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** ISO dates compare as strings. */
function laterOf(a: string, b: string): string {
  return a > b ? a : b;
}

function earlierOf(a: string, b: string): string {
  return a < b ? a : b;
}

function ageOnDate(birth: string, on: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  return oy - by - (om < bm || (om === bm && od < bd) ? 1 : 0);
}

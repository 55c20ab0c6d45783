/**
 * The CSV import format: one file per record kind, a header row naming the columns (any order),
 * one record per row. Nested parts of a record (a register's persons and their events, a tax
 * record's amounts and payments, a 附票's entries) have files of their own that point at their
 * parent by key. docs/import-format.md is the reference for municipalities; keep both in step.
 *
 * Cell conventions: empty = not recorded; dates YYYY-MM-DD; booleans true/false; lists (issuance
 * block types) separated by spaces.
 */
export type CellType = 'string' | 'int' | 'bool' | 'list' | 'emptyString';

export interface CsvColumn {
  name: string;
  /** Where the value goes in the record, e.g. ['name', 'family']. */
  path: readonly string[];
  type?: CellType;
  /** The header must contain this column. */
  required?: boolean;
}

export interface CsvFileSpec {
  file: string;
  description: string;
  columns: readonly CsvColumn[];
}

const c = (name: string, path: string | readonly string[], options: { type?: CellType; required?: boolean } = {}): CsvColumn => ({
  name,
  path: typeof path === 'string' ? [path] : path,
  ...options,
});
const req = { required: true } as const;

export const municipalitiesCsv: CsvFileSpec = {
  file: 'municipalities.csv',
  description: 'Municipalities served (団体), with the head printed under the 認証文.',
  columns: [
    c('code', 'code', req),
    c('prefecture', 'prefecture', req),
    c('name', 'name', req),
    c('kind', 'kind', req),
    c('population', 'population', { type: 'int', required: true }),
    c('headTitle', ['head', 'title'], req),
    c('headName', ['head', 'name'], req),
  ],
};

export const householdsCsv: CsvFileSpec = {
  file: 'households.csv',
  description: 'Households (世帯) and their address.',
  columns: [
    c('householdId', 'householdId', req),
    c('municipalityCode', 'municipalityCode', req),
    c('address', 'address', req),
    c('householdHeadId', 'householdHeadId', req),
  ],
};

export const residentsCsv: CsvFileSpec = {
  file: 'residents.csv',
  description: 'Residents (住民票の記載事項).',
  columns: [
    c('residentId', 'residentId', req),
    c('municipalityCode', 'municipalityCode', req),
    c('householdId', 'householdId', req),
    c('familyName', ['name', 'family'], req),
    c('givenName', ['name', 'given'], { type: 'emptyString', required: true }),
    c('familyNameKana', ['name', 'familyKana']),
    c('givenNameKana', ['name', 'givenKana']),
    c('formerSurname', 'formerSurname'),
    c('birthDate', 'birthDate', req),
    c('sex', 'sex', req),
    c('relationship', 'relationship', req),
    c('becameResidentOn', 'becameResidentOn', req),
    c('addressSetOn', 'addressSetOn', req),
    c('notifiedOn', 'notifiedOn', req),
    c('previousAddress', 'previousAddress'),
    c('domicileMunicipalityCode', ['domicile', 'municipalityCode']),
    c('domicileAddress', ['domicile', 'address']),
    c('domicileHeadName', ['domicile', 'headName']),
    c('myNumber', 'myNumber', req),
    c('nationality', ['foreign', 'nationality']),
    c('residenceCardNumber', ['foreign', 'residenceCardNumber']),
    c('residenceStatus', ['foreign', 'residenceStatus']),
    c('periodOfStay', ['foreign', 'periodOfStay']),
    c('periodExpiresOn', ['foreign', 'periodExpiresOn']),
    c('alias', ['foreign', 'alias']),
    c('status', 'status', req),
    c('statusChangedOn', 'statusChangedOn'),
    c('recordState', 'recordState', req),
  ],
};

export const sealRegistrationsCsv: CsvFileSpec = {
  file: 'seal_registrations.csv',
  description: 'Seal registrations (印鑑登録); a cancellation (廃止) is status=cancelled with cancelledOn.',
  columns: [
    c('registrationId', 'registrationId', req),
    c('residentId', 'residentId', req),
    c('registrationNumber', 'registrationNumber', req),
    c('registeredOn', 'registeredOn', req),
    c('status', 'status', req),
    c('cancelledOn', 'cancelledOn'),
    c('sealImagePng', 'sealImagePng', req),
  ],
};

export const familyRegistersCsv: CsvFileSpec = {
  file: 'family_registers.csv',
  description: 'Family registers (戸籍): 本籍 and 筆頭者. Persons, register items and events are in their own files.',
  columns: [
    c('registerId', 'registerId', req),
    c('municipalityCode', 'municipalityCode', req),
    c('domicileAddress', 'domicileAddress', req),
    c('headFamilyName', ['headName', 'family'], req),
    c('headGivenName', ['headName', 'given'], { type: 'emptyString', required: true }),
    c('headFamilyNameKana', ['headName', 'familyKana']),
    c('headGivenNameKana', ['headName', 'givenKana']),
    c('recordState', 'recordState', req),
  ],
};

export const familyRegisterItemsCsv: CsvFileSpec = {
  file: 'family_register_items.csv',
  description: '戸籍事項 of a register, in print order: 【label】value (e.g. 改製日).',
  columns: [c('registerId', 'registerId', req), c('label', '0', req), c('value', '1', { type: 'emptyString', required: true })],
};

export const familyRegisterPersonsCsv: CsvFileSpec = {
  file: 'family_register_persons.csv',
  description: 'Persons recorded in a register (戸籍に記録されている者), in register order.',
  columns: [
    c('registerId', 'registerId', req),
    c('personId', 'personId', req),
    c('residentId', 'residentId'),
    c('familyName', ['name', 'family'], req),
    c('givenName', ['name', 'given'], { type: 'emptyString', required: true }),
    c('familyNameKana', ['name', 'familyKana']),
    c('givenNameKana', ['name', 'givenKana']),
    c('birthDate', 'birthDate', req),
    c('sex', 'sex', req),
    c('father', 'father'),
    c('mother', 'mother'),
    c('relationship', 'relationship', req),
    c('spouseRole', 'spouseRole'),
    c('removed', 'removed', { type: 'bool' }),
  ],
};

export const familyRegisterEventsCsv: CsvFileSpec = {
  file: 'family_register_events.csv',
  description: '身分事項 of a person, in print order; eventNo links the details.',
  columns: [
    c('registerId', 'registerId', req),
    c('personId', 'personId', req),
    c('eventNo', 'eventNo', req),
    c('kind', 'kind', req),
    c('label', 'label', req),
    c('date', 'date', req),
  ],
};

export const familyRegisterEventDetailsCsv: CsvFileSpec = {
  file: 'family_register_event_details.csv',
  description: '【label】value lines of one event, in print order.',
  columns: [
    c('registerId', 'registerId', req),
    c('personId', 'personId', req),
    c('eventNo', 'eventNo', req),
    c('label', '0', req),
    c('value', '1', { type: 'emptyString', required: true }),
  ],
};

export const addressHistoryEntriesCsv: CsvFileSpec = {
  file: 'address_history_entries.csv',
  description: '戸籍の附票: one row per address of a person of the register, oldest first.',
  columns: [
    c('registerId', 'registerId', req),
    c('municipalityCode', 'municipalityCode', req),
    c('personId', 'personId', req),
    c('address', 'address', req),
    c('addressSetOn', 'addressSetOn', req),
  ],
};

export const taxRecordsCsv: CsvFileSpec = {
  file: 'tax_records.csv',
  description: 'Tax records per resident and tax year (年度); amounts in whole yen.',
  columns: [
    c('residentId', 'residentId', req),
    c('municipalityCode', 'municipalityCode', req),
    c('taxYear', 'taxYear', { type: 'int', required: true }),
    c('incomeYear', 'incomeYear', { type: 'int', required: true }),
    c('registeredOnJanuaryFirst', 'registeredOnJanuaryFirst', { type: 'bool', required: true }),
    c('totalIncome', 'totalIncome', { type: 'int', required: true }),
    c('taxableIncome', 'taxableIncome', { type: 'int', required: true }),
    c('municipalTax', 'municipalTax', { type: 'int', required: true }),
    c('prefecturalTax', 'prefecturalTax', { type: 'int', required: true }),
    c('nonTaxable', 'nonTaxable', { type: 'bool', required: true }),
  ],
};

export const taxAmountsCsv: CsvFileSpec = {
  file: 'tax_amounts.csv',
  description: 'Income amounts by kind (section=income) and deductions (section=deduction) of a tax record.',
  columns: [
    c('residentId', 'residentId', req),
    c('taxYear', 'taxYear', { type: 'int', required: true }),
    c('section', 'section', req),
    c('kind', 'kind', req),
    c('amount', 'amount', { type: 'int', required: true }),
  ],
};

export const taxPaymentsCsv: CsvFileSpec = {
  file: 'tax_payments.csv',
  description: 'Assessed and paid amounts per period (納税証明書).',
  columns: [
    c('residentId', 'residentId', req),
    c('taxYear', 'taxYear', { type: 'int', required: true }),
    c('period', 'period', req),
    c('dueDate', 'dueDate', req),
    c('assessed', 'assessed', { type: 'int', required: true }),
    c('paid', 'paid', { type: 'int', required: true }),
  ],
};

export const protectionMeasuresCsv: CsvFileSpec = {
  file: 'protection_measures.csv',
  description:
    '支援措置 (DV/stalking): blocks the resident’s and their household’s certificates at stores ' +
    'from `from` to `until` (inclusive; empty = open).',
  columns: [c('measureId', 'measureId', req), c('residentId', 'residentId', req), c('from', 'from', req), c('until', 'until')],
};

export const issuanceBlocksCsv: CsvFileSpec = {
  file: 'issuance_blocks.csv',
  description: '発行抑止 set by the municipality; certificateTypes empty = every type.',
  columns: [
    c('blockId', 'blockId', req),
    c('residentId', 'residentId', req),
    c('certificateTypes', 'certificateTypes', { type: 'list' }),
    c('reason', 'reason', req),
    c('from', 'from', req),
    c('until', 'until'),
  ],
};

export const cardLinksCsv: CsvFileSpec = {
  file: 'card_links.csv',
  description: 'Card authCertificate (issuer DN, serial in upper-case hex) → resident.',
  columns: [
    c('residentId', 'residentId', req),
    c('issuer', 'issuer', req),
    c('serialNumber', 'serialNumber', req),
    c('usableFrom', 'usableFrom', req),
  ],
};

export const csvFileSpecs: readonly CsvFileSpec[] = [
  municipalitiesCsv,
  householdsCsv,
  residentsCsv,
  sealRegistrationsCsv,
  familyRegistersCsv,
  familyRegisterItemsCsv,
  familyRegisterPersonsCsv,
  familyRegisterEventsCsv,
  familyRegisterEventDetailsCsv,
  addressHistoryEntriesCsv,
  taxRecordsCsv,
  taxAmountsCsv,
  taxPaymentsCsv,
  protectionMeasuresCsv,
  issuanceBlocksCsv,
  cardLinksCsv,
];

/** The file names the CSV import accepts. */
export const csvFiles: readonly string[] = csvFileSpecs.map((s) => s.file);

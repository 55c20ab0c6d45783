/**
 * CSV import: the files of csv-format.ts become one MunicipalDataBatch, imported exactly like JSON
 * (same validation, one transaction). Every record remembers the file and line it came from, so an
 * issue found anywhere — header, cell, schema, reference — is reported as `residents.csv:13:birthDate`.
 */
import { MadoguchiError } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { csvFileSpecs, type CsvColumn, type CsvFileSpec } from './csv-format.js';
import { CsvSyntaxError, parseCsv } from './csv-parse.js';
import { importBatch, type ImportOptions, type ImportReport } from './import-batch.js';
import { formatPath, type ImportIssue, type PathSegment } from './paths.js';

type Obj = Record<string, unknown>;

interface Row {
  spec: CsvFileSpec;
  line: number;
  values: Obj;
}

interface Origin {
  file: string;
  line: number;
  /** formatted path inside the record → column name */
  columns: Map<string, string>;
}

const columnKeys = new Map<CsvFileSpec, Map<string, string>>(
  csvFileSpecs.map((spec) => [
    spec,
    new Map(spec.columns.map((col) => [formatPath(col.path.map((s) => (/^\d+$/.test(s) ? Number(s) : s))), col.name])),
  ]),
);

function convert(column: CsvColumn, cell: string): unknown {
  switch (column.type) {
    case 'int':
      // Invalid numbers stay text, so the schema reports them against this column.
      return /^-?\d+$/.test(cell.trim()) ? Number(cell.trim()) : cell;
    case 'bool':
      return cell === 'true' || cell === '1' ? true : cell === 'false' || cell === '0' ? false : cell;
    case 'list':
      return cell.split(/\s+/).filter((s) => s.length > 0);
    default:
      return cell;
  }
}

function setPath(target: Obj, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Obj;
  }
  node[path.at(-1)!] = value;
}

function readFile(spec: CsvFileSpec, text: string, issues: ImportIssue[]): Row[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      issues.push({ path: `${spec.file}:${error.line}`, message: error.message });
      return [];
    }
    throw error;
  }
  const [header, ...body] = records;
  if (!header) return [];
  const names = header.cells.map((h) => h.trim());
  const columns = names.map((name) => spec.columns.find((col) => col.name === name));
  names.forEach((name, i) => {
    if (!columns[i]) issues.push({ path: `${spec.file}:1:${name}`, message: '不明な列です (unknown column)' });
    else if (names.indexOf(name) !== i) issues.push({ path: `${spec.file}:1:${name}`, message: '列が重複しています (duplicate column)' });
  });
  for (const col of spec.columns) {
    if (col.required && !names.includes(col.name))
      issues.push({ path: `${spec.file}:1:${col.name}`, message: '必須の列がありません (required column missing)' });
  }
  const rows: Row[] = [];
  for (const record of body) {
    if (record.cells.length !== names.length) {
      issues.push({
        path: `${spec.file}:${record.line}`,
        message: `列数が見出しと違います (${record.cells.length} cells, header has ${names.length})`,
      });
      continue;
    }
    const values: Obj = {};
    record.cells.forEach((cell, i) => {
      const column = columns[i];
      if (!column) return;
      if (cell === '' && column.type !== 'emptyString') return;
      setPath(values, column.path, convert(column, cell));
    });
    rows.push({ spec, line: record.line, values });
  }
  return rows;
}

/** What the parts of the assembly share: the rows read, where each record came from, the issues found. */
interface Assembly {
  rows(file: string): Row[];
  /** Records that `prefix` (a batch path) came from this row. */
  remember(prefix: string, row: Row): void;
  issue(row: Row, column: string, message: string): void;
}

/** A record placed in the batch, with its batch path (for the origins of its nested parts). */
interface Placed {
  obj: Obj;
  path: string;
}

function strip(values: Obj, ...keys: string[]): Obj {
  const copy = { ...values };
  for (const k of keys) delete copy[k];
  return copy;
}

/** Build the batch and the origin of every record and nested part in it. */
function assemble(rowsOf: (spec: CsvFileSpec) => Row[], issues: ImportIssue[]) {
  const origins = new Map<string, Origin>();
  const a: Assembly = {
    rows: (file) => rowsOf(csvFileSpecs.find((s) => s.file === file)!),
    remember: (prefix, row) => origins.set(prefix, { file: row.spec.file, line: row.line, columns: columnKeys.get(row.spec)! }),
    issue: (row, column, message) => issues.push({ path: `${row.spec.file}:${row.line}:${column}`, message }),
  };

  const batch: Record<string, Obj[]> = {};
  const simple = [
    ['municipalities', 'municipalities.csv'],
    ['households', 'households.csv'],
    ['residents', 'residents.csv'],
    ['sealRegistrations', 'seal_registrations.csv'],
    ['protectionMeasures', 'protection_measures.csv'],
    ['issuanceBlocks', 'issuance_blocks.csv'],
    ['cardLinks', 'card_links.csv'],
  ] as const;
  for (const [kind, file] of simple) {
    batch[kind] = a.rows(file).map((row, i) => {
      a.remember(`${kind}[${i}]`, row);
      return row.values;
    });
  }
  batch.familyRegisters = assembleFamilyRegisters(a);
  batch.addressHistories = assembleAddressHistories(a);
  batch.taxRecords = assembleTaxRecords(a);
  return { batch, translate: originTranslator(origins) };
}

/** 戸籍: registers, their items, persons, events and event details. */
function assembleFamilyRegisters(a: Assembly): Obj[] {
  const registers = new Map<string, Placed>();
  const familyRegisters = a.rows('family_registers.csv').map((row, i) => {
    const obj = { ...row.values, registerEvents: [] as unknown[], persons: [] as Obj[] };
    a.remember(`familyRegisters[${i}]`, row);
    registers.set(String(row.values.registerId), { obj, path: `familyRegisters[${i}]` });
    return obj;
  });
  const registerOf = (row: Row) => {
    const found = registers.get(String(row.values.registerId));
    if (!found) a.issue(row, 'registerId', 'family_registers.csv にない戸籍です (unknown registerId)');
    return found;
  };
  for (const row of a.rows('family_register_items.csv')) {
    const register = registerOf(row);
    if (!register) continue;
    const items = register.obj.registerEvents as unknown[];
    a.remember(`${register.path}.registerEvents[${items.length}]`, row);
    items.push([row.values['0'], row.values['1']]);
  }
  const persons = new Map<string, Placed>();
  for (const row of a.rows('family_register_persons.csv')) {
    const register = registerOf(row);
    if (!register) continue;
    const list = register.obj.persons as Obj[];
    const path = `${register.path}.persons[${list.length}]`;
    const obj = { ...strip(row.values, 'registerId'), events: [] as Obj[] };
    a.remember(path, row);
    list.push(obj);
    persons.set(`${String(row.values.registerId)}\u0000${String(row.values.personId)}`, { obj, path });
  }
  assembleRegisterEvents(a, persons);
  return familyRegisters;
}

/** A person's events (戸籍の身分事項) and each event's details, keyed by register, person and event number. */
function assembleRegisterEvents(a: Assembly, persons: Map<string, Placed>): void {
  const events = new Map<string, Placed>();
  for (const row of a.rows('family_register_events.csv')) {
    const person = persons.get(`${String(row.values.registerId)}\u0000${String(row.values.personId)}`);
    if (!person) {
      a.issue(row, 'personId', 'family_register_persons.csv にない人です (unknown personId)');
      continue;
    }
    const list = person.obj.events as Obj[];
    const path = `${person.path}.events[${list.length}]`;
    const obj = { ...strip(row.values, 'registerId', 'personId', 'eventNo'), details: [] as unknown[] };
    a.remember(path, row);
    list.push(obj);
    const key = `${String(row.values.registerId)}\u0000${String(row.values.personId)}\u0000${String(row.values.eventNo)}`;
    if (events.has(key)) a.issue(row, 'eventNo', '重複しています (duplicate eventNo)');
    events.set(key, { obj, path });
  }
  for (const row of a.rows('family_register_event_details.csv')) {
    const event = events.get(`${String(row.values.registerId)}\u0000${String(row.values.personId)}\u0000${String(row.values.eventNo)}`);
    if (!event) {
      a.issue(row, 'eventNo', 'family_register_events.csv にない事項です (unknown eventNo)');
      continue;
    }
    const details = event.obj.details as unknown[];
    a.remember(`${event.path}.details[${details.length}]`, row);
    details.push([row.values['0'], row.values['1']]);
  }
}

/** 附票: entries grouped by register; the history's own origin is its first row. */
function assembleAddressHistories(a: Assembly): Obj[] {
  const histories = new Map<string, Placed>();
  const addressHistories: Obj[] = [];
  for (const row of a.rows('address_history_entries.csv')) {
    const registerId = String(row.values.registerId);
    let history = histories.get(registerId);
    if (!history) {
      const path = `addressHistories[${addressHistories.length}]`;
      history = { obj: { registerId: row.values.registerId, municipalityCode: row.values.municipalityCode, entries: [] as Obj[] }, path };
      a.remember(path, row);
      histories.set(registerId, history);
      addressHistories.push(history.obj);
    }
    const entries = history.obj.entries as Obj[];
    a.remember(`${history.path}.entries[${entries.length}]`, row);
    entries.push(strip(row.values, 'registerId', 'municipalityCode'));
  }
  return addressHistories;
}

/** 税: records, their amounts and payments. */
function assembleTaxRecords(a: Assembly): Obj[] {
  const taxes = new Map<string, Placed>();
  const taxRecords = a.rows('tax_records.csv').map((row, i) => {
    const obj = { ...row.values, incomes: [] as Obj[], deductions: [] as Obj[], payments: [] as Obj[] };
    a.remember(`taxRecords[${i}]`, row);
    taxes.set(`${String(row.values.residentId)}\u0000${String(row.values.taxYear)}`, { obj, path: `taxRecords[${i}]` });
    return obj;
  });
  const taxOf = (row: Row) => {
    const found = taxes.get(`${String(row.values.residentId)}\u0000${String(row.values.taxYear)}`);
    if (!found) a.issue(row, 'taxYear', 'tax_records.csv にない税情報です (unknown residentId + taxYear)');
    return found;
  };
  for (const row of a.rows('tax_amounts.csv')) {
    const tax = taxOf(row);
    if (!tax) continue;
    const section = row.values.section === 'income' ? 'incomes' : row.values.section === 'deduction' ? 'deductions' : null;
    if (!section) {
      a.issue(row, 'section', 'income か deduction を指定してください (section must be income or deduction)');
      continue;
    }
    const list = tax.obj[section] as Obj[];
    a.remember(`${tax.path}.${section}[${list.length}]`, row);
    list.push(strip(row.values, 'residentId', 'taxYear', 'section'));
  }
  for (const row of a.rows('tax_payments.csv')) {
    const tax = taxOf(row);
    if (!tax) continue;
    const list = tax.obj.payments as Obj[];
    a.remember(`${tax.path}.payments[${list.length}]`, row);
    list.push(strip(row.values, 'residentId', 'taxYear'));
  }
  return taxRecords;
}

/** A batch path → the CSV file, line and column it came from (the longest remembered prefix wins). */
function originTranslator(origins: Map<string, Origin>): (segments: readonly PathSegment[]) => string {
  return (segments) => {
    for (let k = segments.length; k > 0; k--) {
      const origin = origins.get(formatPath(segments.slice(0, k)));
      if (!origin) continue;
      const rest = formatPath(segments.slice(k));
      if (rest === '') return `${origin.file}:${origin.line}`;
      const column = origin.columns.get(rest) ?? origin.columns.get(formatPath(segments.slice(k, k + 1))) ?? rest;
      return `${origin.file}:${origin.line}:${column}`;
    }
    return formatPath(segments);
  };
}

export async function importCsv(
  database: CenterDatabase,
  files: Record<string, string>,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const issues: ImportIssue[] = [];
  const known = new Set(csvFileSpecs.map((s) => s.file));
  for (const name of Object.keys(files)) {
    if (!known.has(name))
      issues.push({ path: name, message: `不明なファイルです (unknown file; expected one of ${[...known].join(', ')})` });
  }
  const rows = new Map<CsvFileSpec, Row[]>();
  for (const spec of csvFileSpecs) {
    const text = files[spec.file];
    rows.set(spec, text === undefined ? [] : readFile(spec, text, issues));
  }
  const { batch, translate } = assemble((spec) => rows.get(spec) ?? [], issues);
  if (issues.length > 0)
    throw new MadoguchiError('IMPORT_INVALID', `${issues.length} problem(s) in the CSV files; nothing was imported`, issues);
  return importBatch(database, batch, translate, options);
}

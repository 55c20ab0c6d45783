/**
 * fast-check arbitraries derived from a zod 4 schema: values that mostly pass the schema, so a fuzz
 * input gets past validation into the handler, before `nearValid` spoils them. zod-fast-check, the
 * library for this, supports zod 3 and fast-check 3 only; this walks the few zod 4 definitions the
 * shared contract uses (object, string with its formats and lengths, number bounds, enum, literal,
 * array, optional, default, nullable, union, record, pipe) and falls back to any JSON value.
 *
 * `fields` replaces the arbitrary of a property by name wherever it occurs (e.g. `sessionId` drawn
 * from the sessions a test has made), so a near-valid body can name a row that exists.
 */
import fc from 'fast-check';
import type { z } from 'zod';

export type FieldArbitraries = Record<string, fc.Arbitrary<unknown>>;

interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  items?: z.ZodType[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((c) => c._zod.def);

function stringArbitrary(def: Def): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const minLength = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const maxLength = checks.find((c) => c.check === 'max_length')?.maximum ?? 80;
  const format = checks.find((c) => c.check === 'string_format');
  const fit = (s: string) => s.slice(0, maxLength);
  if (format?.format === 'uuid') return fc.uuid({ version: 4 });
  if (format?.format === 'datetime')
    return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('2099-12-31') }).map((d) => d.toISOString());
  if (format?.format === 'date')
    return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('2099-12-31') }).map((d) => d.toISOString().slice(0, 10));
  if (format?.pattern) {
    try {
      return fc.stringMatching(format.pattern).map(fit);
    } catch {
      // A pattern fast-check cannot generate from (a Unicode property class): any text of the length.
    }
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, Math.max(minLength, 80)) });
}

function numberArbitrary(def: Def): fc.Arbitrary<number> {
  const checks = checksOf(def);
  const low = checks.find((c) => c.check === 'greater_than');
  const high = checks.find((c) => c.check === 'less_than');
  const integer = checks.some((c) => c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32'));
  const min = low?.value === undefined ? -1_000_000 : low.value + (low.inclusive || !integer ? 0 : 1);
  const max = high?.value === undefined ? 1_000_000 : high.value - (high.inclusive || !integer ? 0 : 1);
  return integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
}

/** Values shaped like `schema` (most pass it; refinements and cross-field rules are not followed). */
export function arbitraryOf(schema: z.ZodType, fields: FieldArbitraries = {}): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      // Optional properties come out as undefined, which JSON leaves out.
      return fc.record(
        Object.fromEntries(Object.entries(def.shape ?? {}).map(([key, value]) => [key, fields[key] ?? arbitraryOf(value, fields)])),
      );
    }
    case 'string':
      return stringArbitrary(def);
    case 'number':
      return numberArbitrary(def);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'literal':
      return fc.constantFrom(...(def.values ?? [null]));
    case 'array': {
      const max = checksOf(def).find((c) => c.check === 'max_length')?.maximum ?? 4;
      const min = checksOf(def).find((c) => c.check === 'min_length')?.minimum ?? 0;
      return fc.array(arbitraryOf(def.element!, fields), { minLength: min, maxLength: Math.max(min, Math.min(max, 4)) });
    }
    case 'optional':
      return fc.option(arbitraryOf(def.innerType!, fields), { nil: undefined });
    case 'default':
    case 'prefault':
      return fc.option(arbitraryOf(def.innerType!, fields), { nil: undefined });
    case 'nullable':
      return fc.option(arbitraryOf(def.innerType!, fields), { nil: null });
    case 'readonly':
    case 'catch':
      return arbitraryOf(def.innerType!, fields);
    case 'union':
      return fc.oneof(...def.options!.map((o) => arbitraryOf(o, fields)));
    case 'record':
      return fc.dictionary(arbitraryOf(def.keyType!, fields) as fc.Arbitrary<string>, arbitraryOf(def.valueType!, fields), { maxKeys: 3 });
    case 'tuple':
      return fc.tuple(...def.items!.map((i) => arbitraryOf(i, fields)));
    case 'pipe':
      return arbitraryOf(def.in!, fields);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

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
      return fc.stringMatching(spelledOutNegatedClasses(format.pattern)).map(fit);
    } catch {
      // A pattern fast-check cannot generate from (a Unicode property class): any text of the length.
    }
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, Math.max(minLength, 80)) });
}

/** Printable ASCII, U+0020–U+007E: the only characters fast-check draws a negated class's from (its `grapheme-ascii` unit). */
const PRINTABLE_ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

/**
 * `pattern` with each negated class that holds a Unicode property escape (IssueNumber's `[^\s\p{C}]`)
 * written out as the printable ASCII characters it lets through: the same strings fast-check makes
 * from it. fast-check draws such a class's characters from printable ASCII and filters them, but
 * through a reverse map of every code point of the property, built per arbitrary and kept as long as
 * it: for \p{C} (about 970,000 code points) 52 MB and 5 s of CPU on an idle core. The console fuzz held
 * three (IssueNumber in three routes' schemas): 157 MB of the ~280 MB its client's heap held in a run,
 * and its GC pauses made cheap answers look slow (docs/fuzzing.md#bugs-found-and-fixed). Other patterns are returned
 * as they are; so is one with the `v` flag (classes nest there).
 */
export function spelledOutNegatedClasses(pattern: RegExp): RegExp {
  const { source } = pattern;
  if (pattern.flags.includes('v') || !/\\[pP]\{/.test(source)) return pattern;
  const flags = pattern.flags.replace(/[gy]/g, '');
  let spelled = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\') {
      spelled += source.slice(i, i + 2);
      i++;
      continue;
    }
    if (source[i] !== '[') {
      spelled += source[i];
      continue;
    }
    let end = i + 1;
    while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
    const body = source.slice(i + 1, end);
    const inClass = new RegExp(`^[${body}]$`, flags);
    const kept = body.startsWith('^') && /\\[pP]\{/.test(body) ? PRINTABLE_ASCII.filter((c) => inClass.test(c)) : [];
    spelled +=
      kept.length > 0 ? `[${kept.map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}]` : source.slice(i, end + 1);
    i = end;
  }
  return new RegExp(spelled, pattern.flags);
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

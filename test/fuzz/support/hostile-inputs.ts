/**
 * Inputs that break things, shared by the fuzz targets: hostile strings and values, raw JSON no
 * JSON.stringify writes, and `nearValid`, which spoils a schema-shaped value at a few places
 * fast-check chooses (a value replaced, a key dropped or added), so most inputs are one or two
 * mistakes away from a valid call and reach past the first check.
 */
import fc from 'fast-check';

/** Shift_JIS bytes read as Latin-1 or as UTF-8: what a municipality's legacy export looks like to a UTF-8 parser. */
const sjisBytes = [
  [0x8e, 0x52, 0x93, 0x63, 0x91, 0xbe, 0x98, 0x59], // 山田太郎
  [0x93, 0x8c, 0x8b, 0x9e, 0x93, 0x73], // 東京都
  [0x81, 0x5c, 0x83, 0x5c, 0x95, 0x5c], // ―ソ表: second bytes that are a backslash in ASCII
].map((bytes) => Buffer.from(bytes));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "=cmd|' /C calc'!A0",
    '+1+1',
    '-2+3',
    '@SUM(A1:A9)',
    '\t=1',
    '=HYPERLINK("http://x")',
    '""',
    ',',
    '{{7*7}}',
    '髙橋',
    'ｱｲｳ',
    '2001-02-30',
    '9999-12-31',
    '令和99年13月',
    '\uFEFF',
    '\u0000',
    '\r\n',
    '"',
    '\\',
    '../../etc/passwd',
    '%00',
    '%2e%2e%2f',
    '${7*7}',
    '<script>',
    '𠮷野家',
    '　',
    '\uD800',
    '0000-00-00',
    '2026-02-30',
    '9999-12-31T23:59:59Z',
    '2026-11-24T12:00:00+25:00',
    '-1',
    '1e309',
    'NaN',
    'true',
    'null',
    '__proto__',
    'constructor',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '131016',
    '999999',
  ),
  fc.constantFrom(...sjisBytes).chain((b) => fc.constantFrom(b.toString('latin1'), b.toString('utf8'))),
  fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'あ'.repeat(n)),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 53 + 1, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e21, true, false, null),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constant([]),
  fc.constant({}),
  fc.uuid(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.jsonValue({ depthSize: 'small' }),
);

/** Raw JSON text with a value no JSON.stringify produces: huge numbers, duplicate and prototype keys. */
export const rawJsonValue = fc.constantFrom(
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '0.0000000000000000000000000001e-400',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  '"\\ud800"',
  '"\\u0000"',
);

/** Replaces the value at a place inside `value` that `choices` picks (or adds a key there). */
export function mutateAt(value: unknown, choices: number[], replacement: unknown, asKey: string | null): unknown {
  if (choices.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [choice, ...rest] = choices;
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const i = choice! % value.length;
    return value.map((v, j) => (j === i ? mutateAt(v, rest, replacement, asKey) : v));
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  if (asKey !== null && rest.length === 0) return { ...record, [asKey]: replacement };
  if (keys.length === 0) return replacement;
  const key = keys[choice! % keys.length]!;
  return { ...record, [key]: mutateAt(record[key], rest, replacement, asKey) };
}

/** Drops the property at a place `choices` picks (a required field missing). */
function dropAt(value: unknown, choices: number[]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || choices.length === 0) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  if (keys.length === 0) return value;
  const [choice, ...rest] = choices;
  const key = keys[choice! % keys.length]!;
  if (rest.length === 0) return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
  return { ...record, [key]: dropAt(record[key], rest) };
}

const mutation = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      value: hostileValue,
      asKey: fc.option(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', ''), { freq: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), path: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }) },
);

/** `valid` with 0–3 spoilt places: sometimes still valid (a call that should work), mostly one or two mistakes away. */
export function nearValid(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.array(mutation, { maxLength: 3 }))
    .map(([value, mutations]) =>
      mutations.reduce<unknown>((v, m) => (m.kind === 'drop' ? dropAt(v, m.path) : mutateAt(v, m.path, m.value, m.asKey)), value),
    );
}

/** A JSON request body: near-valid for `valid`, any JSON, raw oddities, truncated or broken text. */
export function jsonBody(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const near = nearValid(valid).map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 8, arbitrary: near },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: rawJsonValue.map((raw) => `{"idempotencyKey":${raw},"x":${raw}}`) },
    { weight: 1, arbitrary: fc.tuple(near, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))) },
    {
      weight: 1,
      arbitrary: fc
        .record({ depth: fc.integer({ min: 100, max: 20_000 }), open: fc.constantFrom('[', '{"a":') })
        .map(({ depth, open }) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '[]', '0', '"x"', '{}', '\uFEFF{}', '{', '{"a":}', 'undefined') },
  );
}

/**
 * Percent-encodes every byte of `text` as UTF-8 but the unreserved characters. Unlike
 * encodeURIComponent it takes a lone surrogate (it becomes U+FFFD's bytes), which hostile strings
 * hold on purpose.
 */
export function encodeSegment(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** A path segment: an id of a row that exists (from `known`), a random uuid, or something hostile. */
export function pathSegment(known: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: known },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString.map((s) => encodeSegment(s.slice(0, 300))) },
    { weight: 1, arbitrary: fc.constantFrom('..', '%2e%2e', '%00', '%ff', '%', '%E0%A4%A', 'a%2Fb', '', '%20') },
  );
}

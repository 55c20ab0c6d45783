/**
 * Whether a JSON Schema (as zod's toJSONSchema or the center's OpenAPI document writes it) leaves
 * any value unbounded. Kiosk requests must not (issue 9, item 7): some of their fields end in the
 * permanent, hash-chained history, so every string needs a maximum length (or an enum, or a
 * fixed-length format), every array a maximum, every number must be a bounded integer, and no
 * field may be of any type. Used by the tests of the shared request schemas and of the center's
 * routes; a pure function, no zod needed.
 */
export type JsonSchema = Record<string, unknown>;

/** Fixed-length formats: their pattern admits one length only. */
const FIXED_LENGTH_FORMATS = new Set(['uuid']);

/** Where a schema leaves a value unbounded, as `path: why`. */
export function unboundedFields(schema: JsonSchema, path = '$'): string[] {
  const found: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (typeof node !== 'object' || node === null) return void found.push(`${at}: not a schema`);
    const s = node as JsonSchema;
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((branch, i) => walk(branch, `${at}.${key}[${i}]`));
    }
    if (s.anyOf || s.oneOf || s.allOf) return;
    if ('$ref' in s) return void found.push(`${at}: a reference the walk does not follow`);
    if (Array.isArray(s.enum) || 'const' in s) return;
    switch (s.type) {
      case 'string':
        if (typeof s.maxLength !== 'number' && !(typeof s.format === 'string' && FIXED_LENGTH_FORMATS.has(s.format)))
          found.push(`${at}: a string without a maximum length`);
        return;
      case 'integer':
        if (typeof s.minimum !== 'number' || typeof s.maximum !== 'number') found.push(`${at}: an integer without both bounds`);
        return;
      case 'number':
        return void found.push(`${at}: a number that is not an integer`);
      case 'boolean':
      case 'null':
        return;
      case 'array':
        if (typeof s.maxItems !== 'number') found.push(`${at}: an array without a maximum`);
        if (s.items === undefined) found.push(`${at}: an array of anything`);
        else walk(s.items, `${at}[]`);
        return;
      case 'object': {
        // A record (free keys) is unbounded in size whatever its values are.
        const freeKeys =
          (s.additionalProperties !== undefined && s.additionalProperties !== false) || 'patternProperties' in s || 'propertyNames' in s;
        if (freeKeys) found.push(`${at}: an object with free keys`);
        for (const [name, child] of Object.entries((s.properties as Record<string, unknown> | undefined) ?? {}))
          walk(child, `${at}.${name}`);
        return;
      }
      default:
        found.push(`${at}: a value of any type`);
    }
  };
  walk(schema, path);
  return found;
}

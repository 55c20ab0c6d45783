/**
 * The OpenAPI document is generated from the shared zod schemas by fastify-type-provider-zod.
 * One fix-up: the shared YenSchema is a one-way transform (number → branded Yen), which JSON Schema
 * cannot express on the output side and would print as `{}`; the wire format is its input side
 * (a non-negative integer), so that is what the document shows. Admin routes are left out.
 */
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { $ZodTypes } from 'zod/v4/core';

const zodTransform = createJsonSchemaTransform({
  zodToJsonConfig: {
    override: (ctx: { zodSchema: $ZodTypes; jsonSchema: object }) => {
      const schema = ctx.zodSchema;
      if (schema._zod.def.type === 'pipe' && Object.keys(ctx.jsonSchema).length === 0) {
        const { $schema: _ignored, ...input } = z.toJSONSchema(schema._zod.def.in, { io: 'input' }) as Record<string, unknown>;
        Object.assign(ctx.jsonSchema, input);
      }
    },
  },
});

/** The document describes the kiosk API; the admin (import) routes are not part of that contract. */
export const openApiTransform: typeof zodTransform = (document) =>
  document.url.startsWith('/admin') ? { schema: { hide: true }, url: document.url } : zodTransform(document);

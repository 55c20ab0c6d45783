/**
 * Zod on the wire: requests are validated (and defaulted) by the shared schemas through
 * fastify-type-provider-zod. Responses are checked against their shared schema too, but written
 * as the handler built them: the library's serializer encodes with `z.encode`, which refuses the
 * shared one-way transforms (YenSchema brands numbers), so this serializer parses for validation
 * and sends the original value.
 */
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';
import { MadoguchiError } from '@madoguchi/shared';

export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema, url, method }) => {
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (!result.success) {
      throw new MadoguchiError(
        'INTERNAL',
        `response of ${method} ${url} does not match its schema: ${result.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    }
    return JSON.stringify(data);
  };
};

/**
 * Zod on the wire: requests are validated (and defaulted) by the shared schemas through
 * fastify-type-provider-zod. Responses are checked against their shared schema too, but written
 * as the handler built them: the library's serializer encodes with `z.encode`, which refuses the
 * shared one-way transforms (YenSchema brands numbers), so this serializer parses for validation
 * and sends the original value.
 */
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';
import { DeliveryResponse, MadoguchiError } from '@madoguchi/shared';

function mismatch(what: string, error: z.ZodError): MadoguchiError {
  return new MadoguchiError('INTERNAL', `${what} does not match its schema: ${error.issues.map((i) => i.path.join('.')).join(', ')}`);
}

export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema, url, method }) => {
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (!result.success) throw mismatch(`response of ${method} ${url}`, result.error);
    return JSON.stringify(data);
  };
};

/** A response body already checked and written as JSON: Fastify sends a Buffer as it is, past the serializer. */
export type JsonBytes = Buffer & { readonly checkedJson: true };

const PDF_FIELD = '"pdf":';

/**
 * A delivery's answer (pay, and its replay) as the bytes `JSON.stringify(delivery)` would give, built
 * once. Every field is checked against DeliveryResponse as the serializer checks any answer, but
 * each copy's `pdf` — ~100 KB of base64 that the center made itself, from the rendered bytes with
 * Buffer#toString('base64') (or read back as it stored it) — is checked to be a string with no quote
 * or backslash (so it cannot end or escape its JSON string), not run through the schema's anchored
 * base64 pattern again: that scan cost the serving thread ~0.5-1.8 ms per copy. The kiosk still
 * validates the whole answer, pattern included (apps/kiosk center-client.ts), and checks the bytes
 * against the signed binding's digest before it prints. Built as one Buffer, the answer is not
 * stringified with its PDFs, measured by Buffer.byteLength and encoded again.
 */
export function deliveryJson(delivery: DeliveryResponse): JsonBytes {
  const pdfs = delivery.documents.map((d) => d.pdf);
  // Written between quotes as it is: nothing in it may end or escape its JSON string (~10 µs, memchr).
  if (pdfs.some((pdf) => typeof pdf !== 'string' || pdf.includes('"') || pdf.includes('\\'))) {
    throw new MadoguchiError('INTERNAL', 'delivery answer: a copy whose PDF is not a plain string');
  }
  const skeleton = { ...delivery, documents: delivery.documents.map((d) => ({ ...d, pdf: '' })) };
  const result = DeliveryResponse.safeParse(skeleton);
  if (!result.success) throw mismatch('delivery answer', result.error);
  // `"pdf":""` can only be a key and its value in JSON text (inside a string every quote is escaped):
  // each is one copy's empty pdf, in the copies' order; any other count is refused.
  const parts = JSON.stringify(skeleton).split(`${PDF_FIELD}""`);
  if (parts.length !== pdfs.length + 1) throw new MadoguchiError('INTERNAL', 'delivery answer: a pdf field where none belongs');
  const lengths = parts.map((p) => Buffer.byteLength(p));
  const pdfLengths = pdfs.map((pdf) => Buffer.byteLength(pdf));
  const total = lengths.reduce((a, b) => a + b, 0) + pdfLengths.reduce((a, b) => a + b + PDF_FIELD.length + 2, 0);
  const bytes = Buffer.allocUnsafe(total);
  let at = bytes.write(parts[0]!, 0);
  pdfs.forEach((pdf, i) => {
    at += bytes.write(`${PDF_FIELD}"`, at);
    at += bytes.write(pdf, at);
    at += bytes.write('"', at);
    at += bytes.write(parts[i + 1]!, at);
  });
  if (at !== total) throw new MadoguchiError('INTERNAL', 'delivery answer: written length differs');
  return bytes as JsonBytes;
}

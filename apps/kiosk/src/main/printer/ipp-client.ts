/**
 * One IPP request to a printer (a CUPS queue): the `ipp` package encodes the request and decodes
 * the answer; Node's fetch carries it with a deadline.
 *
 * Why the `ipp` package rather than CUPS' lp/lpstat/cancel: the kiosk needs the printer's own
 * words — job-state as an enum, printer-state-reasons as keywords (media-jam-error,
 * toner-low-warning) — which lpstat prints only as localised prose, and it asks for them every
 * few hundred milliseconds while a job runs, which a process per question would make heavy.
 * `ipp` is small, pure JavaScript with no dependencies, and carries IANA's attribute and enum
 * tables. It is old, so only its encoder and decoder are used: its own HTTP request has no
 * deadline and logs to the console, and its decoder throws on a malformed answer from inside a
 * stream handler (a crash) — here the whole answer is read first and decoded under try/catch.
 */
import ipp from 'ipp';

export class IppError extends Error {
  constructor(
    message: string,
    /** The IPP status keyword when the printer answered (`client-error-not-possible`, …). */
    readonly statusCode?: string,
  ) {
    super(message);
    this.name = 'IppError';
  }
}

export type IppAttributes = Record<string, unknown>;

export interface IppRequest {
  operation: string;
  operationAttributes?: IppAttributes;
  jobAttributes?: IppAttributes;
  /** The document of a Print-Job. */
  data?: Uint8Array;
}

/** The decoded answer: attribute groups by tag name (a group that occurs more than once is a list). */
export type IppResponse = Record<string, unknown> & { statusCode?: string };

type Registry = Record<string, Record<string, unknown>>;
const registry = ipp.attributes as unknown as Registry;
// CUPS' Cancel-Job takes `purge-job` (a boolean: remove the job's document files too), which the
// package's IANA table predates; without it the encoder refuses the attribute.
registry.Operation!['purge-job'] ??= registry.Operation!['ipp-attribute-fidelity'];
// An attribute the decoder has no rule for (an out-of-band value such as no-value or unknown) is
// kept as raw text; the package's default prints a line to the console for each.
(ipp.parse as unknown as { handleUnknownTag: unknown }).handleUnknownTag = (
  _tag: number,
  _name: string,
  length: number,
  read: (length: number) => string,
) => (length ? read(length) : undefined);

/** The printer's URI (ipp://host[:port]/printers/queue) and the HTTP URL that carries its requests. */
export function ippEndpoint(printerUri: string): { printerUri: string; httpUrl: string } {
  const url = new URL(printerUri);
  if (url.protocol !== 'ipp:' && url.protocol !== 'ipps:') throw new IppError(`not an IPP printer URI: ${printerUri}`);
  const http = new URL(url.href.replace(/^ipps?:/, url.protocol === 'ipps:' ? 'https:' : 'http:'));
  if (!url.port) http.port = '631';
  return { printerUri: url.href, httpUrl: http.href };
}

export async function ippCall(printerUri: string, request: IppRequest, timeoutMs: number): Promise<IppResponse> {
  const endpoint = ippEndpoint(printerUri);
  const body = encode(endpoint.printerUri, request);
  let answer: Buffer;
  try {
    const response = await fetch(endpoint.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/ipp' },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    answer = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new IppError(`${request.operation}: HTTP ${response.status}`);
  } catch (error) {
    if (error instanceof IppError) throw error;
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'no answer';
    throw new IppError(`${request.operation}: ${reason} (${error instanceof Error ? error.message : String(error)})`);
  }
  const decoded = decode(request.operation, answer);
  const status = decoded.statusCode;
  if (typeof status !== 'string' || !status.startsWith('successful'))
    throw new IppError(`${request.operation}: ${typeof status === 'string' ? status : 'no IPP status'}`, status);
  return decoded;
}

function encode(printerUri: string, request: IppRequest): Buffer {
  const message = {
    version: '2.0',
    operation: request.operation,
    'operation-attributes-tag': {
      // The encoder sorts charset and language first, as IPP requires; printer-uri comes next.
      'attributes-charset': 'utf-8',
      'attributes-natural-language': 'en',
      'printer-uri': printerUri,
      ...request.operationAttributes,
    },
    ...(request.jobAttributes ? { 'job-attributes-tag': request.jobAttributes } : {}),
    ...(request.data ? { data: Buffer.from(request.data.buffer, request.data.byteOffset, request.data.byteLength) } : {}),
  };
  try {
    return ipp.serialize(message);
  } catch (error) {
    // The package throws bare strings ("Unknown attribute: …").
    throw new IppError(`${request.operation}: cannot encode the request (${error instanceof Error ? error.message : String(error)})`);
  }
}

function decode(operation: string, answer: Buffer): IppResponse {
  if (answer.length < 8) throw new IppError(`${operation}: not an IPP answer (${answer.length} bytes)`);
  try {
    return ipp.parse(answer) as unknown as IppResponse;
  } catch (error) {
    throw new IppError(`${operation}: not an IPP answer (${error instanceof Error ? error.message : String(error)})`);
  }
}

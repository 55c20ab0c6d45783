/**
 * One fuzz request over HTTPS on a keep-alive agent, the body sent as given (broken JSON included).
 *
 * A request that meets ECONNRESET on a socket the agent reused is sent once more on a new one: the
 * server closed that idle socket as the client picked it up (Node's documented race, "reusedSocket"
 * in the http docs), which a loaded machine's late timers make likely; it says nothing about the
 * input. A reset on a fresh socket is never retried, so a server that drops a connection over an
 * input still fails the run.
 */
import { request as httpsRequest, type Agent } from 'node:https';

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | string | undefined;
}

export interface FuzzAnswer {
  status: number;
  text: string;
  /** This client's wall time, from sending to the answer's last byte read. */
  ms: number;
  /**
   * The center's own time, from its `Server-Timing: app;dur=` header (apps/center/src/app.ts,
   * reportOwnTime); undefined when the answer has none (a head the parser refused: 431).
   */
  centerMs?: number;
}

/** `app;dur=12.5` in a Server-Timing header, in ms. */
export function centerTimeOf(header: string | string[] | undefined): number | undefined {
  const match = /(?:^|,)\s*app;dur=([\d.]+)/.exec([header ?? []].flat().join(','));
  return match ? Number(match[1]) : undefined;
}

function sendOnce(agent: Agent, input: FuzzRequest): Promise<FuzzAnswer & { reused: boolean; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const body = typeof input.body === 'string' ? Buffer.from(input.body) : input.body;
    const headers = { ...input.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
    const req = httpsRequest(input.url, { method: input.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
          centerMs: centerTimeOf(res.headers['server-timing']),
          reused: req.reusedSocket,
        }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: 0, text: '', ms: performance.now() - started, reused: req.reusedSocket, error }),
    );
    req.end(body);
  });
}

export async function fuzzRequest(agent: Agent, input: FuzzRequest): Promise<FuzzAnswer> {
  let answer = await sendOnce(agent, input);
  if (answer.error?.code === 'ECONNRESET' && answer.reused) answer = await sendOnce(agent, input);
  if (answer.error) throw answer.error;
  return answer;
}

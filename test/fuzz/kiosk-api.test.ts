/**
 * Fuzzing every kiosk API route (issue 14 item 4), taken from the route table
 * (packages/shared/src/api/kiosk-routes.ts) so a new route is fuzzed without a change here. Every
 * input goes over real mutual TLS as an enrolled kiosk (the kiosk guard reads the TLS socket's
 * certificate, which Fastify's inject has not got), on one keep-alive connection.
 *
 * Inputs per route: bodies derived from the route's zod schema (support/zod-arbitrary.ts) and then
 * spoilt at a few places, naming rows that exist (this kiosk's session, a quoted and a delivered
 * issuance, a challenge, another kiosk's issuance) as often as random ones; any JSON; raw JSON no
 * serializer writes; truncated and deeply nested text; hostile path parameters; wrong and missing
 * content types, a gzip claim on plain text, the other method.
 *
 * Every answer: not a 5xx, within 1 s; a refusal is a catalog error body, a success matches the
 * route's response schema. A refused input commits no write (support/committed-writes.ts, one read
 * per input), and a batch of inputs refused for their idempotency key leaves every table's digest
 * as it was. The center then still authenticates, quotes and pays for a resident. SQLite only: the
 * parsing and validation run before the database, the same on both, and PostgreSQL's half would
 * double the run for no new input path (test/center runs every route on both).
 */
import { Agent } from 'node:https';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX, ErrorBody, IdempotencyKey, kioskApi, type KioskRouteName, type KioskRouteSpec } from '@madoguchi/shared';
import { createHarness } from '../support/databases.js';
import { digestOfAllTables } from '../support/table-digest.js';
import { ok, startCenter, type CenterHarness, type TestKiosk } from '../center/support/center-harness.js';
import { countCommittedWrites, type WriteCounter } from './support/committed-writes.js';
import { ANSWER_BOUND_MS, FUZZ_RUNS, timeoutFor, REPLAY } from './support/fuzz-size.js';
import { fuzzRequest, type FuzzAnswer as Answer } from './support/fuzz-request.js';
import { hostileString, jsonBody, pathSegment } from './support/hostile-inputs.js';
import { arbitraryOf } from './support/zod-arbitrary.js';

const routeNames = Object.keys(kioskApi) as KioskRouteName[];
/** The digest batch: inputs all refused for their idempotency key (the digest reads every table, so a few hundred). */
const DIGEST_RUNS = Math.min(200, Math.ceil(FUZZ_RUNS / 5));

interface KioskInput {
  route: KioskRouteName;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/**
 * What a refused call of a route may still write, and why: an authentication spends its challenge
 * before the signature is checked, whatever comes of it (auth/challenges.ts: single use, so one
 * challenge cannot be tried against many signatures).
 */
const writesOnRefusal: Partial<Record<KioskRouteName, string[]>> = {
  authenticate: ['challenges'],
  // A refused quote is counted for the statistics (municipality, type, code, stage; no resident).
  quote: ['eligibility_refusals'],
};

/** Ids of rows that exist, filled in beforeAll; the generators draw from them lazily. */
const known = { sessionId: [] as string[], issuanceId: [] as string[], challengeId: [] as string[], issueNumber: [] as string[] };
const fromKnown = (name: keyof typeof known) => fc.nat().map((i) => known[name][i % known[name].length]!);
const knownFields = {
  sessionId: fc.oneof(fromKnown('sessionId'), fc.uuid()),
  challengeId: fc.oneof(fromKnown('challengeId'), fc.uuid()),
  issueNumber: fc.oneof(fromKnown('issueNumber'), hostileString),
};

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | undefined>('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      'text/plain',
      'application/json; charset=shift_jis',
      'application/json; charset=utf-16',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
    ),
  },
);

function routeInput(name: KioskRouteName, spoilKey: boolean): fc.Arbitrary<KioskInput> {
  const spec: KioskRouteSpec = kioskApi[name];
  const params = spec.params
    ? fc.record(Object.fromEntries(Object.keys(spec.params.shape).map((key) => [key, pathSegment(fromKnown('issuanceId'))])))
    : fc.constant({} as Record<string, string>);
  const validBody = spec.body ? arbitraryOf(spec.body, knownFields) : fc.constant(undefined);
  const body = spoilKey
    ? fc
        .tuple(
          validBody,
          fc.oneof(hostileString, fc.constantFrom(undefined, null, 1, 'not-a-uuid')).filter((k) => !IdempotencyKey.safeParse(k).success),
        )
        .map(([b, key]) => JSON.stringify({ ...(b as object), idempotencyKey: key }))
    : spec.body
      ? jsonBody(validBody)
      : fc.option(fc.string(), { freq: 4 }).map((s) => s ?? undefined);
  return fc
    .record({
      params,
      body,
      contentType: spoilKey ? fc.constant('application/json') : contentType,
      gzipClaim: fc.nat(30).map((n) => n === 0 && !spoilKey),
      otherMethod: fc.nat(40).map((n) => n === 0 && !spoilKey),
    })
    .map(({ params: values, body: text, contentType: type, gzipClaim, otherMethod }) => {
      const path = spec.path.replace(/:([A-Za-z]+)/g, (_s, key: string) => values[key] ?? '');
      const headers: Record<string, string> = {};
      if (type !== undefined && text !== undefined) headers['content-type'] = type;
      if (gzipClaim) headers['content-encoding'] = 'gzip';
      const method = otherMethod ? (spec.method === 'GET' ? 'POST' : 'GET') : spec.method;
      return { route: name, method, path: `${API_PREFIX}${path}`, headers, body: text === undefined ? undefined : Buffer.from(text) };
    });
}

const anyRoute = (spoilKey: boolean) => fc.oneof(...routeNames.map((name) => routeInput(name, spoilKey)));

function describeInput(input: KioskInput): string {
  return `${input.method} ${input.path} ${JSON.stringify(input.headers)} ${JSON.stringify(input.body?.toString('utf8').slice(0, 200))}`;
}

describe('kiosk API under fuzzing', () => {
  const harness = createHarness('sqlite');
  let center: CenterHarness;
  let kiosk: TestKiosk;
  let agent: Agent;
  let writes: WriteCounter;
  let slowest = { ms: 0, what: '' };
  const statuses = new Map<string, number>();

  const send = (input: KioskInput): Promise<Answer> =>
    fuzzRequest(agent, { method: input.method, url: `${center.baseUrl}${input.path}`, headers: input.headers, body: input.body });

  const check = async (input: KioskInput): Promise<Answer> => {
    const before = await writes.read();
    const answer = await send(input);
    const where = describeInput(input);
    if (answer.ms > slowest.ms) slowest = { ms: answer.ms, what: where.slice(0, 120) };
    const key = `${input.route} ${answer.status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    expect(answer.status, where).toBeLessThan(500);
    expect(answer.ms, where).toBeLessThan(ANSWER_BOUND_MS);
    const body = JSON.parse(answer.text) as unknown;
    const after = await writes.read();
    // A spent challenge is replaced, so later authentications get past it to the certificate and the signature.
    if (after.challenges !== before.challenges)
      known.challengeId[0] = ok(await kiosk.call('challenge', { body: { idempotencyKey: crypto.randomUUID() } })).challengeId;
    if (answer.status >= 400) {
      expect(ErrorBody.safeParse(body).success, `${where} → ${answer.text.slice(0, 300)}`).toBe(true);
      const after = await writes.read();
      for (const table of writesOnRefusal[input.route] ?? []) {
        delete after[table];
        delete before[table];
      }
      expect(after, `${where} → ${answer.status} committed a write`).toEqual(before);
    } else {
      expect(kioskApi[input.route].response.safeParse(body).success, `${where} → ${answer.text.slice(0, 300)}`).toBe(true);
    }
    return answer;
  };

  beforeAll(async () => {
    center = await startCenter(await harness.fresh());
    kiosk = await center.enrollKiosk();
    const otherKiosk = await center.enrollKiosk();
    const { featured } = center.demo;
    // A session with a quoted and a delivered issuance, a challenge never used, another kiosk's issuance.
    const session = ok(await center.authenticate(kiosk, await center.issueCard(featured.ordinary))).sessionId;
    const quoted = ok(await center.quote(kiosk, session));
    const paid = ok(await center.quote(kiosk, session, { copies: 2 }));
    const delivered = ok(await center.pay(kiosk, paid));
    const challenge = ok(await kiosk.call('challenge', { body: { idempotencyKey: crypto.randomUUID() } }));
    const otherSession = ok(await center.authenticate(otherKiosk, await center.issueCard(featured.chiyodaResident ?? featured.ordinary)));
    const otherQuote = ok(await center.quote(otherKiosk, otherSession.sessionId));
    known.sessionId.push(session, otherSession.sessionId);
    known.issuanceId.push(quoted.issuanceId, paid.issuanceId, otherQuote.issuanceId);
    known.challengeId.push(challenge.challengeId);
    known.issueNumber.push(...delivered.documents.map((d) => d.binding.issueNumber));
    agent = new Agent({ keepAlive: true, ca: center.caPem, key: kiosk.keyPem, cert: kiosk.certPem, maxSockets: 1 });
    // A refused call stores its refusal under its idempotency key (issuance/idempotency.ts), so a
    // retry gets the same answer: that row is the call's memory, not a change the input made. The
    // digest batch below, refused before any key is taken, holds that table too.
    writes = await countCommittedWrites(center.database, ['idempotency_keys']);
  }, 120_000);

  afterAll(async () => {
    const table = [...statuses.entries()].sort().map(([k, n]) => `${k}: ${n}`);
    process.stdout.write(
      `kiosk API fuzz: ${FUZZ_RUNS} inputs + ${DIGEST_RUNS} refused; ` +
        `slowest ${slowest.ms.toFixed(0)} ms (${slowest.what})\n  ${table.join('\n  ')}\n`,
    );
    agent?.destroy();
    await center?.close();
    await harness.dispose();
  });

  it(
    `answers ${FUZZ_RUNS} generated calls across every route without a 5xx, within ${ANSWER_BOUND_MS} ms, committing nothing it refuses`,
    { timeout: timeoutFor(FUZZ_RUNS, 1_000) },
    async () => {
      await fc.assert(
        fc.asyncProperty(anyRoute(false), async (input) => {
          await check(input);
        }),
        { numRuns: FUZZ_RUNS, ...REPLAY },
      );
      // Every route was reached, and some calls got past validation to a success.
      for (const name of routeNames) {
        const seen = [...statuses.keys()].filter((k) => k.startsWith(`${name} `));
        expect(seen.length, name).toBeGreaterThan(0);
      }
      expect([...statuses.keys()].some((k) => / 2\d\d$/.test(k))).toBe(true);
    },
  );

  it(
    `refuses ${DIGEST_RUNS} calls with a spoilt idempotency key, every table's rows the same afterwards`,
    { timeout: timeoutFor(DIGEST_RUNS, 1_000) },
    async () => {
      const ignoreTables = (t: string) => t.startsWith('fuzz_');
      const before = await digestOfAllTables(center.database, { ignoreTables });
      await fc.assert(
        fc.asyncProperty(anyRoute(true), async (input) => {
          const answer = await check(input);
          // A read (the binding key) answers; everything that would change something is refused.
          if (input.method === 'POST') expect(answer.status, describeInput(input)).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: DIGEST_RUNS },
      );
      expect(await digestOfAllTables(center.database, { ignoreTables })).toEqual(before);
    },
  );

  it('refuses a path parameter over the router limit and a broken percent-encoding with INPUT_INVALID, not a Fastify body', async () => {
    for (const issuanceId of ['a'.repeat(101), '%E0%A4%A', '%']) {
      const answer = await send({
        route: 'pay',
        method: 'POST',
        path: `${API_PREFIX}/issuances/${issuanceId}/payment`,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ idempotencyKey: crypto.randomUUID(), paidYen: 300 })),
      });
      expect({ status: answer.status, code: (JSON.parse(answer.text) as ErrorBody).error?.code }, issuanceId).toEqual({
        status: 400,
        code: 'INPUT_INVALID',
      });
    }
  });

  it('refuses a request line over the HTTP parser limit with a catalog error body, not Fastify text', async () => {
    const answer = await send({
      route: 'pay',
      method: 'POST',
      path: `${API_PREFIX}/issuances/${'%E3%81%82'.repeat(2_000)}/payment`,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{}'),
    });
    expect(answer.status).toBe(431);
    expect(ErrorBody.parse(JSON.parse(answer.text)).error.code).toBe('INPUT_INVALID');
  });

  it('still serves a resident afterwards, and the write counter sees it (so "committed nothing" could fail)', async () => {
    const before = await writes.read();
    const session = ok(await center.authenticate(kiosk, await center.issueCard(center.demo.featured.ordinary))).sessionId;
    const quote = ok(await center.quote(kiosk, session));
    expect(ok(await center.pay(kiosk, quote)).documents).toHaveLength(1);
    expect(await writes.read()).not.toEqual(before);
  });
});

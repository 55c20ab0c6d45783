/**
 * Fuzzing the kiosk's parsing of card responses (issue 14 item 4): a malicious card. The real card
 * service (@madoguchi/kiosk/card) over the in-process virtual reader, with a card that is the honest
 * virtual applet for some commands and, for others, answers what fast-check chose: random bytes,
 * nothing, a lone status byte, 61xx "more data" for a while or forever, 6Cxx, a DER header claiming
 * gigabytes, an honest answer truncated or with bytes added, an answer past the command's deadline,
 * an exception, or silence.
 *
 * Each input runs a read and an authentication. Every operation ends resolved or rejected with a
 * CARD_* catalog error (never another error, never an unhandled rejection, which fails the run), the
 * PIN buffer is wiped, and the operation ends within its budget: the service is built with a 40 ms
 * command deadline and a 250 ms budget (production: 1 s and 5 s), so silence costs a run little;
 * the bound allows 1 s beyond the budget for a loaded machine's timers. A certificate read is never
 * longer than the client's response limit. Afterwards an honest card still reads and signs.
 */
import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { MadoguchiError } from '@madoguchi/shared';
import { MAX_RESPONSE_BYTES, PinBuffer, createCardService, createVirtualReader, type SimulatedCard } from '@madoguchi/kiosk/card';
import { FUZZ_RUNS, timeoutFor, REPLAY } from './support/fuzz-size.js';

const COMMAND_MS = 40;
const BUDGET_MS = 250;
/** The budget plus a loaded machine's timer lateness (load 10–25 on 2 cores delays timers by hundreds of ms). */
const BOUND_MS = BUDGET_MS + 1_000;
const PIN = '4826';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
// The kiosk sizes the certificate from its DER header and passes it on; it never parses it further.
const certificateDer = Uint8Array.from([0x30, 0x82, 0x01, 0x00, ...randomBytes(256)]);
const honestCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: key.privateKey, authPin: PIN });
const challenge = randomBytes(32);

type Answer =
  | { kind: 'honest' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'status'; sw1: number; sw2: number; data: Uint8Array }
  | { kind: 'truncate'; keep: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'hugeDer'; lengthBytes: number }
  | { kind: 'late'; ms: number }
  | { kind: 'throw' }
  | { kind: 'silent' };

const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Answer>({ kind: 'honest' }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): Answer => ({ kind: 'bytes', bytes })) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        sw1: fc.oneof(fc.constantFrom(0x61, 0x6c, 0x63, 0x69, 0x6a, 0x90, 0x62, 0x67, 0x6d, 0x6e, 0x6f), fc.integer({ min: 0, max: 255 })),
        sw2: fc.oneof(fc.constantFrom(0x00, 0xff, 0xc0, 0xc3, 0xcf, 0x01, 0x83, 0x84), fc.integer({ min: 0, max: 255 })),
        data: fc.uint8Array({ maxLength: 8 }),
      })
      .map((s): Answer => ({ kind: 'status', ...s })),
  },
  { weight: 2, arbitrary: fc.nat(400).map((keep): Answer => ({ kind: 'truncate', keep })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes): Answer => ({ kind: 'append', bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((lengthBytes): Answer => ({ kind: 'hugeDer', lengthBytes })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: COMMAND_MS * 2 }).map((ms): Answer => ({ kind: 'late', ms })) },
  { weight: 1, arbitrary: fc.constantFrom<Answer>({ kind: 'throw' }, { kind: 'silent' }) },
);

/** The card: the honest applet's answer to command n, or what `plan[n]` says instead (the plan over again, or honest after it). */
function maliciousCard(plan: Answer[], cycle: boolean): SimulatedCard & { commands: number } {
  const honest = honestCard();
  const card = {
    commands: 0,
    atr: honest.atr,
    powerOn: () => honest.powerOn(),
    powerOff: () => honest.powerOff(),
    reset: () => honest.reset(),
    transmit(apdu: Uint8Array): Uint8Array | Promise<Uint8Array> {
      const n = card.commands++;
      const answer = plan[cycle ? n % plan.length : n] ?? { kind: 'honest' };
      const real = () => honest.transmit(apdu);
      switch (answer.kind) {
        case 'honest':
          return real();
        case 'bytes':
          return answer.bytes;
        case 'status':
          return Uint8Array.from([...answer.data, answer.sw1, answer.sw2]);
        case 'truncate': {
          const full = real();
          return full.subarray(0, answer.keep % (full.length + 1));
        }
        case 'append': {
          const full = real();
          return Uint8Array.from([...full.subarray(0, -2), ...answer.bytes, ...full.subarray(-2)]);
        }
        case 'hugeDer':
          return Uint8Array.from([0x30, 0x80 + answer.lengthBytes, ...Array<number>(answer.lengthBytes).fill(0xff), 0x90, 0x00]);
        case 'late':
          // By then the session may have been reset (the card powered off): the applet refuses, as a card would.
          return new Promise((resolve, reject) => setTimeout(() => Promise.resolve().then(real).then(resolve, reject), answer.ms));
        case 'throw':
          throw new Error('the card fell over');
        case 'silent':
          return new Promise<Uint8Array>(() => undefined);
      }
    },
  };
  return card;
}

const outcomes = new Map<string, number>();
let slowest = 0;

async function settle(what: string, operation: () => Promise<unknown>): Promise<unknown> {
  const started = performance.now();
  let outcome = 'resolved';
  let value: unknown;
  try {
    value = await operation();
  } catch (error) {
    expect(error, `${what} threw ${String(error)}`).toBeInstanceOf(MadoguchiError);
    const code = (error as MadoguchiError).code;
    expect(code, what).toMatch(/^CARD_/);
    outcome = code;
  }
  const ms = performance.now() - started;
  slowest = Math.max(slowest, ms);
  expect(ms, `${what} took ${ms.toFixed(0)} ms`).toBeLessThan(BOUND_MS);
  outcomes.set(`${what} ${outcome}`, (outcomes.get(`${what} ${outcome}`) ?? 0) + 1);
  return value;
}

describe("the kiosk's card service against a malicious card", () => {
  afterAll(() => {
    const table = [...outcomes.entries()].sort().map(([k, n]) => `${k}: ${n}`);
    process.stdout.write(`card fuzz: ${FUZZ_RUNS} cards; slowest operation ${slowest.toFixed(0)} ms\n  ${table.join('\n  ')}\n`);
  });

  it(
    `ends every operation of ${FUZZ_RUNS} cards with a result or a CARD_* error within the budget`,
    { timeout: timeoutFor(FUZZ_RUNS, 400) },
    async () => {
      const reader = createVirtualReader();
      const service = createCardService({ transport: reader.transport, commandTimeoutMs: COMMAND_MS, operationTimeoutMs: BUDGET_MS });
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(answerArb, { minLength: 1, maxLength: 16 }), fc.boolean(), async (plan, cycle) => {
            reader.insert(maliciousCard(plan, cycle));
            const info = (await settle('readCardInfo', () => service.readCardInfo())) as
              { authCertificateDer: Uint8Array | null } | undefined;
            if (info?.authCertificateDer) expect(info.authCertificateDer.length).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
            const pin = PinBuffer.fromDigits(PIN);
            await settle('authenticate', () => service.authenticate(pin, challenge));
            expect(pin.wiped).toBe(true);
          }),
          { numRuns: FUZZ_RUNS, ...REPLAY },
        );
        // Both ways out were taken: the plans reach past the first command, and honest ones still work.
        expect([...outcomes.keys()].some((k) => k.startsWith('authenticate resolved'))).toBe(true);
        expect([...outcomes.keys()].some((k) => k.startsWith('readCardInfo CARD_'))).toBe(true);

        reader.insert(honestCard());
        const signed = await service.authenticate(PinBuffer.fromDigits(PIN), challenge);
        expect(verify('sha256', challenge, key.publicKey, signed.signature)).toBe(true);
      } finally {
        await service.close();
      }
    },
  );
});

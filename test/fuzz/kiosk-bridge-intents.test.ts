/**
 * Fuzzing the kiosk bridge's intents (issue 14 item 4): what an untrusted (or compromised) renderer
 * may send the kiosk's main process. The real session state machine (@madoguchi/kiosk/session, as
 * its unit tests compose it: the real card service over the virtual reader with the virtual applet,
 * the real last-hop check and spool printer, the simulated cash device, a fake center) gets
 * sequences of intents — derived from the KioskIntent schema, spoilt, or any JSON — mixed with a
 * resident's own doings: the card placed or taken away, the right PIN typed on the shuffled pad,
 * coins and notes inserted. Half the sessions run in demo mode (demo cards and cash allowed).
 *
 * After every step: `send` resolved, or refused with INPUT_INVALID (nothing else escapes); the
 * session's queue settles (nothing hangs); the view is a valid KioskView on a screen of the table
 * (kiosk-screens.ts). At the end of each session no log line carries a PIN typed in it.
 * MADOGUCHI_FUZZ_RUNS intents in all, 10 per session.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { CASH_DENOMINATIONS, KioskIntent, KioskScreen, KioskView, MadoguchiError } from '@madoguchi/shared';
import { cardKey, certificateDer, setup, type Harness } from '@madoguchi/kiosk/session/test-harness';
import { FUZZ_RUNS, timeoutFor, REPLAY } from './support/fuzz-size.js';
import { hostileValue, nearValid } from './support/hostile-inputs.js';
import { arbitraryOf } from './support/zod-arbitrary.js';

const CARD_PIN = '9573';
const INTENTS_PER_SESSION = 10;
const SESSIONS = Math.ceil(FUZZ_RUNS / INTENTS_PER_SESSION);
/** A step's queue must settle by then: the slowest real step here (a fake delivery's PDF, the last-hop check) takes well under it. */
const SETTLE_MS = 5_000;

type Step =
  | { kind: 'intent'; intent: unknown }
  | { kind: 'placeCard' }
  | { kind: 'removeCard' }
  | { kind: 'typePin' }
  | { kind: 'advance' }
  | { kind: 'cash'; yen: number };

const validIntent = arbitraryOf(KioskIntent);
const intentArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: validIntent },
  { weight: 3, arbitrary: nearValid(validIntent) },
  { weight: 1, arbitrary: hostileValue },
);
const eventArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Step>({ kind: 'advance' }) },
  fc.constant<Step>({ kind: 'placeCard' }),
  fc.constant<Step>({ kind: 'removeCard' }),
  fc.constant<Step>({ kind: 'typePin' }),
  fc.constantFrom(...CASH_DENOMINATIONS).map((yen): Step => ({ kind: 'cash', yen })),
);
/** A session: INTENTS_PER_SESSION intents, each after 0–3 of the resident's own doings. */
const sessionArb = fc.record({
  demo: fc.boolean(),
  steps: fc
    .array(fc.tuple(fc.array(eventArb, { maxLength: 3 }), intentArb), { minLength: INTENTS_PER_SESSION, maxLength: INTENTS_PER_SESSION })
    .map((pairs) => pairs.flatMap(([events, intent]): Step[] => [...events, { kind: 'intent', intent }])),
});

const screens = new Map<string, number>();
const refusals = new Map<string, number>();
let intentsSent = 0;

function settled(t: Harness, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: the session did not settle within ${SETTLE_MS} ms`)), SETTLE_MS);
  });
  return Promise.race([t.session.idle(), timeout]).finally(() => clearTimeout(timer));
}

/** Sends one intent as the bridge does; only INPUT_INVALID may come back. */
async function sendIntent(t: Harness, intent: unknown): Promise<void> {
  intentsSent++;
  try {
    await t.session.send(intent);
  } catch (error) {
    const what = `${JSON.stringify(intent)?.slice(0, 200)} → ${String(error)}`;
    expect(error, what).toBeInstanceOf(MadoguchiError);
    expect((error as MadoguchiError).code, what).toBe('INPUT_INVALID');
    const key = KioskIntent.safeParse(intent).success ? 'demo intent off' : 'not an intent';
    refusals.set(key, (refusals.get(key) ?? 0) + 1);
  }
}

/** The digits the keypad shows at `position` now, so the test knows which PIN a resident typed. */
const labelAt = (t: Harness, position: unknown): string | undefined =>
  typeof position === 'number' ? t.session.getView().keypad?.[position] : undefined;

async function runStep(t: Harness, step: Step, typed: { current: string; submitted: string[] }): Promise<void> {
  const screen = t.session.getView().screen;
  if (step.kind === 'placeCard') t.insertCard();
  else if (step.kind === 'removeCard') t.reader.remove();
  else if (step.kind === 'cash') t.cashDevice.insert(step.yen);
  else if (step.kind === 'advance') await advance(t, typed);
  else if (step.kind === 'typePin') {
    if (screen !== 'pin') return;
    for (const digit of CARD_PIN) await sendIntent(t, { type: 'pinKey', position: t.session.getView().keypad!.indexOf(digit) });
    typed.submitted.push(CARD_PIN);
  } else {
    const intent = step.intent as { type?: unknown; position?: unknown };
    if (screen === 'pin' && intent?.type === 'pinKey') typed.current = (typed.current + (labelAt(t, intent.position) ?? '')).slice(-4);
    if (screen === 'pin' && intent?.type === 'pinSubmit') typed.submitted.push(typed.current);
    await sendIntent(t, step.intent);
  }
}

/** What a resident does next on the current screen, so sessions reach the deeper screens between the fuzzed intents. */
async function advance(t: Harness, typed: { current: string; submitted: string[] }): Promise<void> {
  const view = t.session.getView();
  const next: Partial<Record<KioskScreen, () => Promise<void> | void>> = {
    idle: () => sendIntent(t, { type: 'start' }),
    placeCard: () => t.insertCard(),
    pin: async () => {
      for (const digit of CARD_PIN) await sendIntent(t, { type: 'pinKey', position: t.session.getView().keypad!.indexOf(digit) });
      typed.submitted.push(CARD_PIN);
      await sendIntent(t, { type: 'pinSubmit' });
    },
    menu: () => sendIntent(t, { type: 'chooseCertificate', certificateType: 'residenceRecord' }),
    options: () => sendIntent(t, { type: 'confirm' }),
    payment: () => t.cashDevice.insert((view.quote?.totalYen ?? 300) - (view.paidYen ?? 0) >= 100 ? 100 : 10),
    done: () => sendIntent(t, { type: 'finish' }),
    refused: () => sendIntent(t, { type: 'back' }),
    error: () => sendIntent(t, { type: 'finish' }),
  };
  await next[view.screen]?.();
}

/** Log text that could carry a PIN: every value but ids, times and money (where 4 digits are an amount). */
function loggedDigits(line: string): string {
  const money = new Set(['yen', 'change', 'paidYen', 'totalYen', 'refundYen', 'feeYen']);
  const values: string[] = [];
  JSON.parse(line, (key, value: unknown) => {
    if (typeof value === 'string') values.push(value.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ''));
    else if (typeof value === 'number' && !money.has(key)) values.push(String(value));
    return value;
  });
  return values.join(' ');
}

describe('the kiosk bridge intents under fuzzing', () => {
  afterAll(() => {
    const seen = [...screens.entries()].sort().map(([k, n]) => `${k}: ${n}`);
    process.stdout.write(
      `bridge fuzz: ${intentsSent} intents in ${SESSIONS} sessions; refused ${JSON.stringify(Object.fromEntries(refusals))}\n` +
        `  screens after a step: ${seen.join(', ')}\n`,
    );
  });

  it(
    `takes ${SESSIONS * INTENTS_PER_SESSION} generated intents in ${SESSIONS} sessions: only INPUT_INVALID escapes, each view on the table`,
    { timeout: timeoutFor(SESSIONS, 1_500) },
    async () => {
      await fc.assert(
        fc.asyncProperty(sessionArb, async ({ demo, steps }) => {
          const newCard = () =>
            new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: CARD_PIN });
          const t = setup('none', { newCard, demo });
          const typed = { current: '', submitted: [] as string[] };
          try {
            for (const [i, step] of steps.entries()) {
              await runStep(t, step, typed);
              await settled(t, `step ${i} ${JSON.stringify(step).slice(0, 200)}`);
              const view = t.session.getView();
              expect(KioskView.safeParse(view).success, JSON.stringify(view).slice(0, 300)).toBe(true);
              expect(KioskScreen.options).toContain(view.screen);
              screens.set(view.screen, (screens.get(view.screen) ?? 0) + 1);
            }
            for (const line of t.logs) {
              const text = loggedDigits(line);
              for (const pin of typed.submitted.filter((p) => p.length === 4)) expect(text, `PIN ${pin} in ${line}`).not.toContain(pin);
            }
          } finally {
            t.session.close();
            t.reader.remove();
            rmSync(t.spoolDir, { recursive: true, force: true });
            rmSync(dirname(t.trayDir), { recursive: true, force: true });
          }
        }),
        { numRuns: SESSIONS, ...REPLAY },
      );
      // The sessions went past the PIN: the table's deeper screens were reached, not only refusals at idle.
      expect([...screens.keys()]).toEqual(expect.arrayContaining(['idle', 'placeCard', 'pin', 'menu', 'options', 'payment']));
    },
  );
});

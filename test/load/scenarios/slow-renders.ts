/**
 * docs/misissuance.md#yokohama: renders slow under load, a timeout, and (there) the next print file
 * handed out instead. The centers slow one municipality's renders through their test-only hook
 * (apps/center/src/issuance/test-render-delay.ts): every other one by 4 s, which finishes within the
 * render timeout, and every other one by 14 s, past it. Residents of other municipalities are served
 * at the same moment. A timed-out issuance must end refunded with ISSUANCE_RENDER_TIMEOUT and nothing
 * printed; every other one prints its own document (the document check reads each).
 */
import type { Journey, JourneyResult } from '../protocol.js';
import type { LoadCard } from '../world.js';
import { defaultOptions, type ScenarioContext, type Verdict } from './journeys.js';

const RENDER_TIMEOUT_MS = 10_000;
const DELAYS_MS = [4_000, 14_000];

export function slowRenderEnv(municipalityCode: string): Record<string, string> {
  return {
    MADOGUCHI_TEST_RENDER_DELAY: `${municipalityCode}:${DELAYS_MS.join(',')}`,
    MADOGUCHI_RENDER_TIMEOUT_MS: String(RENDER_TIMEOUT_MS),
  };
}

/** Half the journeys for the slowed municipality's residents, half for others, all at once. */
export function slowRenders(ctx: ScenarioContext, slowed: LoadCard[], others: LoadCard[]): Journey[] {
  const n = Math.min(16, Math.floor(ctx.kiosks / 2), slowed.length, others.length);
  return [...slowed.slice(0, n), ...others.slice(0, n)].map((card) => ({
    id: ctx.nextId(),
    scenario: 'slow-renders',
    card,
    certificateType: 'residenceRecord' as const,
    options: defaultOptions('residenceRecord'),
    copies: 1,
  }));
}

export function slowRenderVerdict(results: JourneyResult[], slowedResidents: ReadonlySet<string>): Verdict {
  const slow = results.filter((r) => slowedResidents.has(r.residentId));
  const others = results.filter((r) => !slowedResidents.has(r.residentId));
  const timedOut = slow.filter((r) => r.outcome === 'failed' && r.code === 'ISSUANCE_RENDER_TIMEOUT');
  const timedOutPrinted = timedOut.filter((r) => r.printed.length > 0).length;
  const slowPrinted = slow.filter((r) => r.outcome === 'printed').length;
  const unexpected = slow.filter((r) => r.outcome === 'stuck' || (r.outcome === 'failed' && r.code !== 'ISSUANCE_RENDER_TIMEOUT')).length;
  const othersPrinted = others.filter((r) => r.outcome === 'printed').length;
  // Others may be refused by their own records (before any money); none may fail or hang.
  const othersFailed = others.filter((r) => r.outcome === 'failed' || r.outcome === 'stuck').length;
  return {
    ok: timedOut.length > 0 && timedOutPrinted === 0 && slowPrinted > 0 && unexpected === 0 && othersPrinted > 0 && othersFailed === 0,
    detail:
      `slowed municipality: ${slow.length} journeys, ${slowPrinted} printed after a slow render, ${timedOut.length} timed out ` +
      `(${timedOutPrinted} of them printed anything), ${unexpected} other failures; ` +
      `others at the same time: ${othersPrinted}/${others.length} printed, ${othersFailed} failed`,
  };
}

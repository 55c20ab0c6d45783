/**
 * Tests only: slowed renders for one municipality, so a load run can replay docs/misissuance.md#yokohama
 * (renders slow under load, a timeout, and nothing else handed out) against a center process it cannot
 * reach into. MADOGUCHI_TEST_RENDER_DELAY=<municipality code>:<ms>[,<ms>…] delays that municipality's
 * renders by each delay in turn, before the real renderer runs; the center's own render timeout
 * (MADOGUCHI_RENDER_TIMEOUT_MS) does the rest.
 *
 * Refused outside a test clock, as the kiosk refuses --test-screen-holds outside demo mode: a center
 * started without MADOGUCHI_CLOCK (which no production center sets) will not start with it.
 */
import type { CenterServices } from './services.js';

export interface RenderDelay {
  municipalityCode: string;
  delaysMs: number[];
}

export function renderDelayFromEnv(value: string | undefined, testClock: boolean): RenderDelay | undefined {
  if (value === undefined || value === '') return undefined;
  if (!testClock) throw new Error('MADOGUCHI_TEST_RENDER_DELAY is for tests only: it needs the test clock (MADOGUCHI_CLOCK)');
  const match = /^(\d{6}):(\d+(?:,\d+)*)$/.exec(value);
  if (!match) throw new Error('MADOGUCHI_TEST_RENDER_DELAY is <municipality code>:<ms>[,<ms>…]');
  return { municipalityCode: match[1]!, delaysMs: match[2]!.split(',').map(Number) };
}

export function withRenderDelay(services: CenterServices, delay: RenderDelay): CenterServices {
  let turn = 0;
  return {
    ...services,
    async render(input, options) {
      if (input.municipality.code === delay.municipalityCode) {
        const ms = delay.delaysMs[turn++ % delay.delaysMs.length]!;
        await new Promise((resolve) => setTimeout(resolve, ms));
        // Timed out meanwhile: the job is failed already; rendering it now would only load the pool.
        options.signal?.throwIfAborted();
      }
      return services.render(input, options);
    },
  };
}

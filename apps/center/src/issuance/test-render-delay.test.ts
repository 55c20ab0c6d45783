import { describe, expect, it, vi } from 'vitest';
import type { RenderInput } from '@madoguchi/shared';
import type { CenterServices } from './services.js';
import { renderDelayFromEnv, withRenderDelay } from './test-render-delay.js';

describe('the test-only render delay (MADOGUCHI_TEST_RENDER_DELAY)', () => {
  it('is refused without the test clock, as a production center runs', () => {
    expect(() => renderDelayFromEnv('141003:100', false)).toThrow(/tests only/);
    expect(renderDelayFromEnv(undefined, false)).toBeUndefined();
  });

  it('is refused when malformed', () => {
    expect(() => renderDelayFromEnv('141003', true)).toThrow(/<municipality code>/);
    expect(() => renderDelayFromEnv('14100:5', true)).toThrow(/<municipality code>/);
  });

  it('delays only the named municipality’s renders, each delay in turn, and gives up once the render timed out', async () => {
    const rendered: string[] = [];
    const services = {
      render: async (input: RenderInput) => {
        rendered.push(input.issuanceId);
        return { pdf: new Uint8Array(), pageCount: 1 };
      },
    } as unknown as CenterServices;
    const slowed = withRenderDelay(services, renderDelayFromEnv('141003:30,0', true)!);
    const input = (id: string, code: string) => ({ issuanceId: id, municipality: { code } }) as unknown as RenderInput;
    vi.useFakeTimers();
    try {
      const first = slowed.render(input('a', '141003'), { timeoutMs: 1_000 });
      await vi.advanceTimersByTimeAsync(29);
      expect(rendered).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      await first;
      expect(rendered).toEqual(['a']);
    } finally {
      vi.useRealTimers();
    }
    await slowed.render(input('b', '131016'), { timeoutMs: 1_000 });
    const aborted = AbortSignal.abort(new Error('render timed out'));
    await expect(slowed.render(input('c', '141003'), { timeoutMs: 1_000, signal: aborted })).rejects.toThrow('render timed out');
    expect(rendered).toEqual(['a', 'b']);
  });
});

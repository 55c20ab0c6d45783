import type { Block } from './blocks.js';

/** Blocks kept together on one page (one person of a household form). */
export function keepTogether(blocks: Block[], opts: { breakBefore?: boolean; gapAfter?: number } = {}): Block {
  const gap = opts.gapAfter ?? 0;
  return {
    height: blocks.reduce((s, b) => s + b.height, 0) + gap,
    breakBefore: opts.breakBefore,
    draw(c, top) {
      let y = top;
      for (const b of blocks) {
        b.draw(c, y);
        y -= b.height;
      }
    },
  };
}

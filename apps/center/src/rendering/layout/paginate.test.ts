import { MadoguchiError } from '@madoguchi/shared';
import { describe, expect, it } from 'vitest';
import type { Block } from './blocks.js';
import { paginate } from './paginate.js';

const block = (height: number, id: number, breakBefore = false): Block & { id: number } => ({ id, height, breakBefore, draw() {} });
const ids = (pages: Block[][]) => pages.map((p) => p.map((b) => (b as Block & { id: number }).id));

describe('paginate', () => {
  it('keeps the certification on the page of the body when it fits', () => {
    expect(ids(paginate([block(100, 1), block(100, 2)], 500, 0, 250))).toEqual([[1, 2]]);
  });

  it('never leaves the certification alone on a page: the last block moves with it', () => {
    // 1+2+3 fill the page exactly; the certification (250) does not fit under them.
    const pages = paginate([block(200, 1), block(200, 2), block(100, 3)], 500, 0, 250);
    expect(ids(pages)).toEqual([[1, 2], [3]]);
    for (const page of pages) expect(page.length).toBeGreaterThan(0);
  });

  it('does the same after a forced page break and with header blocks', () => {
    const pages = paginate([block(100, 1), block(300, 2, true), block(150, 3)], 520, 20, 250);
    expect(ids(pages)).toEqual([[1], [2], [3]]);
  });

  it('refuses when the last block cannot share a page with the certification', () => {
    const tooTall = () => paginate([block(100, 1), block(400, 2)], 500, 0, 250);
    expect(tooTall).toThrow(MadoguchiError);
    const single = () => paginate([block(400, 1)], 500, 0, 250);
    expect(single).toThrow(/certification/);
  });

  it('an empty body is one page with the certification', () => {
    expect(ids(paginate([], 500, 0, 250))).toEqual([[]]);
  });
});

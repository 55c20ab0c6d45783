/**
 * Splits body blocks into pages. Every page repeats the header blocks; the last page also holds the
 * certification block (認証文). A block taller than an empty page is an overflow: refused, never cut.
 *
 * The 認証文 and seal never stand alone on a page: a page holding only them could be detached and
 * put behind any other paper. When they do not fit under the body, the last body block moves to
 * the new last page with them; if even that one block cannot share a page with them, the
 * certificate is refused.
 */
import { MadoguchiError } from '@madoguchi/shared';
import type { Block } from './blocks.js';

export function paginate(body: readonly Block[], available: number, headerHeight: number, lastPageReserve: number): Block[][] {
  const room = available - headerHeight;
  if (room <= lastPageReserve) throw new MadoguchiError('ISSUANCE_TEXT_OVERFLOW', 'header leaves no room for the body');
  const pages: Block[][] = [[]];
  let used = 0;
  for (const block of body) {
    if (block.height > room) throw new MadoguchiError('ISSUANCE_TEXT_OVERFLOW', `block of ${block.height.toFixed(0)}pt exceeds a page`);
    const current = pages[pages.length - 1]!;
    if ((block.breakBefore && current.length > 0) || used + block.height > room) {
      pages.push([block]);
      used = block.height;
    } else {
      current.push(block);
      used += block.height;
    }
  }
  if (used + lastPageReserve > room) {
    const current = pages[pages.length - 1]!;
    const carried = current.pop();
    if (!carried || current.length === 0 || carried.height + lastPageReserve > room) {
      throw new MadoguchiError('ISSUANCE_TEXT_OVERFLOW', 'the last body block and the certification do not fit on one page');
    }
    pages.push([carried]);
  }
  return pages;
}

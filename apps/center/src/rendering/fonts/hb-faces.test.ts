/**
 * HarfBuzz runs as one WebAssembly instance a process, whose memory a preprocessed face of the main font
 * largely fills: every FontSet made its own, and the fifth in a process failed every subset with
 * `hb_subset_or_fail` (seen in test workers that ran several rendering files). Faces are now shared by font bytes.
 */
import { describe, expect, it } from 'vitest';
import { FontSet } from './font-set.js';
import { HbSubsetFace } from './hb-subsetter.js';

describe('HarfBuzz faces in one process', () => {
  it('subsets with a dozen font sets in one process, each set giving the same bytes', () => {
    const gids = [0, 10, 20, 30];
    const first = new FontSet().main.subset(gids).bytes;
    expect(first.byteLength).toBeGreaterThan(0);
    for (let i = 0; i < 12; i++) {
      expect(Buffer.from(new FontSet().main.subset(gids).bytes).equals(Buffer.from(first))).toBe(true);
    }
  });

  it('keeps one preprocessed face per font, which a caller cannot destroy', () => {
    const bytes = new FontSet().main.bytes;
    const face = HbSubsetFace.shared(bytes);
    expect(HbSubsetFace.shared(Uint8Array.from(bytes))).toBe(face);
    face.destroy();
    expect(face.subset([0, 10]).byteLength).toBeGreaterThan(0);
  });
});

/**
 * zod-arbitrary.ts's patterns: the console fuzz's client held 157 MB of fast-check maps for three
 * IssueNumber arbitraries (`[^\s\p{C}]`), and its GC pauses made cheap answers look slow
 * (docs/fuzzing.md#bugs-found-and-fixed). A pattern's values still match it, and an arbitrary for it holds next to nothing.
 */
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { IssueNumber } from '@madoguchi/shared';
import { arbitraryOf, spelledOutNegatedClasses } from './zod-arbitrary.js';

/** The live heap after a full collection, in bytes. */
function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe('arbitraryOf with a pattern', () => {
  it('draws issue numbers that pass the IssueNumber schema', () => {
    for (const value of fc.sample(arbitraryOf(IssueNumber), 500)) expect(IssueNumber.safeParse(value).success, String(value)).toBe(true);
  });

  it('holds under 5 MB for an IssueNumber arbitrary that has drawn (fast-check alone: 52 MB)', () => {
    const before = liveHeap();
    const arbitrary = arbitraryOf(IssueNumber);
    fc.sample(arbitrary, 50);
    const held = liveHeap() - before;
    expect(fc.sample(arbitrary, 1)).toHaveLength(1);
    expect(held).toBeLessThan(5 * 1024 * 1024);
  });

  it('writes out a negated class with a Unicode property as the printable ASCII it lets through, and leaves the rest', () => {
    const pattern = /^a[^\s\p{C}a-y]{2}\]z[bc]$/u;
    const spelled = spelledOutNegatedClasses(pattern);
    expect(spelled.flags).toBe('u');
    expect(spelled.source).toMatch(/^\^a\[\\x21\\x22.*\\x60\\x7a\\x7b\\x7c\\x7d\\x7e\]\{2\}\\\]z\[bc\]\$$/);
    for (let code = 0x20; code < 0x7f; code++) {
      const text = `a${String.fromCharCode(code).repeat(2)}]zb`;
      expect(spelled.test(text), text).toBe(pattern.test(text));
    }
    const plain = /^[^a-z]+$/;
    expect(spelledOutNegatedClasses(plain)).toBe(plain);
  });
});

import { describe, expect, it } from 'vitest';
import { nearestRank } from './journey-percentiles.js';

describe('nearest-rank percentiles', () => {
  it('takes the smallest sample with at least p% at or below it', () => {
    expect(nearestRank(50, 4)).toBe(2);
    expect(nearestRank(95, 4)).toBe(4);
    expect(nearestRank(50, 5)).toBe(3);
    expect(nearestRank(95, 20)).toBe(19);
    expect(nearestRank(95, 1)).toBe(1);
  });
});

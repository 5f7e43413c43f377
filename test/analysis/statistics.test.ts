// The statistics on samples worked out by hand, including ties, one value and no value.
import { describe, expect, it } from 'vitest';
import { mean, median, quantile, sd, summarise } from '../../analysis/statistics.js';

describe('statistics', () => {
  it('computes mean and sample sd', () => {
    // mean 5; squared deviations 9 1 1 9 -> 20 / (4 - 1)
    expect(mean([2, 4, 6, 8])).toBe(5);
    expect(sd([2, 4, 6, 8])).toBeCloseTo(Math.sqrt(20 / 3), 12);
  });
  it('gives sd 0 for one value and for ties', () => {
    expect(sd([0.3])).toBe(0);
    expect(sd([0.25, 0.25, 0.25])).toBe(0);
  });
  it('interpolates quantiles between order statistics', () => {
    // sorted 1 2 3 4: position (4 - 1) * 0.5 = 1.5 -> 2.5; at 0.1: 0.3 -> 1.3
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.1)).toBeCloseTo(1.3, 12);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    // ties: the median of 0 0 0 1 is 0
    expect(median([0, 1, 0, 0])).toBe(0);
  });
  it('summarises a saturated sample', () => {
    expect(summarise([1, 1])).toEqual({ n: 2, mean: 1, sd: 0, min: 1, max: 1 });
  });
  it('refuses an empty sample instead of returning NaN', () => {
    expect(() => mean([])).toThrow(/mean of no values/);
    expect(() => quantile([], 0.5)).toThrow(/quantile of no values/);
  });
});

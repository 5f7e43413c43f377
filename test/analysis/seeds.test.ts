// Comparing two samples of seeds by their spread, on cases worked out by hand.
import { describe, expect, it } from 'vitest';
import { compareAbove, compareChange } from '../../analysis/seeds.js';

describe('compareAbove', () => {
  it('is above when the seed ranges do not overlap and the means differ enough', () => {
    // means 0.31 vs 0.015: d = 0.295 >= 0.1, min(a) 0.30 > max(b) 0.02
    expect(compareAbove([0.3, 0.32], [0.01, 0.02], 0.1)).toBe('above');
  });
  it('is not above when even the best pair of seeds falls short of the effect', () => {
    // max(a) - min(b) = 0.06 - 0.01 = 0.05 < 0.1
    expect(compareAbove([0.05, 0.06], [0.01, 0.02], 0.1)).toBe('notAbove');
  });
  it('is unclear when the seeds overlap', () => {
    // means 0.15 vs 0.015 differ by 0.135, but min(a) 0 < max(b) 0.02
    expect(compareAbove([0.3, 0], [0.01, 0.02], 0.1)).toBe('unclear');
  });
  it('needs two seeds on each side', () => {
    expect(compareAbove([0.3], [0.01, 0.02], 0.1)).toBe('insufficient');
    expect(compareAbove([0.3, 0.31], [0.01], 0.1)).toBe('insufficient');
  });
  it('treats touching ranges as overlapping, and a difference of exactly the effect as enough', () => {
    // min(a) 0.2 = max(b) 0.2: not strictly above, though the means differ by 0.15
    expect(compareAbove([0.2, 0.4], [0.1, 0.2], 0.05)).toBe('unclear');
    // ties within each sample; means 0.5 vs 0: d = 0.5 >= 0.5
    expect(compareAbove([0.5, 0.5], [0, 0], 0.5)).toBe('above');
    // identical samples: max(a) - min(b) = 0 < 0.05
    expect(compareAbove([0.1, 0.1], [0.1, 0.1], 0.05)).toBe('notAbove');
  });
  it('handles saturated samples (every filter dead against none)', () => {
    expect(compareAbove([1, 1], [0, 0], 0.1)).toBe('above');
    expect(compareAbove([0, 0], [1, 1], 0.1)).toBe('notAbove');
  });
});

describe('compareChange', () => {
  it('detects a change in either direction', () => {
    expect(compareChange([0.1, 0.11], [0.3, 0.31], 0.05)).toBe('changed');
    expect(compareChange([0.3, 0.31], [0.1, 0.11], 0.05)).toBe('changed');
    expect(compareChange([0.1, 0.11], [0.12, 0.13], 0.05)).toBe('unchanged');
    expect(compareChange([0.1, 0.2], [0.12, 0.13], 0.05)).toBe('unclear');
    expect(compareChange([0.1], [0.12, 0.13], 0.05)).toBe('insufficient');
  });
});

// The definitions on values worked out by hand.
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, isDeadByActivation, isDeadByGamma, networkSparsity, selectivity, sparsity } from '../../experiments/definitions.js';

describe('definitions', () => {
  it('applies the thresholds strictly', () => {
    expect(isDeadByGamma(9.99e-4)).toBe(true);
    expect(isDeadByGamma(-9.99e-4)).toBe(true);
    expect(isDeadByGamma(1e-3)).toBe(false);
    expect(isDeadByActivation(0)).toBe(true);
    expect(isDeadByActivation(1e-12)).toBe(false);
    expect(isDeadByGamma(0.05, { ...DEFAULT_THRESHOLDS, gamma: 0.1 })).toBe(true);
  });

  it('sums network sparsity over layers, not averages it', () => {
    // (1 + 6) / (4 + 12) = 7/16, not the mean of 1/4 and 1/2.
    expect(networkSparsity([{ dead: 1, filters: 4 }, { dead: 6, filters: 12 }])).toBeCloseTo(7 / 16, 12);
    expect(sparsity(0, 5)).toBe(0);
    expect(selectivity(3, 12)).toBe(0.25);
    expect(() => sparsity(0, 0)).toThrow(/at least one filter/);
  });
});

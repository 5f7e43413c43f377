// The definitions on values worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  paperSelectivity,
  deadCounts,
  DEFAULT_THRESHOLDS,
  diedAt,
  featureResponse,
  isDeadByActivation,
  isDeadByGamma,
  lifetimeSparseness,
  lifetimeSparsenessOf,
  networkSparsity,
  selectivity,
  sparsity,
} from '../../data/definitions.js';

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
    expect(
      networkSparsity([
        { dead: 1, filters: 4 },
        { dead: 6, filters: 12 },
      ]),
    ).toBeCloseTo(7 / 16, 12);
    expect(sparsity(0, 5)).toBe(0);
    expect(selectivity(3, 12)).toBe(0.25);
    expect(() => sparsity(0, 0)).toThrow(/at least one filter/);
  });
});

describe('lifetime sparseness (v2 selectivity)', () => {
  it('is 0 for a feature that responds equally to every image', () => {
    expect(lifetimeSparsenessOf([0.3, 0.3, 0.3, 0.3, 0.3])).toBe(0);
  });

  it('is 1 for a feature that responds to a single image', () => {
    expect(lifetimeSparsenessOf([0, 0, 2.5, 0])).toBe(1);
  });

  it('is undefined (null) for a feature that responds to no image, or for fewer than two images', () => {
    expect(lifetimeSparsenessOf([0, 0, 0])).toBeNull();
    expect(lifetimeSparsenessOf([4])).toBeNull();
  });

  it('gives the value worked out by hand for two of four images', () => {
    // r = [1, 1, 0, 0]: mean 1/2, mean of squares 1/2, so 1 - (1/4)/(1/2) = 1/2; over 1 - 1/4: 2/3.
    expect(lifetimeSparsenessOf([1, 0, 1, 0])).toBeCloseTo(2 / 3, 12);
    // r = [3, 1]: mean 2, mean of squares 5: (1 - 4/5) / (1/2) = 0.4.
    expect(lifetimeSparseness(4, 10, 2)).toBeCloseTo(0.4, 12);
  });

  it('does not depend on the scale of the responses', () => {
    expect(lifetimeSparsenessOf([1e-20, 3e-20, 0, 0])).toBeCloseTo(lifetimeSparsenessOf([1, 3, 0, 0])!, 12);
  });

  it('rejects negative responses and takes the positive part of outputs as the response', () => {
    expect(() => lifetimeSparsenessOf([1, -0.01])).toThrow(/non-negative/);
    expect(featureResponse([-0.01, 2, 0, -5])).toBe(0.5);
  });
});

/** A filter's activation peak at checkpoints 0, 100, 200, ... */
const peaks = (xs: Array<number | undefined>) => xs.map((peak, i) => ({ iteration: i * 100, peak }));

describe("the paper's selectivity (v3)", () => {
  it('counts the images below 1e-3 of the largest maximum, reading a strided [images, features] array', () => {
    // Two features, four images: feature 0 answers images 0 and 2; feature 1 every image, one just at the threshold.
    const maxima = [4, 1, 0, 1, 2, 0.001, 1e-4, 1];
    expect(paperSelectivity(maxima, 4, 2, 0)).toBe(0.25 * 2);
    expect(paperSelectivity(maxima, 4, 2, 1)).toBe(0);
    expect(paperSelectivity([1, 0.0009], 2)).toBe(0.5);
    expect(paperSelectivity([0, 0, 0], 3)).toBeNull();
    expect(paperSelectivity([1], 1)).toBeNull();
    expect(() => paperSelectivity([1, -1], 2)).toThrow(/never negative/);
  });
});

describe('dead counts and when a filter died', () => {
  it('counts the filters of a layer dead by gamma, by activation and by both', () => {
    // |γ| < 1e-3: filters 0 and 1; peak < 1e-12: filters 1 and 2 (a tie at the threshold is alive)
    expect(deadCounts({ gamma: [0, -5e-4, 1, 1e-3], peak: [1, 0, 1e-13, 1e-12] })).toEqual({ gamma: 2, activation: 2, both: 1 });
  });
  it('dates a death at the first checkpoint from which the filter stays dead', () => {
    // dead at 100, alive again at 200, dead from 300 on
    expect(diedAt(peaks([1, 0, 1, 0, 0]), 500)).toBe(300);
    // dead from the start
    expect(diedAt(peaks([0, 0]), 200)).toBe(0);
  });
  it('dates a death the probe never saw at the final iteration, and treats an unmeasured checkpoint as alive', () => {
    expect(diedAt(peaks([1, 1]), 600)).toBe(600);
    expect(diedAt(peaks([0, undefined, 0]), 600)).toBe(200);
    expect(diedAt([], 600)).toBe(600);
  });
});

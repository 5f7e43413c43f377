// The rank statistics on samples worked out by hand: AUC against a count of pairs, the seeded
// permutation p-value, Noether's detectable effect, Spearman and the line fit.
import { describe, expect, it } from 'vitest';
import { auc, aucPermutationP, detectableAucEffect, fitLine, midranks, spearman } from '../../../analysis/exploratory/rank-statistics.js';

/** P(x > y) + P(x = y) / 2 by counting every pair: the AUC computed another way. */
function pairCount(x: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (const a of x) for (const b of y) s += a > b ? 1 : a === b ? 0.5 : 0;
  return s / (x.length * y.length);
}

describe('auc', () => {
  it('is 0 when every y is above every x, 1 the other way and 0.5 for equal samples', () => {
    expect(auc([1, 2, 3], [4, 5])).toBe(0);
    expect(auc([4, 5], [1, 2, 3])).toBe(1);
    expect(auc([1, 2, 3], [1, 2, 3])).toBe(0.5);
  });

  it('equals U / (n1 n2) counted pair by pair, ties one half', () => {
    // Pairs of x = [1, 2, 2, 5] over y = [2, 3]: 1 loses twice; each 2 ties 2 (0.5) and loses to 3; 5 wins twice -> 3 / 8.
    expect(auc([1, 2, 2, 5], [2, 3])).toBeCloseTo(3 / 8, 12);
    const x = [0.3, 0.1, 0.7, 0.7, 0.2, 0.9, 0.4];
    const y = [0.5, 0.7, 0.1, 0.8, 0.6];
    expect(auc(x, y)).toBeCloseTo(pairCount(x, y), 12);
    expect((auc(x, y) as number) + (auc(y, x) as number)).toBeCloseTo(1, 12);
  });

  it('is null for an empty sample', () => {
    expect(auc([], [1])).toBeNull();
    expect(auc([1], [])).toBeNull();
  });
});

describe('midranks', () => {
  it('gives tied values the mean of their ranks, in input order', () => {
    expect(midranks([10, 30, 20, 30])).toEqual([1, 3.5, 2, 3.5]);
  });
});

describe('aucPermutationP', () => {
  const low = [1, 2, 3, 4, 5, 6, 7, 8];
  const high = [11, 12, 13, 14, 15, 16, 17, 18];

  it('is small for samples that do not overlap and large for identical ones', () => {
    // Exact two-sided p for 8 vs 8 with no overlap: 2 / C(16, 8) = 1.6e-4; the estimate is floored at 1 / permutations.
    expect(aucPermutationP(low, high, 's', 2000)).toBeLessThan(0.005);
    expect(aucPermutationP(low, [...low], 's', 2000)).toBeGreaterThan(0.9);
  });

  it('is the same for the same seed, lies in [1 / permutations, 1], and is null for an empty sample', () => {
    const x = [0.3, 0.1, 0.7, 0.7, 0.2, 0.9, 0.4];
    const y = [0.5, 0.7, 0.1, 0.8, 0.6];
    const p = aucPermutationP(x, y, 'seed-a', 500) as number;
    expect(aucPermutationP(x, y, 'seed-a', 500)).toBe(p);
    expect(p).toBeGreaterThanOrEqual(1 / 500);
    expect(p).toBeLessThanOrEqual(1);
    expect(aucPermutationP([], y, 'seed-a')).toBeNull();
  });

  it('reads the AUC, not the values: a monotone transform leaves it unchanged', () => {
    const x = [0.3, 0.1, 0.7, 0.2, 0.9];
    const y = [0.5, 0.8, 0.6, 0.65];
    expect(aucPermutationP(x.map(Math.exp), y.map(Math.exp), 'k', 400)).toBe(aucPermutationP(x, y, 'k', 400));
  });
});

describe('detectableAucEffect', () => {
  it("follows Noether's formula: 50 against 50 detect |AUC - 0.5| = (1.960 + 0.842) / sqrt(300)", () => {
    expect(detectableAucEffect(50, 50)).toBeCloseTo((1.959964 + 0.841621) / Math.sqrt(300), 4);
  });

  it('shrinks as either group grows, and is infinite for an empty group', () => {
    expect(detectableAucEffect(100, 28)).toBeLessThan(detectableAucEffect(15, 113));
    expect(detectableAucEffect(20, 100)).toBeLessThan(detectableAucEffect(10, 100));
    expect(detectableAucEffect(0, 100)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('spearman', () => {
  it('is 1 for a monotone relation and -1 for a reversed one', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('is null under 3 pairs or without rank variance, and refuses unpaired samples', () => {
    expect(spearman([1, 2], [2, 1])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(/paired/);
  });
});

describe('fitLine', () => {
  it('recovers an exact line with R^2 1 and zero residuals', () => {
    const fit = fitLine([
      [0, 1],
      [1, 3],
      [2, 5],
      [3, 7],
    ]);
    expect(fit?.slope).toBeCloseTo(2, 12);
    expect(fit?.intercept).toBeCloseTo(1, 12);
    expect(fit?.r2).toBeCloseTo(1, 12);
    for (const r of fit?.residuals ?? []) expect(r).toBeCloseTo(0, 12);
  });

  it('has residuals that sum to zero (least squares with an intercept)', () => {
    const fit = fitLine([
      [0, 1],
      [1, 0],
      [2, 4],
      [3, 2],
      [4, 5],
    ]);
    expect(fit?.residuals.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 10);
    expect(fit?.r2).toBeGreaterThan(0);
    expect(fit?.r2).toBeLessThan(1);
  });

  it('needs 3 points', () => {
    expect(
      fitLine([
        [0, 1],
        [1, 2],
      ]),
    ).toBeNull();
  });
});

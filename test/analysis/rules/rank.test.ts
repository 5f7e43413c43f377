// The rank statistics behind the v3 per-block rules, on hand-built groups.
import { describe, expect, it } from 'vitest';
import { auc, permutationP } from '../../../analysis/rules/rank.js';

/** P(a > b) + P(a = b) / 2 by counting every pair: the definition the rank-sum form must equal. */
function aucByPairs(a: number[], b: number[]): number {
  let s = 0;
  for (const x of a) for (const y of b) s += x > y ? 1 : x === y ? 0.5 : 0;
  return s / (a.length * b.length);
}

describe('AUC (Mann-Whitney U / n1 n2)', () => {
  it('is 1, 0 and 0.5 for separated and identical groups, and equals the pair count with ties', () => {
    expect(auc([5, 6, 7], [1, 2])).toBe(1);
    expect(auc([1, 2], [5, 6, 7])).toBe(0);
    expect(auc([3, 3], [3, 3, 3])).toBe(0.5);
    const a = [0.1, 0.5, 0.5, 0.9, 0.2, 0.7];
    const b = [0.5, 0.3, 0.3, 0.8, 0.05];
    expect(auc(a, b)).toBeCloseTo(aucByPairs(a, b), 12);
    expect(auc(a, b)! + auc(b, a)!).toBeCloseTo(1, 12);
    expect(auc([], [1])).toBeNull();
  });
});

describe('permutation p-value', () => {
  it('is small for separated groups, large for interleaved ones, deterministic for a seed', () => {
    const low = Array.from({ length: 15 }, (_, i) => i);
    const high = Array.from({ length: 15 }, (_, i) => 100 + i);
    const p = permutationP(high, low, 'unit')!;
    // Every relabeling is less extreme than the observed one: p = 1 / (permutations + 1).
    expect(p).toBeCloseTo(1 / 2001, 10);
    const mixed = permutationP([1, 3, 5, 7, 9, 11], [2, 4, 6, 8, 10, 12], 'unit')!;
    expect(mixed).toBeGreaterThan(0.5);
    expect(permutationP([1, 3, 5, 7, 9, 11], [2, 4, 6, 8, 10, 12], 'unit')).toBe(mixed);
    expect(p).toBeGreaterThan(0);
    expect(mixed).toBeLessThanOrEqual(1);
  });
});

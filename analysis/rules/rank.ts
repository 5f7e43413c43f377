// Scale-free comparison of two groups of features (study v3): the probability that a random member
// of one group reads higher than a random member of the other (AUC, the Mann-Whitney U divided by
// n1 n2, ties counted half), and a two-sided permutation p-value. Pure and deterministic (seeded).
import seedrandom from 'seedrandom';

/** P(a > b) + P(a = b) / 2 over all pairs; null when a group is empty. */
export function auc(a: readonly number[], b: readonly number[]): number | null {
  if (a.length === 0 || b.length === 0) return null;
  // Rank-sum form: sort the pooled values once, average ranks over ties.
  const pooled = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  let rankSumA = 0;
  for (let i = 0; i < pooled.length;) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1].v === pooled[i].v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (pooled[k].g === 0) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (a.length * (a.length + 1)) / 2;
  return u / (a.length * b.length);
}

/** Permutations a p-value is computed from. */
export const PERMUTATIONS = 2000;

/**
 * Two-sided permutation p-value of the AUC of a against b: the share of relabelings (the pooled
 * values split at random into groups of the same sizes) whose |AUC - 0.5| is at least the
 * observed one, counting the observed labeling ((k + 1) / (n + 1)). Seeded by `seed` (a string:
 * the unit's key), so the same data give the same p.
 */
export function permutationP(a: readonly number[], b: readonly number[], seed: string, permutations = PERMUTATIONS): number | null {
  const observed = auc(a, b);
  if (observed === null) return null;
  const pooled = [...a, ...b];
  const random = seedrandom(`permutation ${seed}`);
  const distance = Math.abs(observed - 0.5);
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    // Partial Fisher-Yates: the first a.length positions are the relabelled group a.
    const order = pooled.slice();
    for (let i = 0; i < a.length; i++) {
      const j = i + Math.floor(random() * (order.length - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const d = Math.abs((auc(order.slice(0, a.length), order.slice(a.length)) as number) - 0.5);
    // A tolerance for float ties between equal rank sums.
    if (d >= distance - 1e-12) atLeast++;
  }
  return (atLeast + 1) / (permutations + 1);
}

// Scale-free statistics of two samples and of pairs: AUC (Mann-Whitney), a seeded permutation
// p-value, the smallest AUC effect a comparison can detect, Spearman's rho, a log-linear fit.
// From simple-statistics where it has them (the normal quantile from vega-statistics: simple-statistics'
// probit is off by 3e-3 at 0.975). Pure.
import seedrandom from 'seedrandom';
import { linearRegression, linearRegressionLine, permutationTest, rSquared, sampleRankCorrelation, wilcoxonRankSum } from 'simple-statistics';
import { quantileNormal } from 'vega-statistics';

/**
 * The AUC of x against y: the probability that a value drawn from x exceeds one drawn from y,
 * ties counting one half; Mann-Whitney's U of x over n_x n_y. 0.5: no separation; 0: every y
 * above every x. Null when either sample is empty.
 */
export function auc(x: readonly number[], y: readonly number[]): number | null {
  if (x.length === 0 || y.length === 0) return null;
  const rankSum = wilcoxonRankSum([...x], [...y]);
  return (rankSum - (x.length * (x.length + 1)) / 2) / (x.length * y.length);
}

/** Permutations a p-value is estimated from. */
export const PERMUTATIONS = 2000;

/** Midranks (1-based, ties share the mean of their ranks) of values, in input order. */
export function midranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * Two-sided permutation p-value of the AUC of x against y: the share of random relabellings (the
 * sample sizes kept) whose AUC lies at least as far from 0.5. simple-statistics' permutation test
 * on the pooled midranks, whose difference of means is a linear function of U; the random source
 * is seeded by `seed`, so the p-value is the same on every run. Null when either sample is empty.
 */
export function aucPermutationP(x: readonly number[], y: readonly number[], seed: string, permutations = PERMUTATIONS): number | null {
  if (x.length === 0 || y.length === 0) return null;
  const ranks = midranks([...x, ...y]);
  const p = permutationTest(ranks.slice(0, x.length), ranks.slice(x.length), 'two_side', permutations, seedrandom(seed));
  // At least one relabelling (the observed one) is as extreme: a p-value of 0 would overstate it.
  return Math.max(p, 1 / permutations);
}

/** The significance level and power the detectable effect is computed for. */
export const POWER = { alpha: 0.05, power: 0.8 } as const;

/**
 * The smallest |AUC - 0.5| a two-sided Mann-Whitney test at POWER.alpha detects with probability
 * POWER.power, from Noether's (1987) sample-size formula N = (z_a + z_b)^2 / (12 c (1 - c) d^2),
 * c = n_x / N, solved for d: (z_a + z_b) / sqrt(12 n_x n_y / N). Infinity when a sample is empty.
 */
export function detectableAucEffect(nx: number, ny: number): number {
  if (nx <= 0 || ny <= 0) return Number.POSITIVE_INFINITY;
  const z = quantileNormal(1 - POWER.alpha / 2) + quantileNormal(POWER.power);
  return z / Math.sqrt((12 * nx * ny) / (nx + ny));
}

/** Spearman's rank correlation of paired values (midranks); null under 3 pairs or with no rank variance. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error(`spearman needs paired samples (got ${x.length} and ${y.length} values)`);
  if (x.length < 3) return null;
  const rho = sampleRankCorrelation([...x], [...y]);
  return Number.isFinite(rho) ? rho : null;
}

export interface LineFit {
  slope: number;
  intercept: number;
  r2: number;
  /** Observed minus fitted, in the order of the points. */
  residuals: number[];
}

/** Least-squares line through (x, y) points with its R^2 and residuals; null under 3 points. */
export function fitLine(points: ReadonlyArray<readonly [number, number]>): LineFit | null {
  if (points.length < 3) return null;
  const data = points.map(([x, y]) => [x, y]);
  const { m, b } = linearRegression(data);
  const line = linearRegressionLine({ m, b });
  return { slope: m, intercept: b, r2: rSquared(data, line), residuals: points.map(([x, y]) => y - line(x)) };
}

// The ordered-factor rule (H3 and H5 of every version): along a factor's levels the sparsity is
// expected to move one way, clearly between the end levels and with no clear step the other way.
import { compareAbove } from '../seeds.js';
import { mean } from '../statistics.js';
import type { RuleUnit, UnitOutcome } from './result.js';

/** One level of the factor: its value and the sparsity of each seed's run. */
export interface TrendCell {
  level: number;
  sparsities: readonly number[];
}

export interface TrendNumbers {
  /** Mean sparsity at the first and last level, and last minus first in the expected direction. */
  firstMean: number | null;
  lastMean: number | null;
  /** Expected-direction difference: (last - first) when rising is expected, (first - last) otherwise. */
  difference: number | null;
  /** Some step between neighbouring levels goes clearly the other way. */
  wrongStep: boolean;
  /** Fewest seeds of any level. */
  minSeeds: number;
}

/**
 * One unit of a trend rule. It supports when the end level expected higher is clearly above the
 * other (every seed above every seed, means at least `clearEffect` apart) and no neighbouring
 * step is clearly the other way; it contradicts when it is not above by that much even at the
 * extremes of the seeds; otherwise unclear. Needs two levels and `minSeeds` seeds at every level
 * (v2 and v3; v1 asks only its end levels for the seeds of any comparison: minSeeds 0), and is
 * insufficient when the end levels have too few seeds to compare.
 */
export function trendUnit(key: string, cells: readonly TrendCell[], expectRise: boolean, clearEffect: number, minSeeds: number): RuleUnit<TrendNumbers> {
  const sorted = [...cells].sort((a, b) => a.level - b.level);
  const fewest = sorted.length ? Math.min(...sorted.map((c) => c.sparsities.length)) : 0;
  const numbers: TrendNumbers = { firstMean: null, lastMean: null, difference: null, wrongStep: false, minSeeds: fewest };
  if (sorted.length < 2) return { key, outcome: 'insufficient', note: 'too-few-levels', numbers };
  if (fewest < minSeeds) return { key, outcome: 'insufficient', note: 'too-few-seeds', numbers };
  const first = sorted[0].sparsities;
  const last = sorted[sorted.length - 1].sparsities;
  const firstMean = mean(first);
  const lastMean = mean(last);
  numbers.firstMean = firstMean;
  numbers.lastMean = lastMean;
  numbers.difference = expectRise ? lastMean - firstMean : firstMean - lastMean;
  const [hi, lo] = expectRise ? [last, first] : [first, last];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i].sparsities;
    const b = sorted[i + 1].sparsities;
    if (compareAbove(expectRise ? a : b, expectRise ? b : a, clearEffect) === 'above') numbers.wrongStep = true;
  }
  const cmp = compareAbove(hi, lo, clearEffect);
  let outcome: UnitOutcome = 'unclear';
  if (cmp === 'insufficient') return { key, outcome: 'insufficient', note: 'too-few-seeds', numbers };
  if (cmp === 'above' && !numbers.wrongStep) outcome = 'supports';
  else if (cmp === 'notAbove') outcome = 'contradicts';
  return { key, outcome, note: null, numbers };
}

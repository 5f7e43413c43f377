// Comparisons of two samples of seeds, judged on their spread rather than their means alone. Pure.
import { mean } from './statistics.js';

/** Seeds a sample needs before it is compared. */
export const MIN_SEEDS = 2;

export type Comparison = 'above' | 'notAbove' | 'unclear' | 'insufficient';
export type Change = 'changed' | 'unchanged' | 'unclear' | 'insufficient';

/**
 * Is sample a above sample b by at least minEffect? "above": every seed of a is above every seed
 * of b and the means differ by at least minEffect; "notAbove": even the most favourable pairing,
 * max(a) - min(b), falls short of minEffect; anything between is "unclear".
 */
export function compareAbove(a: readonly number[], b: readonly number[], minEffect: number): Comparison {
  if (a.length < MIN_SEEDS || b.length < MIN_SEEDS) return 'insufficient';
  const d = mean(a) - mean(b);
  if (Math.min(...a) > Math.max(...b) && d >= minEffect) return 'above';
  if (Math.max(...a) - Math.min(...b) < minEffect) return 'notAbove';
  return 'unclear';
}

/** Do two samples differ (either way) by at least minEffect? */
export function compareChange(a: readonly number[], b: readonly number[], minEffect: number): Change {
  const up = compareAbove(a, b, minEffect);
  const down = compareAbove(b, a, minEffect);
  if (up === 'insufficient') return 'insufficient';
  if (up === 'above' || down === 'above') return 'changed';
  if (up === 'notAbove' && down === 'notAbove') return 'unchanged';
  return 'unclear';
}

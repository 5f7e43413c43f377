// What every study-v2 rule returns: units with an outcome and the numbers that decided it, an
// overall outcome, and the headline effect computed from the same units. Numbers only, no prose.
export { byAll, byMajority, type Outcome, type UnitOutcome } from '../../site/lib/verdicts.js';
export { mean, median, quantile, sd } from '../../site/lib/stats.js';
import type { Outcome, UnitOutcome } from '../../site/lib/verdicts.js';

export interface RuleUnit<Numbers> {
  /** What the unit is (a run, a block of a run, an optimizer), as data. */
  key: string;
  outcome: UnitOutcome;
  /** Why the unit is insufficient or unclear, as a code the site words; null when decided. */
  note: string | null;
  numbers: Numbers;
}

export interface RuleResult<Numbers, Effect> {
  outcome: Outcome;
  /** Why the outcome is inconclusive for want of data (a code), or null. */
  note: string | null;
  units: Array<RuleUnit<Numbers>>;
  /** The headline effect, from the units that decided (never from cells the rule does not use). */
  effect: Effect;
}

/** The units' outcomes as counts, for reasons and tests. */
export function tally(units: ReadonlyArray<{ outcome: UnitOutcome }>): Record<UnitOutcome, number> {
  const out: Record<UnitOutcome, number> = { supports: 0, contradicts: 0, unclear: 0, insufficient: 0 };
  for (const u of units) out[u.outcome] += 1;
  return out;
}

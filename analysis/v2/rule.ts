// What every study-v2 rule returns: units with an outcome and the numbers that decided it, an
// overall outcome, and the headline effect computed from the same units. Numbers only, no prose.
// The combinators and statistics are v1's (analysis/v1/outcome.ts, analysis/statistics.ts): one copy.
export { byAll, byMajority, tally, type Outcome, type UnitOutcome } from '../v1/outcome.js';
export { mean, median, quantile, sd } from '../statistics.js';
import type { Outcome, UnitOutcome } from '../v1/outcome.js';

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

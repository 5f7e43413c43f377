// What every verdict rule returns, whatever its version: units with an outcome and the numbers
// that decided it, an overall outcome, and the headline effect computed from the same units; and
// how the units combine into the outcome. Numbers only, no prose (the site words them). Pure.

export type Outcome = 'supported' | 'contradicted' | 'inconclusive';
export type UnitOutcome = 'supports' | 'contradicts' | 'unclear' | 'insufficient';

export interface RuleUnit<Numbers> {
  /** What the unit is (a run, a block of a run, an optimizer, a group of factors), as data. */
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

export interface Tally {
  /** Units that are not insufficient. */
  informative: number;
  supports: number;
  contradicts: number;
  unclear: number;
  insufficient: number;
}

export function tally(units: ReadonlyArray<{ outcome: UnitOutcome }>): Tally {
  const count = (o: UnitOutcome) => units.filter((u) => u.outcome === o).length;
  return {
    informative: units.length - count('insufficient'),
    supports: count('supports'),
    contradicts: count('contradicts'),
    unclear: count('unclear'),
    insufficient: count('insufficient'),
  };
}

/** The default rule: a strict majority of informative units, none pointing the other way. */
export function byMajority(units: ReadonlyArray<{ outcome: UnitOutcome }>): Outcome {
  const t = tally(units);
  if (t.supports * 2 > t.informative && t.contradicts === 0) return 'supported';
  if (t.contradicts * 2 > t.informative && t.supports === 0) return 'contradicted';
  return 'inconclusive';
}

/** For universal claims: every informative unit supports; any contradicting unit refutes. */
export function byAll(units: ReadonlyArray<{ outcome: UnitOutcome }>): Outcome {
  const t = tally(units);
  if (t.contradicts > 0) return 'contradicted';
  if (t.informative > 0 && t.supports === t.informative) return 'supported';
  return 'inconclusive';
}

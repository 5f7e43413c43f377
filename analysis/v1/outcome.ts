// How the units of a rule (cells, groups or runs) combine into a hypothesis's outcome. Pure.

export type Outcome = 'supported' | 'contradicted' | 'inconclusive';
export type UnitOutcome = 'supports' | 'contradicts' | 'unclear' | 'insufficient';

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

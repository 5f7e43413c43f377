// H1 (v2): without regularization, no optimizer produces substantial sparsity, at any learning
// rate of its range.
import { byAll, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { mean } from '../statistics.js';
import { cellsOf, rangeShortfall, type RangeCell } from '../rules/lr-range.js';

/** The constants of the rule, fixed before the lr-range runs it decides existed. */
export const H1_V2 = {
  /** Network sparsity at or above this is substantial (as in v1). */
  substantial: 0.1,
  optimizers: ['sgd', 'momentum', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop'],
} as const;

export interface H1Numbers {
  optimizer: string;
  rates: number[];
  /** Largest cell mean over the range, and at which learning rate. */
  largestMean: number | null;
  largestAt: number | null;
  /** Cells with every seed at or above `substantial`, and with seeds on both sides. */
  substantialCells: number;
  straddlingCells: number;
}

export interface H1Effect {
  /** The largest cell mean of any deciding unit: what a contradiction rests on. */
  largestMean: number | null;
  optimizer: string | null;
  lr: number | null;
}

/**
 * A unit (an optimizer without regularization, over its range) supports when every seed at every
 * learning rate is below `substantial`, contradicts when some learning rate has every seed at or
 * above it, and is unclear otherwise. A universal claim: any contradicting unit refutes it.
 */
export function h1(cells: readonly RangeCell[]): RuleResult<H1Numbers, H1Effect> {
  const units: Array<RuleUnit<H1Numbers>> = H1_V2.optimizers.map((optimizer) => {
    const range = cellsOf(cells, optimizer);
    const means = range.map((c) => (c.sparsities.length ? mean(c.sparsities) : -Infinity));
    const top = means.length ? means.indexOf(Math.max(...means)) : -1;
    const numbers: H1Numbers = {
      optimizer,
      rates: range.map((c) => c.lr),
      largestMean: top >= 0 && Number.isFinite(means[top]) ? means[top] : null,
      largestAt: top >= 0 ? range[top].lr : null,
      substantialCells: range.filter((c) => c.sparsities.length > 0 && c.sparsities.every((s) => s >= H1_V2.substantial)).length,
      straddlingCells: range.filter((c) => c.sparsities.some((s) => s >= H1_V2.substantial) && c.sparsities.some((s) => s < H1_V2.substantial)).length,
    };
    const shortfall = rangeShortfall(range);
    if (shortfall) return { key: optimizer, outcome: 'insufficient', note: shortfall, numbers };
    let outcome: UnitOutcome = 'unclear';
    if (numbers.substantialCells > 0) outcome = 'contradicts';
    else if (numbers.straddlingCells === 0) outcome = 'supports';
    return { key: optimizer, outcome, note: null, numbers };
  });
  const deciding = units.filter((u) => u.outcome !== 'insufficient' && u.numbers.largestMean !== null);
  const top = deciding.reduce<RuleUnit<H1Numbers> | null>(
    (best, u) => (best === null || (u.numbers.largestMean as number) > (best.numbers.largestMean as number) ? u : best),
    null,
  );
  return {
    outcome: byAll(units.map((u) => ({ label: u.key, outcome: u.outcome, detail: '' }))),
    note: deciding.length === 0 ? 'no-deciding-unit' : null,
    units,
    effect: { largestMean: top?.numbers.largestMean ?? null, optimizer: top?.key ?? null, lr: top?.numbers.largestAt ?? null },
  };
}

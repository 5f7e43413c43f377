// H2 (v2): with L2, adaptive optimizers produce far more sparsity than SGD, compared over each
// optimizer's learning-rate range against the SGD family's sparsest cell.
import { compareAbove } from '../seeds.js';
import { byMajority, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { mean, median } from '../statistics.js';
import { cellsOf, rangeShortfall, type RangeCell } from '../rules/lr-range.js';

/** The constants of the rule, fixed before the lr-range runs it decides existed. */
export const H2_V2 = {
  /** "Far more": at least this many points above the reference (as in v1). */
  farMore: 0.1,
  adaptive: ['adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop'],
  /** The reference: SGD and SGD with momentum, every learning rate of their ranges. */
  reference: ['sgd', 'momentum'],
} as const;

export interface H2Numbers {
  optimizer: string;
  rates: number[];
  /** Per learning rate: cell mean minus the reference mean, and how it compares. */
  margins: Array<{ lr: number; margin: number; comparison: ReturnType<typeof compareAbove> }>;
  /** Smallest and largest margin over the range. */
  minMargin: number | null;
  maxMargin: number | null;
}

export interface H2Effect {
  /** The reference cell: the SGD-family cell with the most sparsity. */
  reference: { optimizer: string; lr: number; mean: number } | null;
  /** Median over the deciding units of their smallest margin: at or above farMore only if most units hold at every rate. */
  medianMinMargin: number | null;
}

/**
 * Reference: among the cells of SGD and SGD with momentum under L2 (each range complete), the one
 * with the largest mean sparsity, so an adaptive optimizer must beat SGD at its sparsest. A unit
 * (an adaptive optimizer under L2 over its range) supports when it is clearly above the reference
 * by farMore at every learning rate, contradicts when it is not above it by that much at any, and
 * is unclear when that depends on the learning rate. By majority of the deciding units.
 */
export function h2(cells: readonly RangeCell[]): RuleResult<H2Numbers, H2Effect> {
  const referenceRanges = H2_V2.reference.map((o) => cellsOf(cells, o));
  const referenceComplete = referenceRanges.every((r) => rangeShortfall(r) === null);
  const candidates = referenceRanges.flat().filter((c) => c.sparsities.length > 0);
  const ref = referenceComplete && candidates.length ? candidates.reduce((a, b) => (mean(b.sparsities) > mean(a.sparsities) ? b : a)) : null;
  const units: Array<RuleUnit<H2Numbers>> = H2_V2.adaptive.map((optimizer) => {
    const range = cellsOf(cells, optimizer);
    const numbers: H2Numbers = { optimizer, rates: range.map((c) => c.lr), margins: [], minMargin: null, maxMargin: null };
    if (!ref) return { key: optimizer, outcome: 'insufficient', note: 'no-reference', numbers };
    const shortfall = rangeShortfall(range);
    if (shortfall) return { key: optimizer, outcome: 'insufficient', note: shortfall, numbers };
    numbers.margins = range.map((c) => ({
      lr: c.lr,
      margin: mean(c.sparsities) - mean(ref.sparsities),
      comparison: compareAbove(c.sparsities, ref.sparsities, H2_V2.farMore),
    }));
    numbers.minMargin = Math.min(...numbers.margins.map((m) => m.margin));
    numbers.maxMargin = Math.max(...numbers.margins.map((m) => m.margin));
    let outcome: UnitOutcome = 'unclear';
    if (numbers.margins.every((m) => m.comparison === 'above')) outcome = 'supports';
    else if (numbers.margins.every((m) => m.comparison === 'notAbove')) outcome = 'contradicts';
    return { key: optimizer, outcome, note: outcome === 'unclear' ? 'depends-on-learning-rate' : null, numbers };
  });
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  return {
    outcome: byMajority(units.map((u) => ({ label: u.key, outcome: u.outcome, detail: '' }))),
    note: ref === null ? 'no-reference' : deciding.length === 0 ? 'no-deciding-unit' : null,
    units,
    effect: {
      reference: ref ? { optimizer: ref.optimizer, lr: ref.lr, mean: mean(ref.sparsities) } : null,
      medianMinMargin: deciding.length ? median(deciding.map((u) => u.numbers.minMargin as number)) : null,
    },
  };
}

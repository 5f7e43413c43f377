// H2: With L2, adaptive optimizers produce far more sparsity than SGD.
// Its home: every rule that has decided it (v1, v2, v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { cellsOf, factorOf, type FactorValue, measured, membersOf, valuesOf } from '../cells.js';
import { compareAbove } from '../seeds.js';
import { mean, median } from '../statistics.js';
import { ADAPTIVE_OPTIMIZERS, RULE_CONSTANTS, SGD_OPTIMIZERS, type RuleConstants } from '../rules/v1-constants.js';
import { byMajority, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { type Context, minSeedsOf, missingVerdict, studiesFor, type V1Verdict, verdictOf } from '../rules/v1-context.js';
import { type RangeCell, rangeOf, rangeShortfall } from '../rules/lr-range.js';
import { COLLAPSE_EFOLDS } from '../../data/definitions.js';
import { type Criterion, underBothCriteria, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import type { NumberFormat } from '../rules/text.js';

// ---- v1 --------------------------------------------------------------------------------
// H2: with L2, adaptive optimizers produce far more sparsity than SGD.
const { FAR_MORE } = RULE_CONSTANTS;

/** One adaptive optimizer under L2 against the pooled SGD reference (optimizer null: there is no reference). */
export interface H2V1Numbers {
  optimizer: FactorValue | null;
  values: number[];
  reference: number[];
  /** Mean minus reference mean (null when either has no seeds). */
  difference: number | null;
}
/** Adaptive minus SGD sparsity under L2, one per adaptive optimizer (the effect is their mean). */
export interface H2V1Effect {
  differences: number[];
}
export type H2V1Verdict = V1Verdict<2, H2V1Numbers, H2V1Effect>;

export function h2V1(ctx: Context): H2V1Verdict {
  const studies = studiesFor(2, ctx.input);
  if (studies.length === 0) return missingVerdict(2, { differences: [] });
  const study = studies[0];
  const l2 = measured(membersOf(study, ctx.runsById), 'activation').filter((m) => factorOf(m, 'regularization.kind') === 'l2');
  const reference = l2.filter((m) => SGD_OPTIMIZERS.includes(String(factorOf(m, 'optimizer.name'))));
  const ref = valuesOf(reference, 'activation');
  const adaptive = cellsOf(
    l2.filter((m) => ADAPTIVE_OPTIMIZERS.includes(String(factorOf(m, 'optimizer.name')))),
    ['optimizer.name'],
  );
  const units: Array<RuleUnit<H2V1Numbers>> = adaptive.map((c) => {
    const values = valuesOf(c.members, 'activation');
    const cmp = compareAbove(values, ref, FAR_MORE);
    const outcome: UnitOutcome = cmp === 'above' ? 'supports' : cmp === 'notAbove' ? 'contradicts' : cmp === 'insufficient' ? 'insufficient' : 'unclear';
    const difference = values.length && ref.length ? mean(values) - mean(ref) : null;
    const optimizer = c.factors['optimizer.name'];
    return { key: String(optimizer), outcome, note: null, numbers: { optimizer, values, reference: ref, difference } };
  });
  if (ref.length === 0)
    units.push({
      key: 'SGD reference',
      outcome: 'insufficient',
      note: 'no-reference',
      numbers: { optimizer: null, values: [], reference: [], difference: null },
    });
  const differences = ref.length > 0 ? adaptive.map((c) => mean(valuesOf(c.members, 'activation')) - mean(ref)) : [];
  const used = [...reference, ...adaptive.flatMap((c) => c.members)];
  const effect = { value: differences.length ? mean(differences) : null, differences };
  return verdictOf({
    hypothesis: 2,
    outcome: byMajority(units),
    units,
    used,
    minSeeds: minSeedsOf([reference, ...adaptive.map((c) => c.members)]),
    studies,
    figure: { study: study.study, figure: 'sparsity' },
    effect,
  });
}

// ---- v2 --------------------------------------------------------------------------------
// H2 (v2): with L2, adaptive optimizers produce far more sparsity than SGD, compared over each
// optimizer's learning-rate range against the SGD family's sparsest cell.
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
  /** The runs of the range and of the reference cell it is compared with (where the cells name them). */
  runs: string[];
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
export function h2V2(cells: readonly RangeCell[]): RuleResult<H2Numbers, H2Effect> {
  const referenceRanges = H2_V2.reference.map((o) => rangeOf(cells, o));
  const referenceComplete = referenceRanges.every((r) => rangeShortfall(r) === null);
  const candidates = referenceRanges.flat().filter((c) => c.sparsities.length > 0);
  const ref = referenceComplete && candidates.length ? candidates.reduce((a, b) => (mean(b.sparsities) > mean(a.sparsities) ? b : a)) : null;
  const units: Array<RuleUnit<H2Numbers>> = H2_V2.adaptive.map((optimizer) => {
    const range = rangeOf(cells, optimizer);
    const numbers: H2Numbers = {
      optimizer,
      rates: range.map((c) => c.lr),
      margins: [],
      minMargin: null,
      maxMargin: null,
      runs: [...range.flatMap((c) => c.runs ?? []), ...(ref?.runs ?? [])],
    };
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

// ---- v3 --------------------------------------------------------------------------------
// H2 (v3): with L2, adaptive optimizers produce far more sparsity than SGD. Decided only against
// SGD cells whose decay budget can collapse a gamma (>= ln 1000 = 6.9 e-folds): study v2's SGD
// cells had at most 1.5 e-folds, so their zeros were arithmetic, not findings. Adam with L2 (the
// main configuration, fresh seeds) against SGD with momentum and L2 at budgets of 7, 14 and 28.
export const H2_V3 = {
  /** "Far more": the adaptive cell's mean at least this far above the SGD cell's, every seed above every seed. */
  farMore: 0.1,
  /** SGD cells below this budget cannot decide. */
  minBudget: COLLAPSE_EFOLDS,
  minSeeds: 3,
  /** The adaptive reference: Adam, L2, the main configuration's learning rate and strength. */
  reference: { optimizer: 'adam', lr: 1e-3, strength: 5e-4 },
} as const;

export interface H2V3Numbers {
  sgd: string;
  budget: number | null;
  sgdMean: number | null;
  adaptiveMean: number | null;
  difference: number | null;
}

export interface H2V3Effect {
  /** Mean of adaptive minus SGD over the deciding cells. */
  meanDifference: number | null;
}

/** `runs`: the Adam reference (width 16) and the SGD-family L2 cells. Units: each SGD cell against the reference. */
export function h2V3Rule(runs: readonly V3Run[], criterion: Criterion): RuleResult<H2V3Numbers, H2V3Effect> {
  const ref = H2_V3.reference;
  const adaptive = runs.filter(
    (r) => r.optimizer === ref.optimizer && r.regularization === 'l2' && r.lr === ref.lr && r.strength === ref.strength && r.width === 16,
  );
  const a = sparsities(adaptive, criterion);
  const cells = new Map<string, V3Run[]>();
  for (const r of runs.filter((x) => (x.optimizer === 'sgd' || x.optimizer === 'momentum') && x.regularization === 'l2')) {
    const key = `${r.optimizer} lr ${r.lr} L2 ${r.strength}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const units: Array<RuleUnit<H2V3Numbers>> = [...cells.entries()]
    .sort((x, y) => x[1][0].strength - y[1][0].strength)
    .map(([key, cell]) => {
      const s = sparsities(cell, criterion);
      const budget = cell[0].decayBudget;
      const numbers: H2V3Numbers = {
        sgd: key,
        budget,
        sgdMean: mean(s),
        adaptiveMean: a.length ? mean(a) : null,
        difference: a.length ? mean(a) - mean(s) : null,
      };
      if (budget === null || budget < H2_V3.minBudget) return { key, outcome: 'insufficient', note: 'decay-budget-below-collapse', numbers };
      if (s.length < H2_V3.minSeeds || a.length < H2_V3.minSeeds) return { key, outcome: 'insufficient', note: 'too-few-seeds', numbers };
      const cmp = compareAbove(a, s, H2_V3.farMore);
      const outcome: UnitOutcome = cmp === 'above' ? 'supports' : cmp === 'notAbove' ? 'contradicts' : 'unclear';
      return { key, outcome, note: cmp === 'unclear' ? 'within-seed-spread-of-threshold' : null, numbers };
    });
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  const outcome = deciding.length === 0 ? 'inconclusive' : byMajority(units);
  return {
    outcome,
    note: deciding.length === 0 ? 'no-sgd-cell-with-budget' : null,
    units,
    effect: { meanDifference: deciding.length ? mean(deciding.map((u) => u.numbers.difference as number)) : null },
  };
}

export function h2V3(runs: readonly V3Run[]): V3Result<H2V3Numbers, H2V3Effect> {
  return underBothCriteria((c) => h2V3Rule(runs, c));
}

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h2V1Text(c: RuleConstants, { points }: NumberFormat): string {
  return `Reference: the seeds of SGD and SGD with momentum under L2 (pooled). Units: each adaptive optimizer (${ADAPTIVE_OPTIMIZERS.join(', ')}) under L2, which supports when it is clearly above the reference by at least ${points(c.FAR_MORE, 0)} and contradicts when it is not above it by that much. Effect: mean over adaptive optimizers of their mean minus the reference mean.`;
}

/** The v2 rule as the methods page states it, written from the constants it reads. */
export function h2V2Text({ points }: NumberFormat): string {
  return `Reference: the cell of SGD or SGD with momentum under L2 (over their ranges, both complete) with the most sparsity, so an adaptive optimizer must beat SGD at its sparsest. Units: each adaptive optimizer (${H2_V2.adaptive.join(', ')}) under L2 over its range (as for H1). A unit supports when it is clearly above the reference by at least ${points(H2_V2.farMore, 0)} at every rate (every seed above every reference seed), contradicts when it is not above it by that much at any rate, and is unclear when that depends on the rate. By majority, none pointing the other way. No learning rate is picked. Effect: the median over deciding units of their smallest margin, the number the rule reads.`;
}

// H5 (v2): harder tasks (more classes) show less sparsity, decided on the arm where every task
// trains on the same number of images for the same number of epochs.
import { byMajority, type Outcome, type RuleResult, type RuleUnit } from '../rules/result.js';
import { mean } from '../statistics.js';
import { trendUnit, type TrendNumbers } from '../rules/trend.js';
import { epochs } from '../training-length.js';

/** The constants of the rule, fixed before the task-equal runs it decides existed. */
export const H5_V2 = {
  /** Fewest-class minus most-class sparsity (mean over seeds) that counts as clear. */
  clearEffect: 0.05,
  /** Seeds every task needs to decide. */
  minSeeds: 3,
} as const;

/** One run of the deciding arm. */
export interface H5Run {
  run: string;
  dataset: string;
  classes: number;
  trainImages: number;
  iterations: number;
  batchSize: number;
  /** Final network sparsity by activation. */
  sparsity: number;
}

export interface H5Numbers extends TrendNumbers {
  dataset: string;
  /** Every task of the unit trains on this many images and epochs (null: they differ, and the unit does not decide). */
  trainImages: number | null;
  epochs: number | null;
}

export interface H5Effect {
  /** Mean over deciding units of fewest- minus most-class sparsity. */
  difference: number | null;
}

/** Units: one per dataset of the arm, tasks ordered by their number of classes. */
export function h5(runs: readonly H5Run[]): RuleResult<H5Numbers, H5Effect> {
  const datasets = [...new Set(runs.map((r) => r.dataset))].sort();
  const units: Array<RuleUnit<H5Numbers>> = datasets.map((dataset) => {
    const members = runs.filter((r) => r.dataset === dataset);
    const images = new Set(members.map((r) => r.trainImages));
    const passes = new Set(members.map(epochs));
    const classes = [...new Set(members.map((r) => r.classes))];
    const unit = trendUnit(
      dataset,
      classes.map((c) => ({ level: c, sparsities: members.filter((r) => r.classes === c).map((r) => r.sparsity) })),
      false,
      H5_V2.clearEffect,
      H5_V2.minSeeds,
    );
    const equal = images.size === 1 && passes.size === 1;
    const numbers: H5Numbers = { ...unit.numbers, dataset, trainImages: equal ? [...images][0] : null, epochs: equal ? [...passes][0] : null };
    if (!equal) return { key: dataset, outcome: 'insufficient', note: 'unequal-size', numbers };
    return { ...unit, numbers };
  });
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  const outcome: Outcome = byMajority(units.map((u) => ({ label: u.key, outcome: u.outcome, detail: '' })));
  const diffs = deciding.map((u) => u.numbers.difference as number);
  return { outcome, note: deciding.length === 0 ? 'no-deciding-unit' : null, units, effect: { difference: diffs.length ? mean(diffs) : null } };
}

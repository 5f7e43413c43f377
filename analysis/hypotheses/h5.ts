// H5: Harder tasks (more classes) show less sparsity.
// Its home: every rule that has decided it (v1, v2, v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { measured, membersOf } from '../cells.js';
import { mean } from '../statistics.js';
import { byMajority, type Outcome, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import {
  type Context,
  groupsExcept,
  minSeedsOf,
  missingVerdict,
  studiesFor,
  type V1TrendNumbers,
  v1TrendUnits,
  type V1Verdict,
  verdictOf,
} from '../rules/v1-context.js';
import { type TrendNumbers, trendUnit } from '../rules/trend.js';
import { epochs } from '../training-length.js';
import { TASK_PAIRS } from '../../data/definitions.js';
import { compareAbove } from '../seeds.js';
import { type Criterion, underBothCriteria, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import type { NumberFormat } from '../rules/text.js';
import type { RuleConstants } from '../rules/v1-constants.js';

// ---- v1 --------------------------------------------------------------------------------
// H5: harder tasks (more classes) show less sparsity.
/** Fewest- minus most-class sparsity, one per group (the effect is their mean). */
export interface H5V1Effect {
  differences: number[];
}
export type H5V1Verdict = V1Verdict<5, V1TrendNumbers, H5V1Effect>;

export function h5V1(ctx: Context): H5V1Verdict {
  const studies = studiesFor(5, ctx.input);
  if (studies.length === 0) return missingVerdict(5, { differences: [] });
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const groups = groupsExcept(study, members, ['data.classes', 'data.dataset', 'data.trainSubset']);
  const { units, diffs, cells } = v1TrendUnits(groups, (m) => m.run.classes, false);
  const effect = { value: diffs.length ? mean(diffs) : null, differences: diffs };
  return verdictOf({
    hypothesis: 5,
    outcome: byMajority(units),
    units,
    used: members,
    minSeeds: minSeedsOf(cells),
    studies,
    figure: { study: study.study, figure: 'sparsity' },
    effect,
  });
}

// ---- v2 --------------------------------------------------------------------------------
// H5 (v2): harder tasks (more classes) show less sparsity, decided on the arm where every task
// trains on the same number of images for the same number of epochs.
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
  /** The runs of the unit's tasks. */
  runs: string[];
}

export interface H5Effect {
  /** Mean over deciding units of fewest- minus most-class sparsity. */
  difference: number | null;
}

/** Units: one per dataset of the arm, tasks ordered by their number of classes. */
export function h5V2(runs: readonly H5Run[]): RuleResult<H5Numbers, H5Effect> {
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
    const numbers: H5Numbers = {
      ...unit.numbers,
      dataset,
      trainImages: equal ? [...images][0] : null,
      epochs: equal ? [...passes][0] : null,
      runs: members.map((r) => r.run),
    };
    if (!equal) return { key: dataset, outcome: 'insufficient', note: 'unequal-size', numbers };
    return { ...unit, numbers };
  });
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  const outcome: Outcome = byMajority(units.map((u) => ({ label: u.key, outcome: u.outcome, detail: '' })));
  const diffs = deciding.map((u) => u.numbers.difference as number);
  return { outcome, note: deciding.length === 0 ? 'no-deciding-unit' : null, units, effect: { difference: diffs.length ? mean(diffs) : null } };
}

// ---- v3 --------------------------------------------------------------------------------
// H5 (v3): harder tasks show less sparsity, apart from which classes a task keeps. Every task trains
// on 12,000 class-stratified images (the same epochs). Two units: the number of classes with the
// classes drawn at random for each seed (2, 5 and all 10), and a hard pair against an easy pair of
// the same size (experiments/definitions.ts TASK_PAIRS), where the hard pair must be harder in fact.
export const H5_V3 = {
  /** Sparsity must differ by at least this between the ends (trend) or the pairs (every seed beyond every seed). */
  clearEffect: 0.05,
  minSeeds: 3,
  /** The hard pair counts as harder when its mean test accuracy is at least this far below the easy pair's. */
  harderBy: 0.02,
} as const;

export interface H5V3Numbers {
  /** Trend unit: the v2 trend numbers; pair unit: the pairs' means and test accuracies. */
  trend: TrendNumbers | null;
  hardMean: number | null;
  easyMean: number | null;
  hardAccuracy: number | null;
  easyAccuracy: number | null;
}

export interface H5V3Effect {
  /** Fewest minus most classes (random subsets), and easy minus hard pair: sparsity differences. */
  classesDifference: number | null;
  pairDifference: number | null;
}

const same = (a: readonly number[] | null, b: readonly number[]) => a !== null && a.length === b.length && a.every((x, i) => x === b[i]);

export function h5V3Rule(runs: readonly V3Run[], criterion: Criterion): RuleResult<H5V3Numbers, H5V3Effect> {
  const isPair = (r: V3Run) => same(r.classList, TASK_PAIRS.hard) || same(r.classList, TASK_PAIRS.easy);
  // Random subsets and the whole task: every run that is not one of the named pairs.
  const byClasses = runs.filter((r) => !isPair(r));
  const levels = [...new Set(byClasses.map((r) => r.classes))];
  const trend = trendUnit(
    'classes drawn at random',
    levels.map((level) => ({
      level,
      sparsities: sparsities(
        byClasses.filter((r) => r.classes === level),
        criterion,
      ),
    })),
    false,
    H5_V3.clearEffect,
    H5_V3.minSeeds,
  );
  const trendUnitV3: RuleUnit<H5V3Numbers> = {
    ...trend,
    numbers: { trend: trend.numbers, hardMean: null, easyMean: null, hardAccuracy: null, easyAccuracy: null },
  };

  const hard = runs.filter((r) => same(r.classList, TASK_PAIRS.hard));
  const easy = runs.filter((r) => same(r.classList, TASK_PAIRS.easy));
  const acc = (rs: V3Run[]) => {
    const a = rs.map((r) => r.testAccuracy).filter((x): x is number => x !== null);
    return a.length ? mean(a) : null;
  };
  const h = sparsities(hard, criterion);
  const e = sparsities(easy, criterion);
  const pairNumbers: H5V3Numbers = {
    trend: null,
    hardMean: h.length ? mean(h) : null,
    easyMean: e.length ? mean(e) : null,
    hardAccuracy: acc(hard),
    easyAccuracy: acc(easy),
  };
  let pairUnit: RuleUnit<H5V3Numbers>;
  const key = `pair ${TASK_PAIRS.hard.join('/')} against ${TASK_PAIRS.easy.join('/')}`;
  if (h.length < H5_V3.minSeeds || e.length < H5_V3.minSeeds) pairUnit = { key, outcome: 'insufficient', note: 'too-few-seeds', numbers: pairNumbers };
  else if (pairNumbers.hardAccuracy === null || pairNumbers.easyAccuracy === null || pairNumbers.easyAccuracy - pairNumbers.hardAccuracy < H5_V3.harderBy) {
    pairUnit = { key, outcome: 'insufficient', note: 'hard-pair-not-harder', numbers: pairNumbers };
  } else {
    const cmp = compareAbove(e, h, H5_V3.clearEffect);
    const outcome: UnitOutcome = cmp === 'above' ? 'supports' : cmp === 'notAbove' ? 'contradicts' : 'unclear';
    pairUnit = { key, outcome, note: cmp === 'unclear' ? 'within-seed-spread-of-threshold' : null, numbers: pairNumbers };
  }
  const units = [trendUnitV3, pairUnit];
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  return {
    outcome: deciding.length === 0 ? 'inconclusive' : byMajority(units),
    note: deciding.length === 0 ? 'no-unit-decides' : null,
    units,
    effect: {
      classesDifference: trend.numbers.difference,
      pairDifference: pairNumbers.easyMean !== null && pairNumbers.hardMean !== null ? pairNumbers.easyMean - pairNumbers.hardMean : null,
    },
  };
}

export function h5V3(runs: readonly V3Run[]): V3Result<H5V3Numbers, H5V3Effect> {
  return underBothCriteria((c) => h5V3Rule(runs, c));
}

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h5V1Text(c: RuleConstants, { points }: NumberFormat): string {
  return `Units: each group of the task study's other factors, with tasks ordered by their number of classes. Supports when the task with the fewest classes is clearly above the one with the most by at least ${points(c.CLEAR_EFFECT, 0)} and no step to more classes is clearly an increase of that size; contradicts when the fewest-class task is not above the most-class task by that much. Effect: mean over groups of fewest- minus most-class sparsity.`;
}

/** The v2 rule as the methods page states it, written from the constants it reads. */
export function h5V2Text({ points }: NumberFormat): string {
  return `Units: each dataset of the equal-size arm (study task-equal: every task on the same number of class-stratified training images, so the same epochs), tasks ordered by their number of classes, ${H5_V2.minSeeds} seeds per task; a unit whose tasks differ in images or epochs does not decide. Supports when the fewest-class task is clearly above the most-class one by at least ${points(H5_V2.clearEffect, 0)} and no step to more classes is clearly an increase; contradicts when it is not above by that much. By majority. The all-images arm (study task) is shown as secondary. Effect: mean fewest- minus most-class sparsity.`;
}

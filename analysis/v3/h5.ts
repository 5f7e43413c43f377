// H5 (v3): harder tasks show less sparsity, apart from which classes a task keeps. Every task trains
// on 12,000 class-stratified images (the same epochs). Two units: the number of classes with the
// classes drawn at random for each seed (2, 5 and all 10), and a hard pair against an easy pair of
// the same size (experiments/definitions.ts TASK_PAIRS), where the hard pair must be harder in fact.
import { TASK_PAIRS } from '../../data/definitions.js';
import { compareAbove } from '../seeds.js';
import { trendUnit, type TrendNumbers } from '../rules/trend.js';
import { underBothCriteria, type Criterion, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import { byMajority, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { mean } from '../statistics.js';

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

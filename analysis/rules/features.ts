// The per-feature comparison behind H6 (v3) and H10: within one block of one run, the features
// that die later against those that survive, compared by ranks (scale-free: the blocks' scales
// differ tenfold), read at a fixed early iteration, with a permutation p-value.
import { auc, permutationP } from './rank.js';
import { byMajority, type RuleResult, type RuleUnit, type UnitOutcome } from './result.js';
import { median } from '../statistics.js';
import type { Criterion } from './criteria.js';

/** The constants shared by H6 (v3) and H10, fixed before any study-v3 record existed. */
export const FEATURE_RULE_V3 = {
  /**
   * The iteration at which features are read: fixed in iterations, not as a share of the run, so it
   * does not move with the run's length (v2 read at 10 % of the run). 500 iterations of batch 32 is
   * 0.27 epochs: features have formed, and in study v2 no filter of the main configuration had died
   * by activation before 4,500 (they had begun to separate by |gamma| by 3,000).
   */
  readAt: 500,
  /** A block of a run has the power to test when at least this many of its features die after readAt and this many survive. */
  minDying: 10,
  minSurvivors: 10,
  /** A unit leans one way when its AUC is at least this far from 0.5... */
  aucMargin: 0.1,
  /** ...and its two-sided permutation p is below this. */
  alpha: 0.05,
} as const;

/** What is known of one feature: its fate by each criterion and the values read at readAt. */
export interface V3Feature {
  layer: number;
  /** Dead at the end of the run, and already dead at readAt, by each criterion. */
  deadAtEnd: Record<Criterion, boolean>;
  deadAtRead: Record<Criterion, boolean>;
  /** Values at readAt (null: undefined there, e.g. no response). */
  lifetimeSparseness: number | null;
  paperSelectivity: number | null;
  dataGradKernel: number | null;
}

export interface V3FeatureRun {
  run: string;
  seed: number;
  width: number;
  /** Null when the run has no checkpoint at readAt with these measurements. */
  features: readonly V3Feature[] | null;
}

export type FeatureValue = 'lifetimeSparseness' | 'paperSelectivity' | 'dataGradKernel';

export interface FeatureUnitNumbers {
  run: string;
  seed: number;
  width: number;
  layer: number;
  dying: number;
  survivors: number;
  /** Dead already at readAt (left out), and compared features whose value is undefined there (left out). */
  alreadyDead: number;
  undefinedValue: number;
  /** P(a dying feature reads higher than a survivor); null without both groups. */
  auc: number | null;
  p: number | null;
  dyingMedian: number | null;
  survivorMedian: number | null;
}

export interface FeatureEffect {
  /** Median AUC over the informative units, with the lowest and highest; counts of units by outcome. */
  medianAuc: number | null;
  minAuc: number | null;
  maxAuc: number | null;
  informative: number;
}

/**
 * One block of one run. `expectHigher`: the hypothesis says dying features read higher (H6:
 * more selective) or lower (H10: less data-loss gradient). Supports when the AUC leans the
 * expected way by aucMargin with p < alpha, contradicts when it leans the other way as clearly,
 * and is unclear otherwise; insufficient without the power (minDying, minSurvivors).
 */
export function featureUnit(run: V3FeatureRun, layer: number, value: FeatureValue, criterion: Criterion, expectHigher: boolean): RuleUnit<FeatureUnitNumbers> {
  const key = `${run.run}/block ${layer + 1}`;
  const numbers: FeatureUnitNumbers = {
    run: run.run,
    seed: run.seed,
    width: run.width,
    layer,
    dying: 0,
    survivors: 0,
    alreadyDead: 0,
    undefinedValue: 0,
    auc: null,
    p: null,
    dyingMedian: null,
    survivorMedian: null,
  };
  if (run.features === null) return { key, outcome: 'insufficient', note: 'no-read-checkpoint', numbers };
  const rows = run.features.filter((f) => f.layer === layer);
  numbers.alreadyDead = rows.filter((f) => f.deadAtRead[criterion]).length;
  const compared = rows.filter((f) => !f.deadAtRead[criterion]);
  const defined = compared.filter((f) => f[value] !== null);
  numbers.undefinedValue = compared.length - defined.length;
  const dying = defined.filter((f) => f.deadAtEnd[criterion]).map((f) => f[value] as number);
  const survivors = defined.filter((f) => !f.deadAtEnd[criterion]).map((f) => f[value] as number);
  numbers.dying = dying.length;
  numbers.survivors = survivors.length;
  numbers.dyingMedian = dying.length ? median(dying) : null;
  numbers.survivorMedian = survivors.length ? median(survivors) : null;
  if (dying.length < FEATURE_RULE_V3.minDying) return { key, outcome: 'insufficient', note: 'too-few-dying', numbers };
  if (survivors.length < FEATURE_RULE_V3.minSurvivors) return { key, outcome: 'insufficient', note: 'too-few-survivors', numbers };
  numbers.auc = auc(dying, survivors);
  numbers.p = permutationP(dying, survivors, `${key} ${value} ${criterion}`);
  const a = numbers.auc as number;
  const clear = (numbers.p as number) < FEATURE_RULE_V3.alpha;
  const higher = clear && a >= 0.5 + FEATURE_RULE_V3.aucMargin;
  const lower = clear && a <= 0.5 - FEATURE_RULE_V3.aucMargin;
  const outcome: UnitOutcome = (expectHigher ? higher : lower) ? 'supports' : (expectHigher ? lower : higher) ? 'contradicts' : 'unclear';
  return { key, outcome, note: null, numbers };
}

/** Every block of every run, combined by majority (a strict majority of the powered units, none the other way). */
export function featureRule(
  runs: readonly V3FeatureRun[],
  value: FeatureValue,
  criterion: Criterion,
  expectHigher: boolean,
): RuleResult<FeatureUnitNumbers, FeatureEffect> {
  const layers = [...new Set(runs.flatMap((r) => (r.features ?? []).map((f) => f.layer)))].sort((a, b) => a - b);
  const units = runs.flatMap((run) => layers.map((layer) => featureUnit(run, layer, value, criterion, expectHigher)));
  const informative = units.filter((u) => u.outcome !== 'insufficient');
  const aucs = informative.map((u) => u.numbers.auc as number);
  const outcome = informative.length === 0 ? 'inconclusive' : byMajority(informative);
  return {
    outcome,
    note: informative.length === 0 ? 'no-block-with-power' : outcome === 'inconclusive' ? 'units-disagree-or-unclear' : null,
    units,
    effect: {
      medianAuc: aucs.length ? median(aucs) : null,
      minAuc: aucs.length ? Math.min(...aucs) : null,
      maxAuc: aucs.length ? Math.max(...aucs) : null,
      informative: informative.length,
    },
  };
}

// The constants of the v1 verdict rules. They were written down before any dataset was looked
// at, from the wording of the hypotheses alone, and are not to be tuned to a result: changing one
// is a change of method (say so in the commit; the methods page shows them from here).
import { EARLY_FRACTION } from '../../data/definitions.js';
import { MIN_SEEDS } from '../seeds.js';

export const RULE_CONSTANTS = {
  /** Seeds a cell needs before it is compared (and runs a per-run rule needs). */
  MIN_SEEDS,
  /** H1: sparsity at or above this share of filters is "substantial". */
  SUBSTANTIAL: 0.1,
  /** H2: "far more" means at least this many more filters dead (absolute share). */
  FAR_MORE: 0.1,
  /** H3, H4, H5, H8: smallest difference in sparsity that counts as an effect. */
  CLEAR_EFFECT: 0.05,
  /** H8: activation sparsity below this share counts as removed. */
  NEGLIGIBLE: 0.01,
  /** H6: share of training at or after which the early checkpoint is read (experiments/definitions.ts). */
  EARLY_FRACTION,
  /** H6: survivors' minus the dying features' median early selectivity that counts as "selective". */
  SELECTIVE_GAP: 0.1,
  /** H6: a run with fewer features dying after its early checkpoint than this says nothing about them. */
  MIN_DEAD_FEATURES: 3,
  /** H7: a run whose final sparsity is below this has no emergence to time. */
  MIN_FINAL_SPARSITY: 0.05,
  /** H7: half the final sparsity reached within this share of training is "early"... */
  EARLY: 0.25,
  /** H7: ...and only after this share of training is "late". */
  LATE: 0.5,
  /** H7: final sparsity at least this share of its peak "persists"... */
  PERSIST: 0.9,
  /** H7: ...and below this share of its peak it did not. */
  LOST: 0.5,
  /** H9: test accuracy may move by at most this much (0.1 point) to count as kept. */
  ACCURACY_TOLERANCE: 0.001,
  /** H9: a measured speed-up needs at least this ratio of images/s after / before. */
  MIN_SPEEDUP: 1.05,
} as const;

export type RuleConstants = { readonly [K in keyof typeof RULE_CONSTANTS]: number };
export type RuleConstant = keyof typeof RULE_CONSTANTS;

/** The constants each hypothesis's rule reads (beyond the common MIN_SEEDS of every comparison). */
export const CONSTANTS_OF: Readonly<Record<number, readonly RuleConstant[]>> = {
  1: ['SUBSTANTIAL'],
  2: ['FAR_MORE'],
  3: ['CLEAR_EFFECT'],
  4: ['CLEAR_EFFECT'],
  5: ['CLEAR_EFFECT'],
  6: ['EARLY_FRACTION', 'MIN_DEAD_FEATURES', 'SELECTIVE_GAP', 'MIN_SEEDS'],
  7: ['MIN_FINAL_SPARSITY', 'EARLY', 'LATE', 'PERSIST', 'LOST', 'MIN_SEEDS'],
  8: ['CLEAR_EFFECT', 'NEGLIGIBLE'],
  9: ['ACCURACY_TOLERANCE', 'MIN_SPEEDUP', 'MIN_SEEDS'],
};

/** Optimizers H2 counts as adaptive, and the SGD reference it compares them with. */
export const ADAPTIVE_OPTIMIZERS: readonly string[] = ['adam', 'adamw', 'adamax', 'adagrad', 'adadelta', 'rmsprop'];
export const SGD_OPTIMIZERS: readonly string[] = ['sgd', 'momentum'];

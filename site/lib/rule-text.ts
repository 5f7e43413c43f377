// The v1 verdict rules as the methods page states them, written from the same constants the
// rules read (analysis/v1/constants.ts), so a changed constant changes the text. Pure.
import { RULE_CONSTANTS, ADAPTIVE_OPTIMIZERS, type RuleConstant, type RuleConstants } from '../../analysis/rules/v1-constants.js';
import { percent, points, ratio } from './format.js';

/** What each constant means, for the methods page's table (a constant without one does not compile). */
export const CONSTANT_MEANINGS: Readonly<Record<RuleConstant, string>> = {
  MIN_SEEDS: 'seeds a cell needs before it is compared',
  SUBSTANTIAL: 'H1: share of dead filters that counts as substantial',
  FAR_MORE: 'H2: how much more sparsity is "far more"',
  CLEAR_EFFECT: 'H3, H4, H5, H8: smallest difference in sparsity that counts',
  NEGLIGIBLE: 'H8: activation sparsity that counts as removed',
  EARLY_FRACTION: 'H6: share of training at or after which the early checkpoint is read (experiments/definitions.ts)',
  SELECTIVE_GAP: 'H6: early selectivity gap (survivors minus dying) that counts',
  MIN_DEAD_FEATURES: 'H6: features dying after the early checkpoint a run needs to be informative',
  MIN_FINAL_SPARSITY: 'H7: final sparsity a run needs to be informative',
  EARLY: 'H7: share of training by which half the final sparsity is early',
  LATE: 'H7: share of training after which half the final sparsity is late',
  PERSIST: 'H7: final / peak sparsity that persists',
  LOST: 'H7: final / peak sparsity below which it is lost',
  ACCURACY_TOLERANCE: 'H9: change of test accuracy that still counts as kept',
  MIN_SPEEDUP: 'H9: images/s after / before that counts as a speed-up',
};

/** The rule of each hypothesis, one paragraph each. */
export function ruleTexts(c: RuleConstants = RULE_CONSTANTS): Readonly<Record<number, string>> {
  return {
    1: `Cells: each optimizer without regularization (kind "none"). A cell supports when every seed has sparsity below ${percent(c.SUBSTANTIAL, 0)}, contradicts when every seed is at or above it. Universal claim: supported when every informative cell supports, contradicted when any cell contradicts. Effect: the largest cell mean.`,
    2: `Reference: the seeds of SGD and SGD with momentum under L2 (pooled). Units: each adaptive optimizer (${ADAPTIVE_OPTIMIZERS.join(', ')}) under L2, which supports when it is clearly above the reference by at least ${points(c.FAR_MORE, 0)} and contradicts when it is not above it by that much. Effect: mean over adaptive optimizers of their mean minus the reference mean.`,
    3: `Units: each group of the strength study's other factors. Supports when the highest strength is clearly above the lowest by at least ${points(c.CLEAR_EFFECT, 0)} and no step to the next strength is clearly a decrease of that size; contradicts when the highest strength is not above the lowest by that much. Effect: mean over groups of highest minus lowest.`,
    4: `Units: for the mini-batch size and the learning rate (each study that varies one), each group of the other factors. Supports when some pair of levels differs clearly (non-overlapping seeds and means ${points(c.CLEAR_EFFECT, 0).slice(1)} apart), contradicts when every pair of seeds of every pair of levels differs by less than that. The claim names both factors, so it is supported only when every informative unit supports, and contradicted when any unit contradicts. Effect: the largest difference between two levels.`,
    5: `Units: each group of the task study's other factors, with tasks ordered by their number of classes. Supports when the task with the fewest classes is clearly above the one with the most by at least ${points(c.CLEAR_EFFECT, 0)} and no step to more classes is clearly an increase of that size; contradicts when the fewest-class task is not above the most-class task by that much. Effect: mean over groups of fewest- minus most-class sparsity.`,
    6: `Selectivity is read at each run's early checkpoint: its first checkpoint at or after ${percent(c.EARLY_FRACTION, 0)} of its iterations (EARLY_FRACTION), before the deaths are under way. It is not read at the last checkpoint before each death, because a dying feature's selectivity falls towards 0 as it dies: measured there it is low almost by construction, while the claim is that features were selective first and died afterwards. Units: runs in which at least ${c.MIN_DEAD_FEATURES} features died after the early checkpoint. For each, the median early selectivity of the survivors minus that of the features that died; features that had already died by the early checkpoint are left out of that run's comparison, and the unit says how many. A run supports when this gap is at least ${c.SELECTIVE_GAP} and contradicts when it is below ${c.SELECTIVE_GAP / 2}. Needs at least ${c.MIN_SEEDS} such runs. Effect: mean gap ± sd over runs. The same gap shortly before death is shown in each unit and in the figure but does not decide. Change of method, made before any data it applies to existed (no full-scale data yet; the quick-scale emergence run, the only data H6 reads, had no deaths, so no H6 verdict had been decided on deaths under either rule): the rule first compared the selectivity at the last checkpoint before death.`,
    7: `Units: runs whose final sparsity is at least ${percent(c.MIN_FINAL_SPARSITY, 0)}. Network sparsity at each checkpoint: t½ is the first checkpoint where it reaches half its final value. A run supports when t½ falls within the first ${percent(c.EARLY, 0)} of training and the final sparsity is at least ${percent(c.PERSIST, 0)} of its peak; it contradicts when t½ falls after ${percent(c.LATE, 0)} of training or the final sparsity is below ${percent(c.LOST, 0)} of its peak. Needs at least ${c.MIN_SEEDS} such runs. Effect: mean t½ as a share of training.`,
    8: `Units: each group of the activation study's other factors, comparing ReLU with leaky ReLU. Supports when ReLU is clearly above leaky ReLU by at least ${points(c.CLEAR_EFFECT, 0)} and every leaky-ReLU seed is below ${percent(c.NEGLIGIBLE, 0)}; contradicts when every leaky-ReLU seed is at or above ${percent(c.NEGLIGIBLE, 0)}; when ReLU itself shows no clear sparsity the unit is unclear. Effect: ReLU minus leaky-ReLU mean.`,
    9: `Units: runs of the pruning study from which at least one filter was removed. A run supports when its test accuracy after pruning is within ${points(c.ACCURACY_TOLERANCE, 1).slice(1)} of before and its measured images/s rose by at least ${ratio(c.MIN_SPEEDUP)}; it contradicts when accuracy moved by more than that or images/s did not rise at all. Needs at least ${c.MIN_SEEDS} such runs. Effect: mean speed-up ± sd.`,
  };
}

/** The rules as shown on the methods page. */
export const RULES = ruleTexts();

// The verdict rules as the methods page states them: each hypothesis's module (analysis/hypotheses/)
// writes its rules out from the constants they read, so a changed constant changes the text; here
// the site gives them its number formatting, and names what each v1 constant means. Pure.
import { RULE_CONSTANTS, type RuleConstant, type RuleConstants } from '../../../analysis/rules/v1-constants.js';
import type { NumberFormat } from '../../../analysis/rules/text.js';
import type { V2Hypothesis, V3Hypothesis } from '../../../analysis/verdicts.js';
import { H1_V3, h1V1Text, h1V2Text } from '../../../analysis/hypotheses/h1.js';
import { H2_V3, h2V1Text, h2V2Text } from '../../../analysis/hypotheses/h2.js';
import { H3_V3, h3V1Text, h3V2Text } from '../../../analysis/hypotheses/h3.js';
import { h4V1Text } from '../../../analysis/hypotheses/h4.js';
import { H5_V3, h5V1Text, h5V2Text } from '../../../analysis/hypotheses/h5.js';
import { h6V1Text, h6V2Text } from '../../../analysis/hypotheses/h6.js';
import { H7_V3, h7V1Text, h7V2Text } from '../../../analysis/hypotheses/h7.js';
import { H11 } from '../../../analysis/hypotheses/h11.js';
import { H12 } from '../../../analysis/hypotheses/h12.js';
import { FEATURE_RULE_V3 } from '../../../analysis/rules/features.js';
import { V3_STUDIES } from '../../../analysis/versions/v3.js';
import { TASK_PAIRS } from '../../../data/definitions.js';
import { h8V1Text } from '../../../analysis/hypotheses/h8.js';
import { h9V1Text } from '../../../analysis/hypotheses/h9.js';

import { percent, points, ratio } from '../text/format.js';

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

/** The site's number formatting, for the rule texts the hypothesis modules write. */
const FORMAT: NumberFormat = { percent, points, ratio };

/** The v1 rule of each hypothesis, one paragraph each (written by its module in analysis/hypotheses/). */
export function ruleTexts(c: RuleConstants = RULE_CONSTANTS): Readonly<Record<number, string>> {
  return {
    1: h1V1Text(c, FORMAT),
    2: h2V1Text(c, FORMAT),
    3: h3V1Text(c, FORMAT),
    4: h4V1Text(c, FORMAT),
    5: h5V1Text(c, FORMAT),
    6: h6V1Text(c, FORMAT),
    7: h7V1Text(c, FORMAT),
    8: h8V1Text(c, FORMAT),
    9: h9V1Text(c, FORMAT),
  };
}

/** The v1 rules as shown on the methods page. */
export const RULE_TEXTS_V1 = ruleTexts();

/** The v2 rules as the methods page states them (written by each hypothesis's module from the constants the rules read). */
export const RULE_TEXTS_V2: Readonly<Record<V2Hypothesis, string>> = {
  1: h1V2Text(FORMAT),
  2: h2V2Text(FORMAT),
  3: h3V2Text(FORMAT),
  5: h5V2Text(FORMAT),
  6: h6V2Text(FORMAT),
  7: h7V2Text(FORMAT),
};

/** What every v3 rule shares: both criteria, gamma decides (analysis/rules/criteria.ts). */
const V3_CRITERIA = 'Run once with filters dead by |γ| and once dead by activation; dead by |γ| decides and the other is reported beside it.';

/** The per-block rank comparison that H6 (v3) and H10 share (analysis/rules/features.ts), in words. */
function featureRuleText(measure: string, direction: 'higher' | 'lower'): string {
  const f = FEATURE_RULE_V3;
  const lean = direction === 'higher' ? `at least ${0.5 + f.aucMargin}` : `at most ${0.5 - f.aucMargin}`;
  const other = direction === 'higher' ? `at most ${0.5 - f.aucMargin}` : `at least ${0.5 + f.aucMargin}`;
  return `Units: each block of each run that has the power to test (at least ${f.minDying} features die after iteration ${f.readAt.toLocaleString('en')} and at least ${f.minSurvivors} survive; features already dead there are left out). In each, the ${measure} of every feature at iteration ${f.readAt.toLocaleString('en')} (fixed in iterations, not a share of the run), compared by ranks: the AUC is the chance that a dying feature reads higher than a survivor, with a two-sided permutation p. A unit supports when its AUC is ${lean} with p < ${f.alpha}, contradicts when it is ${other} with p < ${f.alpha}, and is unclear otherwise. By majority of the powered units, none the other way. Effect: the median AUC over them (0.5: no difference).`;
}

/** The v3 rules as the methods page states them, each written from the constants its rule reads (analysis/hypotheses/hN.ts). */
export function ruleTextsV3({ percent, points }: NumberFormat = FORMAT): Readonly<Record<V3Hypothesis, string>> {
  const studies = (h: V3Hypothesis) => `stud${V3_STUDIES[h].length === 1 ? 'y' : 'ies'} ${V3_STUDIES[h].join(', ')}`;
  const budget = (x: number) => x.toFixed(1);
  return {
    1: `Cells: each optimizer at each learning rate without regularization (${studies(1)}), at least ${H1_V3.minSeeds} seeds each. A cell supports when every seed is below ${percent(H1_V3.substantial, 0)}, contradicts when every seed is at or above it, and is unclear when its seeds straddle the line. Universal claim: any contradicting cell refutes it; supported when every informative cell supports. Each dead filter is counted by its mechanism (|γ| collapse, or a ReLU death by a negative β with |γ| above the threshold). ${V3_CRITERIA} Effect: the largest cell mean.`,
    2: `Reference: Adam with L2 (lr ${H2_V3.reference.lr}, strength ${H2_V3.reference.strength}, width 16). Units: each cell of SGD or SGD with momentum under L2 (${studies(2)}) whose decay budget reaches a collapse (at least ${budget(H2_V3.minBudget)} e-folds, ln 1000: below it a zero is arithmetic, not a finding), at least ${H2_V3.minSeeds} seeds on each side. A unit supports when Adam is clearly above the cell by at least ${points(H2_V3.farMore, 0)} (every seed above every seed), contradicts when it is not above it by that much, and is unclear otherwise. By majority, none the other way. ${V3_CRITERIA} Effect: the mean of Adam minus each deciding cell.`,
    3: `Units: ${H3_V3.families.map((f) => f.key).join(' and ')} over their strengths (${studies(3)}), each strength counted only where its decay budget reaches a collapse (at least ${budget(H3_V3.minBudget)} e-folds), ${H3_V3.minSeeds} seeds at each. A unit supports when the highest strength is clearly above the lowest by at least ${points(H3_V3.clearEffect, 0)} and no step to the next strength is clearly a decrease of that size; contradicts when the highest is not above the lowest by that much. By majority. ${V3_CRITERIA} Effect: the mean over deciding units of highest minus lowest.`,
    5: `Every task trains on the same number of class-stratified images for the same epochs (${studies(5)}). Two units: the number of classes, drawn at random for each seed, where the fewest must be clearly above the most by at least ${points(H5_V3.clearEffect, 0)} with no step the other way; and a hard pair (labels ${TASK_PAIRS.hard.join(' and ')}) against an easy pair (${TASK_PAIRS.easy.join(' and ')}), where the easy pair must be clearly above the hard one by at least ${points(H5_V3.clearEffect, 0)}, decided only when the hard pair is in fact harder (test accuracy at least ${points(H5_V3.harderBy, 0)} lower). ${H5_V3.minSeeds} seeds each. By majority. ${V3_CRITERIA} Effect: fewest- minus most-class sparsity.`,
    6: `${featureRuleText('lifetime sparseness (the paper’s own selectivity measure is reported beside it)', 'higher')} ${studies(6)[0].toUpperCase()}${studies(6).slice(1)}. ${V3_CRITERIA}`,
    7: `Units: each run of ${studies(7)}. Onset: the first checkpoint at which the network's sparsity reaches ${percent(H7_V3.onsetSparsity, 0)}, counted in epochs of the run's own training set; early when within ${H7_V3.earlyEpochs} epochs. Persists: after its onset the sparsity never falls more than ${points(H7_V3.persistsWithin, 0).replace('+', '')} below its running maximum; it recovers when it falls more than ${points(H7_V3.recoversBeyond, 0).replace('+', '')}. A run supports when its onset is early and it persists; contradicts with no onset, a late one, or a recovery; unclear otherwise. Universal claim: any contradicting run refutes it. ${V3_CRITERIA} Effect: the mean onset in epochs, and the largest fall.`,
    10: `${featureRuleText('data-loss gradient norm at the kernel', 'lower')} ${studies(10)[0].toUpperCase()}${studies(10).slice(1)}. ${V3_CRITERIA}`,
    11: `One unit: width ${H11.width} (${studies(11)}), at least ${H11.minSeeds} seeds. Supports when every seed is at or above ${percent(H11.substantial, 0)}, contradicts when every seed is below ${percent(H11.absentBelow, 0)}, and is unclear otherwise (seeds straddling a line say so). ${V3_CRITERIA} Effect: the mean sparsity at width ${H11.width}, beside widths 16 and 32.`,
    12: `One unit: the main configuration at width 16 with L2 on the kernels and head only, against L2 everywhere (${studies(12)}), at least ${H12.minSeeds} seeds each. Supports when every seed without L2 on γ and β is below ${percent(H12.absentBelow, 0)} and L2 everywhere is clearly above it by at least ${points(H12.clearEffect, 0)} (every seed above every seed); contradicts when L2 everywhere is not above it by that much; unclear otherwise. ${V3_CRITERIA} Effect: L2 everywhere minus none on γ and β.`,
  };
}

/** The v3 rules as the methods page and the verdict cards state them. */
export const RULE_TEXTS_V3 = ruleTextsV3();

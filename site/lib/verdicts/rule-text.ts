// The verdict rules as the methods page states them: each hypothesis's module (analysis/hypotheses/)
// writes its rules out from the constants they read, so a changed constant changes the text; here
// the site gives them its number formatting, and names what each v1 constant means. Pure.
import { RULE_CONSTANTS, type RuleConstant, type RuleConstants } from '../../../analysis/rules/v1-constants.js';
import type { NumberFormat } from '../../../analysis/rules/text.js';
import type { V2Hypothesis } from '../../../analysis/verdicts.js';
import { h1V1Text, h1V2Text } from '../../../analysis/hypotheses/h1.js';
import { h2V1Text, h2V2Text } from '../../../analysis/hypotheses/h2.js';
import { h3V1Text, h3V2Text } from '../../../analysis/hypotheses/h3.js';
import { h4V1Text } from '../../../analysis/hypotheses/h4.js';
import { h5V1Text, h5V2Text } from '../../../analysis/hypotheses/h5.js';
import { h6V1Text, h6V2Text } from '../../../analysis/hypotheses/h6.js';
import { h7V1Text, h7V2Text } from '../../../analysis/hypotheses/h7.js';
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

// H6 (v3): the features that die were selective before they died. Read at a fixed early iteration
// (FEATURE_RULE_V3.readAt), per block, by ranks: does a dying feature's lifetime sparseness exceed
// a survivor's (AUC > 0.5)? Decided on lifetime sparseness by gamma; the paper's own selectivity
// measure and the activation criterion are reported beside it.
import { underBothCriteria, type V3Result } from '../rules/criteria.js';
import { featureRule, type FeatureEffect, type FeatureUnitNumbers, type V3FeatureRun } from '../rules/features.js';

export interface H6V3 {
  /** Deciding: lifetime sparseness (the v2 primary measure). */
  lifetimeSparseness: V3Result<FeatureUnitNumbers, FeatureEffect>;
  /** Reported: the paper's selectivity measure (share of images under 1e-3 of the feature's largest). */
  paperSelectivity: V3Result<FeatureUnitNumbers, FeatureEffect>;
}

export function h6V3(runs: readonly V3FeatureRun[]): H6V3 {
  return {
    lifetimeSparseness: underBothCriteria((c) => featureRule(runs, 'lifetimeSparseness', c, true)),
    paperSelectivity: underBothCriteria((c) => featureRule(runs, 'paperSelectivity', c, true)),
  };
}

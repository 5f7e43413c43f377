// H10 (new in v3, confirmatory; study v2 found it after looking at its data): features that receive
// little data-loss gradient early die. Read at FEATURE_RULE_V3.readAt, per block, by ranks: is a
// dying feature's data-loss gradient norm at its kernel below a survivor's (AUC < 0.5)?
import { underBothCriteria, type V3Result } from '../rules/criteria.js';
import { featureRule, type FeatureEffect, type FeatureUnitNumbers, type V3FeatureRun } from '../rules/features.js';

export const H10_STATEMENT = 'Features that receive little data-loss gradient early in training are the ones that die.';

export function h10(runs: readonly V3FeatureRun[]): V3Result<FeatureUnitNumbers, FeatureEffect> {
  return underBothCriteria((c) => featureRule(runs, 'dataGradKernel', c, false));
}

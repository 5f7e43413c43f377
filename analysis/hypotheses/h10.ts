// H10 (new in v3).
// Its home: every rule that has decided it (v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { underBothCriteria, type V3Result } from '../rules/criteria.js';
import { type FeatureEffect, featureRule, type FeatureUnitNumbers, type V3FeatureRun } from '../rules/features.js';

// ---- v3 --------------------------------------------------------------------------------
// H10 (new in v3, confirmatory; study v2 found it after looking at its data): features that receive
// little data-loss gradient early die. Read at FEATURE_RULE_V3.readAt, per block, by ranks: is a
// dying feature's data-loss gradient norm at its kernel below a survivor's (AUC < 0.5)?
export const H10_STATEMENT = 'Features that receive little data-loss gradient early in training are the ones that die.';

export function h10(runs: readonly V3FeatureRun[]): V3Result<FeatureUnitNumbers, FeatureEffect> {
  return underBothCriteria((c) => featureRule(runs, 'dataGradKernel', c, false));
}

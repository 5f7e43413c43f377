// H3 (v3): sparsity grows with the regularization strength. Decided along strengths whose decay
// budgets all reach a collapse (>= 6.9 e-folds): SGD with momentum and L2, and AdamW's decoupled
// decay, each at budgets 7, 14 and 28, 3 fresh seeds. The trend rule is the shared one (analysis/rules/trend.ts).
import { COLLAPSE_EFOLDS } from '../../data/definitions.js';
import { trendUnit, type TrendNumbers } from '../rules/trend.js';
import { underBothCriteria, type Criterion, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import { byMajority, type RuleResult, type RuleUnit } from '../rules/result.js';

export const H3_V3 = {
  /** The highest strength's mean at least this far above the lowest's (every seed above every seed). */
  clearEffect: 0.05,
  minSeeds: 3,
  minBudget: COLLAPSE_EFOLDS,
  families: [
    { key: 'momentum L2', optimizer: 'momentum', regularization: 'l2' },
    { key: 'adamw decoupled', optimizer: 'adamw', regularization: 'decoupled' },
  ],
} as const;

export interface H3V3Effect {
  /** Mean over the deciding families of highest minus lowest strength. */
  meanDifference: number | null;
}

export function h3V3Rule(runs: readonly V3Run[], criterion: Criterion): RuleResult<TrendNumbers & { levelsBelowBudget: number }, H3V3Effect> {
  const units: Array<RuleUnit<TrendNumbers & { levelsBelowBudget: number }>> = H3_V3.families.map((family) => {
    const members = runs.filter((r) => r.optimizer === family.optimizer && r.regularization === family.regularization);
    const levels = [...new Set(members.map((r) => r.strength))];
    const usable = levels.filter((l) => members.some((r) => r.strength === l && r.decayBudget !== null && r.decayBudget >= H3_V3.minBudget));
    const cells = usable.map((level) => ({
      level,
      sparsities: sparsities(
        members.filter((r) => r.strength === level),
        criterion,
      ),
    }));
    const unit = trendUnit(family.key, cells, true, H3_V3.clearEffect, H3_V3.minSeeds);
    return { ...unit, numbers: { ...unit.numbers, levelsBelowBudget: levels.length - usable.length } };
  });
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  const outcome = deciding.length === 0 ? 'inconclusive' : byMajority(units);
  const diffs = deciding.map((u) => u.numbers.difference as number);
  return {
    outcome,
    note: deciding.length === 0 ? 'no-family-with-levels' : null,
    units,
    effect: { meanDifference: diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : null },
  };
}

export function h3V3(runs: readonly V3Run[]): V3Result<TrendNumbers & { levelsBelowBudget: number }, H3V3Effect> {
  return underBothCriteria((c) => h3V3Rule(runs, c));
}

// H2 (v3): with L2, adaptive optimizers produce far more sparsity than SGD. Decided only against
// SGD cells whose decay budget can collapse a gamma (>= ln 1000 = 6.9 e-folds): study v2's SGD
// cells had at most 1.5 e-folds, so their zeros were arithmetic, not findings. Adam with L2 (the
// main configuration, fresh seeds) against SGD with momentum and L2 at budgets of 7, 14 and 28.
import { COLLAPSE_EFOLDS } from '../../data/definitions.js';
import { compareAbove } from '../seeds.js';
import { underBothCriteria, type Criterion, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import { byMajority, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { mean } from '../statistics.js';

export const H2_V3 = {
  /** "Far more": the adaptive cell's mean at least this far above the SGD cell's, every seed above every seed. */
  farMore: 0.1,
  /** SGD cells below this budget cannot decide. */
  minBudget: COLLAPSE_EFOLDS,
  minSeeds: 3,
  /** The adaptive reference: Adam, L2, the main configuration's learning rate and strength. */
  reference: { optimizer: 'adam', lr: 1e-3, strength: 5e-4 },
} as const;

export interface H2V3Numbers {
  sgd: string;
  budget: number | null;
  sgdMean: number | null;
  adaptiveMean: number | null;
  difference: number | null;
}

export interface H2V3Effect {
  /** Mean of adaptive minus SGD over the deciding cells. */
  meanDifference: number | null;
}

/** `runs`: the Adam reference (width 16) and the SGD-family L2 cells. Units: each SGD cell against the reference. */
export function h2V3Rule(runs: readonly V3Run[], criterion: Criterion): RuleResult<H2V3Numbers, H2V3Effect> {
  const ref = H2_V3.reference;
  const adaptive = runs.filter(
    (r) => r.optimizer === ref.optimizer && r.regularization === 'l2' && r.lr === ref.lr && r.strength === ref.strength && r.width === 16,
  );
  const a = sparsities(adaptive, criterion);
  const cells = new Map<string, V3Run[]>();
  for (const r of runs.filter((x) => (x.optimizer === 'sgd' || x.optimizer === 'momentum') && x.regularization === 'l2')) {
    const key = `${r.optimizer} lr ${r.lr} L2 ${r.strength}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const units: Array<RuleUnit<H2V3Numbers>> = [...cells.entries()]
    .sort((x, y) => x[1][0].strength - y[1][0].strength)
    .map(([key, cell]) => {
      const s = sparsities(cell, criterion);
      const budget = cell[0].decayBudget;
      const numbers: H2V3Numbers = {
        sgd: key,
        budget,
        sgdMean: mean(s),
        adaptiveMean: a.length ? mean(a) : null,
        difference: a.length ? mean(a) - mean(s) : null,
      };
      if (budget === null || budget < H2_V3.minBudget) return { key, outcome: 'insufficient', note: 'decay-budget-below-collapse', numbers };
      if (s.length < H2_V3.minSeeds || a.length < H2_V3.minSeeds) return { key, outcome: 'insufficient', note: 'too-few-seeds', numbers };
      const cmp = compareAbove(a, s, H2_V3.farMore);
      const outcome: UnitOutcome = cmp === 'above' ? 'supports' : cmp === 'notAbove' ? 'contradicts' : 'unclear';
      return { key, outcome, note: cmp === 'unclear' ? 'within-seed-spread-of-threshold' : null, numbers };
    });
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  const outcome = deciding.length === 0 ? 'inconclusive' : byMajority(units);
  return {
    outcome,
    note: deciding.length === 0 ? 'no-sgd-cell-with-budget' : null,
    units,
    effect: { meanDifference: deciding.length ? mean(deciding.map((u) => u.numbers.difference as number)) : null },
  };
}

export function h2V3(runs: readonly V3Run[]): V3Result<H2V3Numbers, H2V3Effect> {
  return underBothCriteria((c) => h2V3Rule(runs, c));
}

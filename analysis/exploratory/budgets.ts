// Each cell's decay budget (experiments/definitions.ts) next to its sparsity by both criteria,
// for the studies that decide H2 and H3, and the optimizer families' split. Pure.
import type { FilterRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { groupBy, type FactorValue } from '../cells.js';
import type { Summary } from '../statistics.js';
import { decayBudget, eFoldsToCollapse, type DeathMechanism, type Thresholds } from '../../data/definitions.js';
import { perCell, summaryOf } from './cell-summary.js';
import { mechanismCount } from './criteria.js';

export interface BudgetCell {
  study: string;
  factors: Record<string, FactorValue>;
  optimizer: string;
  lr: number;
  regularization: string;
  strength: number;
  /** E-folds of pure decay over the run (null: not defined by the formula, see reason). */
  eFolds: number | null;
  reason: string | null;
  /** eFolds >= ln(1 / gamma threshold): a gamma could collapse by decay alone. */
  canCollapse: boolean | null;
  seeds: Array<{ run: string; seed: number; sparsityActivation: number | null; sparsityGamma: number | null; mechanisms: Record<DeathMechanism, number> }>;
  sparsityActivation: Summary | null;
  sparsityGamma: Summary | null;
}

export function budgetCells(studies: readonly StudyRow[], runs: readonly RunRow[], filters: readonly FilterRow[], thresholds: Thresholds): BudgetCell[] {
  const runsById = new Map(runs.map((r) => [r.run, r]));
  const filtersByRun = groupBy(filters, (f) => f.run);
  const needed = eFoldsToCollapse(thresholds);
  return studies.flatMap((s) =>
    perCell(s, runsById, (m) => ({
      config: m.run.config,
      row: m.run,
      sparsityActivation: m.run.sparsityActivation,
      sparsityGamma: m.run.sparsityGamma,
      mechanisms: mechanismCount(m.run, filtersByRun.get(m.run.run) ?? [], thresholds).mechanisms,
    })).map((c) => {
      const first = c.seeds[0];
      const budget = decayBudget(first.config);
      return {
        study: c.study,
        factors: c.factors,
        optimizer: first.row.optimizer,
        lr: first.row.lr,
        regularization: first.row.regularization,
        strength: first.row.strength,
        eFolds: budget.eFolds,
        reason: budget.reason,
        canCollapse: budget.eFolds === null ? null : budget.eFolds >= needed,
        seeds: c.seeds.map((x) => ({
          run: x.run,
          seed: x.seed,
          sparsityActivation: x.sparsityActivation,
          sparsityGamma: x.sparsityGamma,
          mechanisms: x.mechanisms,
        })),
        sparsityActivation: summaryOf(c.seeds.map((x) => x.sparsityActivation)),
        sparsityGamma: summaryOf(c.seeds.map((x) => x.sparsityGamma)),
      };
    }),
  );
}

export interface FamilySplit {
  optimizer: string;
  regularization: string;
  runs: number;
  /** Runs with at least one filter dead by activation, and by gamma. */
  withDeadByActivation: number;
  withDeadByGamma: number;
}

/** Per optimizer and regularization kind, over distinct complete runs of width 16 on all of Fashion-MNIST. */
export function familySplit(runs: readonly RunRow[]): FamilySplit[] {
  const main = runs.filter((r) => r.status === 'complete' && r.width === 16 && r.classes === 10 && r.dataset === 'fashion-mnist' && r.activation === 'relu');
  return [...groupBy(main, (r) => `${r.optimizer}/${r.regularization}`).values()].map((rs) => ({
    optimizer: rs[0].optimizer,
    regularization: rs[0].regularization,
    runs: rs.length,
    withDeadByActivation: rs.filter((r) => (r.deadByActivation ?? 0) > 0).length,
    withDeadByGamma: rs.filter((r) => (r.deadByGamma ?? 0) > 0).length,
  }));
}

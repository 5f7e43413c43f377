// What the run-level v3 rules read of a run: its factors, both sparsities at the end, and its decay
// budget (experiments/definitions.ts decayBudget's e-folds, computed by the caller from the configuration).
import type { Criterion } from './criteria.js';

export interface V3Run {
  run: string;
  seed: number;
  optimizer: string;
  lr: number;
  regularization: string;
  strength: number;
  /** e-folds of pure decay over the run; null where the formula does not apply (adaptive optimizers with L2). */
  decayBudget: number | null;
  width: number;
  classes: number;
  /** The dataset labels the task keeps (null: the first `classes`). */
  classList: readonly number[] | null;
  /** Which parameter groups the regularization applies to. */
  regularized: readonly string[];
  testAccuracy: number | null;
  sparsity: Record<Criterion, number>;
  /** Dead by activation at the end with |gamma| >= the gamma threshold and beta < 0: ReLU death by a negative batch-norm shift. */
  negativeBetaDeaths: number;
  /** Dead by gamma at the end: the paper's gamma collapse. */
  gammaCollapses: number;
}

/** Each run's sparsity under a criterion. */
export function sparsities(runs: readonly V3Run[], criterion: Criterion): number[] {
  return runs.map((r) => r.sparsity[criterion]);
}

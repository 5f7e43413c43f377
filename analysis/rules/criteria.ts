// Study v3's rules decide on one criterion and report both (issue 37): a filter is dead by gamma
// (|gamma| < 1e-3: the paper's gamma collapse) or dead by activation (no output on any training
// image). Every v3 rule is run once per criterion; gamma decides, because the phenomenon the
// hypotheses are about is the collapse of the batch-norm scale (the brief's mechanism), while an
// activation death with a large |gamma| is a different one (a negative beta shift: the classic
// dying ReLU). The activation result is published beside it, and a disagreement is stated.
import type { Outcome, RuleResult } from './result.js';

export const CRITERIA = ['gamma', 'activation'] as const;
export type Criterion = (typeof CRITERIA)[number];

/** The criterion every v3 rule decides on. */
export const DECIDING_CRITERION: Criterion = 'gamma';

/** A v3 verdict: the rule's result under each criterion, and the outcome of the deciding one. */
export interface V3Result<Numbers, Effect> {
  deciding: Criterion;
  outcome: Outcome;
  byCriterion: Record<Criterion, RuleResult<Numbers, Effect>>;
  /** Both criteria give the same outcome. */
  criteriaAgree: boolean;
}

/** Runs a rule under both criteria. */
export function underBothCriteria<N, E>(rule: (criterion: Criterion) => RuleResult<N, E>): V3Result<N, E> {
  const byCriterion = { gamma: rule('gamma'), activation: rule('activation') };
  return {
    deciding: DECIDING_CRITERION,
    outcome: byCriterion[DECIDING_CRITERION].outcome,
    byCriterion,
    criteriaAgree: byCriterion.gamma.outcome === byCriterion.activation.outcome,
  };
}

/** A sparsity (or any value) per seed against a line: below, at or above it in every seed, or straddling it. */
export type Side = 'below' | 'above' | 'straddles';

/** Every seed below `line` (below), every seed at or above (above), or seeds on both sides: within the seed spread of the line. */
export function sideOfLine(values: readonly number[], line: number): Side {
  if (values.every((v) => v < line)) return 'below';
  if (values.every((v) => v >= line)) return 'above';
  return 'straddles';
}

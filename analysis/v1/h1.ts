// H1: without regularization, no optimizer produces substantial sparsity. A universal claim.
import { cellsOf, factorOf, measured, membersOf, valuesOf, type FactorValue } from '../cells.js';
import { mean } from '../statistics.js';
import { RULE_CONSTANTS } from '../rules/v1-constants.js';
import { byAll, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { groupKey, minSeedsOf, missingVerdict, studiesFor, verdictOf, type Context, type V1Verdict } from '../rules/v1-context.js';

const { MIN_SEEDS, SUBSTANTIAL } = RULE_CONSTANTS;

/** One optimizer cell without regularization: its factors and its seeds' sparsity. */
export interface H1V1Numbers {
  paths: string[];
  factors: Record<string, FactorValue>;
  values: number[];
}
/** The cell with the largest mean sparsity. */
export interface H1V1Effect {
  cell: { paths: string[]; factors: Record<string, FactorValue> } | null;
}
export type H1V1Verdict = V1Verdict<1, H1V1Numbers, H1V1Effect>;

export function h1V1(ctx: Context): H1V1Verdict {
  const studies = studiesFor(1, ctx.input);
  if (studies.length === 0) return missingVerdict(1, { cell: null });
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation').filter((m) => factorOf(m, 'regularization.kind') === 'none');
  const others = study.factors.filter((f) => f !== 'regularization.kind');
  const paths = others.length ? others : ['optimizer.name'];
  const cells = cellsOf(members, paths);
  const units: Array<RuleUnit<H1V1Numbers>> = cells.map((c) => {
    const values = valuesOf(c.members, 'activation');
    let outcome: UnitOutcome = 'unclear';
    if (values.length < MIN_SEEDS) outcome = 'insufficient';
    else if (Math.max(...values) < SUBSTANTIAL) outcome = 'supports';
    else if (Math.min(...values) >= SUBSTANTIAL) outcome = 'contradicts';
    return { key: groupKey({ paths, factors: c.factors }), outcome, note: null, numbers: { paths, factors: c.factors, values } };
  });
  let effect: H1V1Verdict['result']['effect'] = { value: null, cell: null };
  const informative = cells.filter((c) => c.members.length > 0);
  if (informative.length > 0) {
    const top = informative.map((c) => ({ c, m: mean(valuesOf(c.members, 'activation')) })).sort((a, b) => b.m - a.m)[0];
    effect = { value: top.m, cell: { paths, factors: top.c.factors } };
  }
  return verdictOf({
    hypothesis: 1,
    outcome: byAll(units),
    units,
    used: members,
    minSeeds: minSeedsOf(cells.map((c) => c.members)),
    studies,
    figure: { study: study.study, figure: 'sparsity' },
    effect,
  });
}

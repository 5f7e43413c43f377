// H3: sparsity grows with the regularization strength.
import { factorOf, measured, membersOf, type Member } from '../cells.js';
import { mean } from '../statistics.js';
import { byMajority } from '../rules/result.js';
import {
  groupsExcept,
  minSeedsOf,
  missingVerdict,
  studiesFor,
  v1TrendUnits,
  verdictOf,
  type Context,
  type V1TrendNumbers,
  type V1Verdict,
} from '../rules/v1-context.js';

/** Highest minus lowest strength, one per group (the effect is their mean). */
export interface H3V1Effect {
  differences: number[];
}
export type H3V1Verdict = V1Verdict<3, V1TrendNumbers, H3V1Effect>;

export function h3V1(ctx: Context): H3V1Verdict {
  const studies = studiesFor(3, ctx.input);
  if (studies.length === 0) return missingVerdict(3, { differences: [] });
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const groups = groupsExcept(study, members, ['regularization.strength']);
  const level = (m: Member) => Number(factorOf(m, 'regularization.strength'));
  const { units, diffs, cells } = v1TrendUnits(groups, level, true);
  const effect = { value: diffs.length ? mean(diffs) : null, differences: diffs };
  return verdictOf({
    hypothesis: 3,
    outcome: byMajority(units),
    units,
    used: members,
    minSeeds: minSeedsOf(cells),
    studies,
    figure: { study: study.study, figure: 'sparsity' },
    effect,
  });
}

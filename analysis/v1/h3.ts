// H3: sparsity grows with the regularization strength.
import { factorOf, measured, membersOf, type Member } from '../cells.js';
import { mean } from '../statistics.js';
import { byMajority } from '../rules/result.js';
import { trendUnits, type TrendUnit } from './trend.js';
import { groupsExcept, minSeedsOf, missingVerdict, studiesFor, verdictOf, type Context, type Verdict } from './verdict.js';

/** Highest minus lowest strength, one per group (the effect is their mean). */
export interface H3Effect {
  differences: number[];
}
export type H3Verdict = Verdict<3, TrendUnit, H3Effect>;

export function h3(ctx: Context): H3Verdict {
  const studies = studiesFor(3, ctx.input);
  if (studies.length === 0) return missingVerdict(3, { differences: [] });
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const groups = groupsExcept(study, members, ['regularization.strength']);
  const level = (m: Member) => Number(factorOf(m, 'regularization.strength'));
  const { units, diffs, cells } = trendUnits(groups, level, true);
  const effect = { value: diffs.length ? mean(diffs) : null, differences: diffs };
  return verdictOf(3, byMajority(units), units, members, minSeedsOf(cells), studies, { study: study.study, figure: 'sparsity' }, effect);
}

// H5: harder tasks (more classes) show less sparsity.
import { measured, membersOf } from '../cells.js';
import { mean } from '../statistics.js';
import { byMajority } from '../rules/result.js';
import { trendUnits, type TrendUnit } from './trend.js';
import { groupsExcept, minSeedsOf, missingVerdict, studiesFor, verdictOf, type Context, type Verdict } from './verdict.js';

/** Fewest- minus most-class sparsity, one per group (the effect is their mean). */
export interface H5Effect {
  differences: number[];
}
export type H5Verdict = Verdict<5, TrendUnit, H5Effect>;

export function h5(ctx: Context): H5Verdict {
  const studies = studiesFor(5, ctx.input);
  if (studies.length === 0) return missingVerdict(5, { differences: [] });
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const groups = groupsExcept(study, members, ['data.classes', 'data.dataset', 'data.trainSubset']);
  const { units, diffs, cells } = trendUnits(groups, (m) => m.run.classes, false);
  const effect = { value: diffs.length ? mean(diffs) : null, differences: diffs };
  return verdictOf(5, byMajority(units), units, members, minSeedsOf(cells), studies, { study: study.study, figure: 'sparsity' }, effect);
}

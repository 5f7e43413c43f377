// H5: harder tasks (more classes) show less sparsity.
import { measured, membersOf } from '../cells.js';
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

/** Fewest- minus most-class sparsity, one per group (the effect is their mean). */
export interface H5V1Effect {
  differences: number[];
}
export type H5V1Verdict = V1Verdict<5, V1TrendNumbers, H5V1Effect>;

export function h5V1(ctx: Context): H5V1Verdict {
  const studies = studiesFor(5, ctx.input);
  if (studies.length === 0) return missingVerdict(5, { differences: [] });
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const groups = groupsExcept(study, members, ['data.classes', 'data.dataset', 'data.trainSubset']);
  const { units, diffs, cells } = v1TrendUnits(groups, (m) => m.run.classes, false);
  const effect = { value: diffs.length ? mean(diffs) : null, differences: diffs };
  return verdictOf({
    hypothesis: 5,
    outcome: byMajority(units),
    units,
    used: members,
    minSeeds: minSeedsOf(cells),
    studies,
    figure: { study: study.study, figure: 'sparsity' },
    effect,
  });
}

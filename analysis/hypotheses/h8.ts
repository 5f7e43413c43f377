// H8: Leaky ReLU removes activation-based sparsity.
// Its home: every rule that has decided it (v1), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { measured, type Member, membersOf, valueOf, valuesOf } from '../cells.js';
import { compareAbove } from '../seeds.js';
import { mean } from '../statistics.js';
import { RULE_CONSTANTS, type RuleConstants } from '../rules/v1-constants.js';
import { byMajority, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { type Context, type Group, groupKey, groupsExcept, minSeedsOf, missingVerdict, studiesFor, type V1Verdict, verdictOf } from '../rules/v1-context.js';
import type { NumberFormat } from '../rules/text.js';

// ---- v1 --------------------------------------------------------------------------------
// H8: leaky ReLU removes activation-based sparsity.
const { CLEAR_EFFECT, NEGLIGIBLE } = RULE_CONSTANTS;

/** One group of the activation study's other factors: the seeds' sparsity under each activation. */
export interface H8V1Numbers {
  group: Omit<Group, 'members'>;
  relu: number[];
  leaky: number[];
  /** Leaky-ReLU sparsity by |γ| (shown, never decides). */
  leakyGamma: number[];
}
/** ReLU minus leaky-ReLU mean, per group (the effect is their mean). */
export interface H8V1Effect {
  differences: number[];
}
export type H8V1Verdict = V1Verdict<8, H8V1Numbers, H8V1Effect>;

export function h8V1(ctx: Context): H8V1Verdict {
  const studies = studiesFor(8, ctx.input);
  if (studies.length === 0) return missingVerdict(8, { differences: [] });
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation');
  const units: Array<RuleUnit<H8V1Numbers>> = [];
  const diffs: number[] = [];
  const cells: Member[][] = [];
  for (const g of groupsExcept(study, members, ['model.activation'])) {
    const reluMembers = g.members.filter((m) => m.run.activation === 'relu');
    const leakyMembers = g.members.filter((m) => m.run.activation === 'leaky-relu');
    cells.push(reluMembers, leakyMembers);
    const relu = valuesOf(reluMembers, 'activation');
    const leaky = valuesOf(leakyMembers, 'activation');
    const cmp = compareAbove(relu, leaky, CLEAR_EFFECT);
    let outcome: UnitOutcome = 'unclear';
    if (cmp === 'insufficient') outcome = 'insufficient';
    else if (Math.min(...leaky) >= NEGLIGIBLE) outcome = 'contradicts';
    else if (cmp === 'above' && Math.max(...leaky) < NEGLIGIBLE) outcome = 'supports';
    if (relu.length > 0 && leaky.length > 0) diffs.push(mean(relu) - mean(leaky));
    const leakyGamma = measured(leakyMembers, 'gamma').map((m) => valueOf(m, 'gamma'));
    const group = { paths: g.paths, factors: g.factors };
    units.push({ key: groupKey(group), outcome, note: null, numbers: { group, relu, leaky, leakyGamma } });
  }
  const effect = { value: diffs.length ? mean(diffs) : null, differences: diffs };
  return verdictOf({
    hypothesis: 8,
    outcome: byMajority(units),
    units,
    used: members,
    minSeeds: minSeedsOf(cells),
    studies,
    figure: { study: study.study, figure: 'sparsity' },
    effect,
  });
}

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h8V1Text(c: RuleConstants, { percent, points }: NumberFormat): string {
  return `Units: each group of the activation study's other factors, comparing ReLU with leaky ReLU. Supports when ReLU is clearly above leaky ReLU by at least ${points(c.CLEAR_EFFECT, 0)} and every leaky-ReLU seed is below ${percent(c.NEGLIGIBLE, 0)}; contradicts when every leaky-ReLU seed is at or above ${percent(c.NEGLIGIBLE, 0)}; when ReLU itself shows no clear sparsity the unit is unclear. Effect: ReLU minus leaky-ReLU mean.`;
}

// H9: Removing dead filters keeps accuracy and gives a measured speed-up.
// Its home: every rule that has decided it (v1), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import type { Member } from '../cells.js';
import { mean } from '../statistics.js';
import { RULE_CONSTANTS, type RuleConstants } from '../rules/v1-constants.js';
import type { RuleUnit, UnitOutcome } from '../rules/result.js';
import { completeMembers, type Context, missingVerdict, perRunVerdict, type RunNumbers, studiesFor, type V1Verdict } from '../rules/v1-context.js';
import type { NumberFormat } from '../rules/text.js';

// ---- v1 --------------------------------------------------------------------------------
// H9: removing dead filters keeps accuracy and gives a measured speed-up. Decided run by run.
const { ACCURACY_TOLERANCE, MIN_SPEEDUP } = RULE_CONSTANTS;

/** pruning null: the run has no pruning result; removedFilters 0: nothing was dead. */
export type H9V1Numbers = RunNumbers & {
  pruning: { removedFilters: number; filtersBefore: number; accuracyChange: number; speedup: number } | null;
};
/** Measured speed-up (images/s after / before) per informative run (the effect is their mean). */
export interface H9V1Effect {
  speedups: number[];
}
export type H9V1Verdict = V1Verdict<9, H9V1Numbers, H9V1Effect>;

export function h9V1(ctx: Context): H9V1Verdict {
  const studies = studiesFor(9, ctx.input);
  if (studies.length === 0) return missingVerdict(9, { speedups: [] });
  const members = completeMembers(studies, ctx);
  const byRun = new Map(ctx.input.pruning.map((p) => [p.run, p]));
  const units: Array<RuleUnit<H9V1Numbers>> = [];
  const speedups: number[] = [];
  const used: Member[] = [];
  for (const m of members) {
    const p = byRun.get(m.run.run);
    const base = { run: m.run.run, seed: m.seed };
    if (!p) {
      units.push({ key: m.run.run, outcome: 'insufficient', note: 'no-pruning-result', numbers: { ...base, pruning: null } });
      continue;
    }
    const speedup = p.imagesPerSecondAfter / p.imagesPerSecondBefore;
    const accuracyChange = p.testAccuracyAfter - p.testAccuracyBefore;
    const pruning = { removedFilters: p.removedFilters, filtersBefore: p.filtersBefore, accuracyChange, speedup };
    if (p.removedFilters === 0) {
      units.push({ key: m.run.run, outcome: 'insufficient', note: 'nothing-removed', numbers: { ...base, pruning } });
      continue;
    }
    used.push(m);
    speedups.push(speedup);
    let outcome: UnitOutcome = 'unclear';
    if (Math.abs(accuracyChange) > ACCURACY_TOLERANCE || speedup <= 1) outcome = 'contradicts';
    else if (speedup >= MIN_SPEEDUP) outcome = 'supports';
    units.push({ key: m.run.run, outcome, note: null, numbers: { ...base, pruning } });
  }
  const effect = { value: speedups.length ? mean(speedups) : null, speedups };
  return perRunVerdict({ hypothesis: 9, units, used, studies, figure: { study: studies[0].study, figure: 'pruning' }, effect });
}

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h9V1Text(c: RuleConstants, { points, ratio }: NumberFormat): string {
  return `Units: runs of the pruning study from which at least one filter was removed. A run supports when its test accuracy after pruning is within ${points(c.ACCURACY_TOLERANCE, 1).slice(1)} of before and its measured images/s rose by at least ${ratio(c.MIN_SPEEDUP)}; it contradicts when accuracy moved by more than that or images/s did not rise at all. Needs at least ${c.MIN_SEEDS} such runs. Effect: mean speed-up ± sd.`;
}

// H7: sparsity appears early in training and persists. Decided run by run on the network's
// sparsity over the run's checkpoints.
import { groupBy, type Member } from '../cells.js';
import { mean } from '../statistics.js';
import { emergenceTiming, networkSparsityOverTime, type EmergenceTiming } from '../time-series.js';
import { RULE_CONSTANTS } from '../rules/v1-constants.js';
import type { RuleUnit, UnitOutcome } from '../rules/result.js';
import { completeMembers, missingVerdict, perRunVerdict, studiesFor, type Context, type RunNumbers, type V1Verdict } from '../rules/v1-context.js';

const { MIN_FINAL_SPARSITY, EARLY, LATE, PERSIST, LOST } = RULE_CONSTANTS;

/** timing null: fewer than two checkpoints. */
export type H7V1Numbers = RunNumbers & { timing: EmergenceTiming | null };
/** Share of training before half the final sparsity is reached, per informative run (the effect is their mean). */
export interface H7V1Effect {
  halves: number[];
}
export type H7V1Verdict = V1Verdict<7, H7V1Numbers, H7V1Effect>;

export function h7V1(ctx: Context): H7V1Verdict {
  const studies = studiesFor(7, ctx.input);
  if (studies.length === 0) return missingVerdict(7, { halves: [] });
  const members = completeMembers(studies, ctx);
  const byRun = groupBy(ctx.input.emergence, (r) => r.run);
  const units: Array<RuleUnit<H7V1Numbers>> = [];
  const halves: number[] = [];
  const used: Member[] = [];
  for (const m of members) {
    const t = emergenceTiming(networkSparsityOverTime(byRun.get(m.run.run) ?? []), m.run.iterations);
    const numbers = { run: m.run.run, seed: m.seed, timing: t };
    if (!t || t.final < MIN_FINAL_SPARSITY) {
      units.push({ key: m.run.run, outcome: 'insufficient', note: t ? 'too-little-sparsity' : 'too-few-checkpoints', numbers });
      continue;
    }
    used.push(m);
    halves.push(t.halfAt);
    let outcome: UnitOutcome = 'unclear';
    if (t.halfAt > LATE || t.finalOverPeak < LOST) outcome = 'contradicts';
    else if (t.halfAt <= EARLY && t.finalOverPeak >= PERSIST) outcome = 'supports';
    units.push({ key: m.run.run, outcome, note: null, numbers });
  }
  const effect = { value: halves.length ? mean(halves) : null, halves };
  return perRunVerdict({ hypothesis: 7, units, used, studies, figure: { study: studies[0].study, figure: 'sparsityOverTime' }, effect });
}

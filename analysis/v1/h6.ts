// H6: the features that die were selective before they died. Decided run by run on each
// feature's selectivity at its run's early checkpoint (experiments/definitions.ts).
import type { FilterRow } from '../../data/schemas/datasets.js';
import { groupBy, type Member } from '../cells.js';
import { mean, median } from '../statistics.js';
import { deadByEarly } from '../time-series.js';
import { RULE_CONSTANTS } from '../rules/v1-constants.js';
import type { RuleUnit, UnitOutcome } from '../rules/result.js';
import { completeMembers, missingVerdict, perRunVerdict, studiesFor, type Context, type RunNumbers, type V1Verdict } from '../rules/v1-context.js';

const { MIN_DEAD_FEATURES, SELECTIVE_GAP } = RULE_CONSTANTS;

/** H6 on the filter rows of one run: who is compared, and the gaps. */
export interface SelectivityGap {
  /**
   * Survivors' median minus the dying features' median early selectivity (the decisive gap);
   * null when fewer than MIN_DEAD_FEATURES features died after the early checkpoint, or none survived.
   */
  gap: number | null;
  /** Features compared that died after the early checkpoint. */
  dead: number;
  /** Survivors compared. */
  survivors: number;
  /** Features that had already died by the early checkpoint: left out of the comparison. */
  alreadyDead: number;
  /** Iteration of the run's early checkpoint (null: the run has none). */
  earlyAt: number | null;
  /** The same gap on the selectivity shortly before death, over every death (shown, never decides). */
  gapBeforeDeath: number | null;
}

export function selectivityGap(rows: readonly FilterRow[]): SelectivityGap {
  const early = rows.filter((r) => r.selectivityEarly !== null);
  const alreadyDead = early.filter(deadByEarly).length;
  const died = early.filter((r) => r.diedAt !== null && !deadByEarly(r)).map((r) => r.selectivityEarly as number);
  const lived = early.filter((r) => r.diedAt === null).map((r) => r.selectivityEarly as number);
  const diedBefore = rows.filter((r) => r.diedAt !== null && r.selectivityBefore !== null).map((r) => r.selectivityBefore as number);
  const livedBefore = rows.filter((r) => r.diedAt === null && r.selectivityBefore !== null).map((r) => r.selectivityBefore as number);
  const earlyAt = early.find((r) => r.selectivityEarlyAt !== null)?.selectivityEarlyAt ?? null;
  return {
    gap: died.length >= MIN_DEAD_FEATURES && lived.length > 0 ? median(lived) - median(died) : null,
    dead: died.length,
    survivors: lived.length,
    alreadyDead,
    earlyAt,
    gapBeforeDeath: diedBefore.length >= MIN_DEAD_FEATURES && livedBefore.length > 0 ? median(livedBefore) - median(diedBefore) : null,
  };
}

export type H6V1Numbers = RunNumbers & { selectivity: SelectivityGap };
/** The decisive gap of each informative run (the effect is their mean). */
export interface H6V1Effect {
  gaps: number[];
}
export type H6V1Verdict = V1Verdict<6, H6V1Numbers, H6V1Effect>;

export function h6V1(ctx: Context): H6V1Verdict {
  const studies = studiesFor(6, ctx.input);
  if (studies.length === 0) return missingVerdict(6, { gaps: [] });
  const members = completeMembers(studies, ctx);
  const byRun = groupBy(ctx.input.filters, (r) => r.run);
  const units: Array<RuleUnit<H6V1Numbers>> = [];
  const gaps: number[] = [];
  const used: Member[] = [];
  for (const m of members) {
    const g = selectivityGap(byRun.get(m.run.run) ?? []);
    const numbers = { run: m.run.run, seed: m.seed, selectivity: g };
    if (g.gap === null) {
      units.push({
        key: m.run.run,
        outcome: 'insufficient',
        note: g.earlyAt === null ? 'no-early-checkpoint' : g.dead < MIN_DEAD_FEATURES ? 'too-few-dying' : 'no-survivors',
        numbers,
      });
      continue;
    }
    used.push(m);
    gaps.push(g.gap);
    const outcome: UnitOutcome = g.gap >= SELECTIVE_GAP ? 'supports' : g.gap < SELECTIVE_GAP / 2 ? 'contradicts' : 'unclear';
    units.push({ key: m.run.run, outcome, note: null, numbers });
  }
  const effect = { value: gaps.length ? mean(gaps) : null, gaps };
  return perRunVerdict({ hypothesis: 6, units, used, studies, figure: { study: studies[0].study, figure: 'selectivityBefore' }, effect });
}

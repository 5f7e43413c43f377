// H3: Sparsity grows with the regularization strength.
// Its home: every rule that has decided it (v1, v2, v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { factorOf, measured, type Member, membersOf } from '../cells.js';
import { mean } from '../statistics.js';
import { byMajority, type RuleResult, type RuleUnit } from '../rules/result.js';
import {
  type Context,
  groupsExcept,
  minSeedsOf,
  missingVerdict,
  studiesFor,
  type V1TrendNumbers,
  v1TrendUnits,
  type V1Verdict,
  verdictOf,
} from '../rules/v1-context.js';
import { type TrendNumbers, trendUnit } from '../rules/trend.js';
import { COLLAPSE_EFOLDS } from '../../data/definitions.js';
import { type Criterion, underBothCriteria, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import type { NumberFormat } from '../rules/text.js';
import type { RuleConstants } from '../rules/v1-constants.js';

// ---- v1 --------------------------------------------------------------------------------
// H3: sparsity grows with the regularization strength.
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

// ---- v2 --------------------------------------------------------------------------------
// H3 (v2): sparsity grows with the regularization strength, for Adam and SGD with momentum under
// L2 and for AdamW's decoupled decay (whose per-step shrink is lr * strength, PyTorch's convention).
/** The constants of the rule, fixed before the strength runs it decides existed. */
export const H3_V2 = {
  clearEffect: 0.05,
  minSeeds: 3,
} as const;

/** One run of a strength sweep. */
export interface H3Run {
  run: string;
  optimizer: string;
  kind: 'l2' | 'decoupled';
  lr: number;
  strength: number;
  sparsity: number;
}

export interface H3Numbers extends TrendNumbers {
  optimizer: string;
  kind: 'l2' | 'decoupled';
  /** The strengths of the sweep and, for decoupled decay, the per-step shrink lr * strength. */
  strengths: number[];
  shrinkPerStep: number[] | null;
  /** The runs of the sweep. */
  runs: string[];
}

export interface H3Effect {
  /** Mean over deciding units of highest- minus lowest-strength sparsity. */
  difference: number | null;
}

/** Units: one per (optimizer, regularization kind, learning rate) sweep; by majority. */
export function h3V2(runs: readonly H3Run[]): RuleResult<H3Numbers, H3Effect> {
  const keys = [...new Set(runs.map((r) => `${r.optimizer} ${r.kind} lr ${r.lr}`))].sort();
  const units: Array<RuleUnit<H3Numbers>> = keys.map((key) => {
    const members = runs.filter((r) => `${r.optimizer} ${r.kind} lr ${r.lr}` === key);
    const strengths = [...new Set(members.map((r) => r.strength))].sort((a, b) => a - b);
    const unit = trendUnit(
      key,
      strengths.map((s) => ({ level: s, sparsities: members.filter((r) => r.strength === s).map((r) => r.sparsity) })),
      true,
      H3_V2.clearEffect,
      H3_V2.minSeeds,
    );
    const { optimizer, kind, lr } = members[0];
    return {
      ...unit,
      numbers: {
        ...unit.numbers,
        optimizer,
        kind,
        strengths,
        shrinkPerStep: kind === 'decoupled' ? strengths.map((s) => s * lr) : null,
        runs: members.map((r) => r.run),
      },
    };
  });
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  const diffs = deciding.map((u) => u.numbers.difference as number);
  return {
    outcome: byMajority(units.map((u) => ({ label: u.key, outcome: u.outcome, detail: '' }))),
    note: deciding.length === 0 ? 'no-deciding-unit' : null,
    units,
    effect: { difference: diffs.length ? mean(diffs) : null },
  };
}

// ---- v3 --------------------------------------------------------------------------------
// H3 (v3): sparsity grows with the regularization strength. Decided along strengths whose decay
// budgets all reach a collapse (>= 6.9 e-folds): SGD with momentum and L2, and AdamW's decoupled
// decay, each at budgets 7, 14 and 28, 3 fresh seeds. The trend rule is the shared one (analysis/rules/trend.ts).
export const H3_V3 = {
  /** The highest strength's mean at least this far above the lowest's (every seed above every seed). */
  clearEffect: 0.05,
  minSeeds: 3,
  minBudget: COLLAPSE_EFOLDS,
  families: [
    { key: 'momentum L2', optimizer: 'momentum', regularization: 'l2' },
    { key: 'adamw decoupled', optimizer: 'adamw', regularization: 'decoupled' },
  ],
} as const;

export interface H3V3Effect {
  /** Mean over the deciding families of highest minus lowest strength. */
  meanDifference: number | null;
}

export function h3V3Rule(runs: readonly V3Run[], criterion: Criterion): RuleResult<TrendNumbers & { levelsBelowBudget: number }, H3V3Effect> {
  const units: Array<RuleUnit<TrendNumbers & { levelsBelowBudget: number }>> = H3_V3.families.map((family) => {
    const members = runs.filter((r) => r.optimizer === family.optimizer && r.regularization === family.regularization);
    const levels = [...new Set(members.map((r) => r.strength))];
    const usable = levels.filter((l) => members.some((r) => r.strength === l && r.decayBudget !== null && r.decayBudget >= H3_V3.minBudget));
    const cells = usable.map((level) => ({
      level,
      sparsities: sparsities(
        members.filter((r) => r.strength === level),
        criterion,
      ),
    }));
    const unit = trendUnit(family.key, cells, true, H3_V3.clearEffect, H3_V3.minSeeds);
    return { ...unit, numbers: { ...unit.numbers, levelsBelowBudget: levels.length - usable.length } };
  });
  const deciding = units.filter((u) => u.outcome !== 'insufficient');
  const outcome = deciding.length === 0 ? 'inconclusive' : byMajority(units);
  const diffs = deciding.map((u) => u.numbers.difference as number);
  return {
    outcome,
    note: deciding.length === 0 ? 'no-family-with-levels' : null,
    units,
    effect: { meanDifference: diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : null },
  };
}

export function h3V3(runs: readonly V3Run[]): V3Result<TrendNumbers & { levelsBelowBudget: number }, H3V3Effect> {
  return underBothCriteria((c) => h3V3Rule(runs, c));
}

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h3V1Text(c: RuleConstants, { points }: NumberFormat): string {
  return `Units: each group of the strength study's other factors. Supports when the highest strength is clearly above the lowest by at least ${points(c.CLEAR_EFFECT, 0)} and no step to the next strength is clearly a decrease of that size; contradicts when the highest strength is not above the lowest by that much. Effect: mean over groups of highest minus lowest.`;
}

/** The v2 rule as the methods page states it, written from the constants it reads. */
export function h3V2Text({ points }: NumberFormat): string {
  return `Units: each strength sweep (Adam and SGD with momentum under L2, study strength; AdamW with decoupled decay, study decoupled-strength, whose per-step shrink is lr × strength, PyTorch's convention), ${H3_V2.minSeeds} seeds at every strength. A unit supports when the highest strength is clearly above the lowest by at least ${points(H3_V2.clearEffect, 0)} and no step to the next strength is clearly a decrease of that size; contradicts when the highest is not above the lowest by that much. By majority. Effect: mean over deciding sweeps of highest minus lowest.`;
}

// H3 (v2): sparsity grows with the regularization strength, for Adam and SGD with momentum under
// L2 and for AdamW's decoupled decay (whose per-step shrink is lr * strength, PyTorch's convention).
import { byMajority, type RuleResult, type RuleUnit } from '../rules/result.js';
import { mean } from '../statistics.js';
import { trendUnit, type TrendNumbers } from '../rules/trend.js';

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
}

export interface H3Effect {
  /** Mean over deciding units of highest- minus lowest-strength sparsity. */
  difference: number | null;
}

/** Units: one per (optimizer, regularization kind, learning rate) sweep; by majority. */
export function h3(runs: readonly H3Run[]): RuleResult<H3Numbers, H3Effect> {
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
    return { ...unit, numbers: { ...unit.numbers, optimizer, kind, strengths, shrinkPerStep: kind === 'decoupled' ? strengths.map((s) => s * lr) : null } };
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

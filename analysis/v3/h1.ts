// H1 (v3): without regularization, no optimizer produces substantial sparsity. Decided on the case
// study v2 found strongest, RMSprop without regularization, over 5e-3 to 2e-2 on fresh seeds. By
// gamma (the paper's collapse); the activation criterion is reported, with each death's mechanism.
import { sideOfLine, underBothCriteria, type Criterion, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import { byAll, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { mean, sd } from '../statistics.js';

export const H1_V3 = {
  /** Network sparsity at or above this is substantial (v1's and v2's line). */
  substantial: 0.1,
  /** Seeds a cell needs. */
  minSeeds: 3,
} as const;

export interface H1V3Numbers {
  optimizer: string;
  lr: number;
  seeds: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  /** Deaths by mechanism summed over the cell's runs (both criteria's counts, whatever decides). */
  gammaCollapses: number;
  negativeBetaDeaths: number;
}

export interface H1V3Effect {
  /** The largest cell mean and where. */
  largestMean: number | null;
  lr: number | null;
}

/**
 * A cell (an optimizer at a learning rate, without regularization) supports when every seed is
 * below `substantial`, contradicts when every seed is at or above it, and is unclear when its seeds
 * straddle the line (within the seed spread of the threshold: said so in its note). Universal: byAll.
 */
export function h1V3Rule(runs: readonly V3Run[], criterion: Criterion): RuleResult<H1V3Numbers, H1V3Effect> {
  const cells = new Map<string, V3Run[]>();
  for (const r of runs.filter((x) => x.regularization === 'none')) {
    const key = `${r.optimizer} lr ${r.lr}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const units: Array<RuleUnit<H1V3Numbers>> = [...cells.entries()]
    .sort((a, b) => a[1][0].lr - b[1][0].lr)
    .map(([key, cell]) => {
      const s = sparsities(cell, criterion);
      const numbers: H1V3Numbers = {
        optimizer: cell[0].optimizer,
        lr: cell[0].lr,
        seeds: s.length,
        mean: mean(s),
        sd: s.length > 1 ? sd(s) : null,
        min: Math.min(...s),
        max: Math.max(...s),
        gammaCollapses: cell.reduce((a, r) => a + r.gammaCollapses, 0),
        negativeBetaDeaths: cell.reduce((a, r) => a + r.negativeBetaDeaths, 0),
      };
      if (s.length < H1_V3.minSeeds) return { key, outcome: 'insufficient', note: 'too-few-seeds', numbers };
      const side = sideOfLine(s, H1_V3.substantial);
      const outcome: UnitOutcome = side === 'below' ? 'supports' : side === 'above' ? 'contradicts' : 'unclear';
      return { key, outcome, note: side === 'straddles' ? 'within-seed-spread-of-threshold' : null, numbers };
    });
  const decided = units.filter((u) => u.outcome !== 'insufficient');
  const top = decided.reduce<RuleUnit<H1V3Numbers> | null>((best, u) => (best === null || (u.numbers.mean ?? 0) > (best.numbers.mean ?? 0) ? u : best), null);
  const outcome = byAll(units);
  return {
    outcome,
    note: decided.length === 0 ? 'no-cell' : null,
    units,
    effect: { largestMean: top?.numbers.mean ?? null, lr: top?.numbers.lr ?? null },
  };
}

export function h1V3(runs: readonly V3Run[]): V3Result<H1V3Numbers, H1V3Effect> {
  return underBothCriteria((c) => h1V3Rule(runs, c));
}

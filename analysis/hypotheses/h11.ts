// H11 (new in v3).
// Its home: every rule that has decided it (v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { type Criterion, sideOfLine, underBothCriteria, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import { byAll, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { mean, sd } from '../statistics.js';

// ---- v3 --------------------------------------------------------------------------------
// H11 (new in v3, confirmatory): the phenomenon holds at the paper's width. Study v2 ran widths 8
// and 16 only (0.9 % against 11.3 % dead); the paper's BasicNet is reportedly 64 filters wide in its
// first block. The main configuration at width 64 (and 32, reported) on 3 fresh seeds.
export const H11_STATEMENT = 'Filters die at the paper’s network width (BasicNet width 64) as they do at width 16.';

export const H11 = {
  /** The width that decides. */
  width: 64,
  /** Substantial sparsity, as H1's line: at or above it in every seed supports... */
  substantial: 0.1,
  /** ...below this in every seed contradicts; between, or seeds on both sides of a line: unclear. */
  absentBelow: 0.02,
  minSeeds: 3,
} as const;

export interface H11Numbers {
  width: number;
  seeds: number;
  mean: number | null;
  sd: number | null;
}

export interface H11Effect {
  /** Mean sparsity per width of the study (16, 32, 64), for the width figure. */
  byWidth: Array<{ width: number; mean: number; sd: number | null; seeds: number }>;
}

export function h11Rule(runs: readonly V3Run[], criterion: Criterion): RuleResult<H11Numbers, H11Effect> {
  const widths = [...new Set(runs.map((r) => r.width))].sort((a, b) => a - b);
  const byWidth = widths.map((width) => {
    const s = sparsities(
      runs.filter((r) => r.width === width),
      criterion,
    );
    return { width, mean: mean(s), sd: s.length > 1 ? sd(s) : null, seeds: s.length };
  });
  const s = sparsities(
    runs.filter((r) => r.width === H11.width),
    criterion,
  );
  const numbers: H11Numbers = { width: H11.width, seeds: s.length, mean: s.length ? mean(s) : null, sd: s.length > 1 ? sd(s) : null };
  const key = `width ${H11.width}`;
  let unit: RuleUnit<H11Numbers>;
  if (s.length < H11.minSeeds) unit = { key, outcome: 'insufficient', note: 'too-few-seeds', numbers };
  else {
    const high = sideOfLine(s, H11.substantial);
    const low = sideOfLine(s, H11.absentBelow);
    let outcome: UnitOutcome = 'unclear';
    let note: string | null = null;
    if (high === 'above') outcome = 'supports';
    else if (low === 'below') outcome = 'contradicts';
    else if (high === 'straddles' || low === 'straddles') note = 'within-seed-spread-of-threshold';
    unit = { key, outcome, note, numbers };
  }
  return { outcome: byAll([unit]), note: unit.outcome === 'insufficient' ? 'too-few-seeds' : null, units: [unit], effect: { byWidth } };
}

export function h11(runs: readonly V3Run[]): V3Result<H11Numbers, H11Effect> {
  return underBothCriteria((c) => h11Rule(runs, c));
}

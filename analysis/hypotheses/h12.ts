// H12 (new in v3).
// Its home: every rule that has decided it (v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { compareAbove } from '../seeds.js';
import { type Criterion, sideOfLine, underBothCriteria, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import { byAll, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { mean } from '../statistics.js';

// ---- v3 --------------------------------------------------------------------------------
// H12 (new in v3, confirmatory; an intervention): the collapse needs the regularization of the
// batch-norm parameters. With L2 on the kernels and the head only (none on gamma and beta), the main
// configuration leaves (almost) no gamma-dead filter, where with L2 everywhere it leaves many.
export const H12_STATEMENT = 'Without L2 on the batch-norm parameters (gamma and beta), filters no longer die.';

export const H12 = {
  /** The intervention's sparsity must stay below this in every seed... */
  absentBelow: 0.01,
  /** ...and the main configuration's be above it by this (every seed above every seed). */
  clearEffect: 0.05,
  minSeeds: 3,
} as const;

export interface H12Numbers {
  withMean: number | null;
  withoutMean: number | null;
  difference: number | null;
}

export interface H12Effect {
  difference: number | null;
}

/** `runs`: width-16 main-configuration runs, with L2 everywhere (regularized includes gamma) or not on gamma and beta. */
export function h12Rule(runs: readonly V3Run[], criterion: Criterion): RuleResult<H12Numbers, H12Effect> {
  const onBn = (r: V3Run) => r.regularized.includes('gamma') || r.regularized.includes('beta');
  const main = runs.filter((r) => r.width === 16 && r.regularization === 'l2' && onBn(r));
  const without = runs.filter((r) => r.width === 16 && r.regularization === 'l2' && !onBn(r));
  const w = sparsities(main, criterion);
  const wo = sparsities(without, criterion);
  const numbers: H12Numbers = {
    withMean: w.length ? mean(w) : null,
    withoutMean: wo.length ? mean(wo) : null,
    difference: w.length && wo.length ? mean(w) - mean(wo) : null,
  };
  const key = 'L2 on gamma and beta against none on them';
  let unit: RuleUnit<H12Numbers>;
  if (w.length < H12.minSeeds || wo.length < H12.minSeeds) unit = { key, outcome: 'insufficient', note: 'too-few-seeds', numbers };
  else {
    const cmp = compareAbove(w, wo, H12.clearEffect);
    const side = sideOfLine(wo, H12.absentBelow);
    let outcome: UnitOutcome = 'unclear';
    let note: string | null = null;
    if (cmp === 'above' && side === 'below') outcome = 'supports';
    else if (cmp === 'notAbove') outcome = 'contradicts';
    else note = side === 'straddles' || cmp === 'unclear' ? 'within-seed-spread-of-threshold' : 'intervention-leaves-deaths';
    unit = { key, outcome, note, numbers };
  }
  return { outcome: byAll([unit]), note: null, units: [unit], effect: { difference: numbers.difference } };
}

export function h12(runs: readonly V3Run[]): V3Result<H12Numbers, H12Effect> {
  return underBothCriteria((c) => h12Rule(runs, c));
}

// H2: with L2, adaptive optimizers produce far more sparsity than SGD.
import { cellsOf, factorOf, measured, membersOf, valuesOf, type FactorValue } from '../cells.js';
import { compareAbove } from '../seeds.js';
import { mean } from '../statistics.js';
import { ADAPTIVE_OPTIMIZERS, RULE_CONSTANTS, SGD_OPTIMIZERS } from './constants.js';
import { byMajority, type UnitOutcome } from '../rules/result.js';
import { minSeedsOf, missingVerdict, studiesFor, verdictOf, type Context, type Unit, type Verdict } from './verdict.js';

const { FAR_MORE } = RULE_CONSTANTS;

/** One adaptive optimizer under L2 against the pooled SGD reference (optimizer null: there is no reference). */
export interface H2Unit {
  optimizer: FactorValue | null;
  values: number[];
  reference: number[];
  /** Mean minus reference mean (null when either has no seeds). */
  difference: number | null;
}
/** Adaptive minus SGD sparsity under L2, one per adaptive optimizer (the effect is their mean). */
export interface H2Effect {
  differences: number[];
}
export type H2Verdict = Verdict<2, H2Unit, H2Effect>;

export function h2(ctx: Context): H2Verdict {
  const studies = studiesFor(2, ctx.input);
  if (studies.length === 0) return missingVerdict(2, { differences: [] });
  const study = studies[0];
  const l2 = measured(membersOf(study, ctx.runsById), 'activation').filter((m) => factorOf(m, 'regularization.kind') === 'l2');
  const reference = l2.filter((m) => SGD_OPTIMIZERS.includes(String(factorOf(m, 'optimizer.name'))));
  const ref = valuesOf(reference, 'activation');
  const adaptive = cellsOf(
    l2.filter((m) => ADAPTIVE_OPTIMIZERS.includes(String(factorOf(m, 'optimizer.name')))),
    ['optimizer.name'],
  );
  const units: Array<Unit<H2Unit>> = adaptive.map((c) => {
    const values = valuesOf(c.members, 'activation');
    const cmp = compareAbove(values, ref, FAR_MORE);
    const outcome: UnitOutcome = cmp === 'above' ? 'supports' : cmp === 'notAbove' ? 'contradicts' : cmp === 'insufficient' ? 'insufficient' : 'unclear';
    const difference = values.length && ref.length ? mean(values) - mean(ref) : null;
    return { outcome, optimizer: c.factors['optimizer.name'], values, reference: ref, difference };
  });
  if (ref.length === 0) units.push({ outcome: 'insufficient', optimizer: null, values: [], reference: [], difference: null });
  const differences = ref.length > 0 ? adaptive.map((c) => mean(valuesOf(c.members, 'activation')) - mean(ref)) : [];
  const used = [...reference, ...adaptive.flatMap((c) => c.members)];
  const effect = { value: differences.length ? mean(differences) : null, differences };
  return verdictOf(
    2,
    byMajority(units),
    units,
    used,
    minSeedsOf([reference, ...adaptive.map((c) => c.members)]),
    studies,
    { study: study.study, figure: 'sparsity' },
    effect,
  );
}

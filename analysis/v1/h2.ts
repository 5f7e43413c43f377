// H2: with L2, adaptive optimizers produce far more sparsity than SGD.
import { cellsOf, factorOf, measured, membersOf, valuesOf, type FactorValue } from '../cells.js';
import { compareAbove } from '../seeds.js';
import { mean } from '../statistics.js';
import { ADAPTIVE_OPTIMIZERS, RULE_CONSTANTS, SGD_OPTIMIZERS } from '../rules/v1-constants.js';
import { byMajority, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { minSeedsOf, missingVerdict, studiesFor, verdictOf, type Context, type V1Verdict } from '../rules/v1-context.js';

const { FAR_MORE } = RULE_CONSTANTS;

/** One adaptive optimizer under L2 against the pooled SGD reference (optimizer null: there is no reference). */
export interface H2V1Numbers {
  optimizer: FactorValue | null;
  values: number[];
  reference: number[];
  /** Mean minus reference mean (null when either has no seeds). */
  difference: number | null;
}
/** Adaptive minus SGD sparsity under L2, one per adaptive optimizer (the effect is their mean). */
export interface H2V1Effect {
  differences: number[];
}
export type H2V1Verdict = V1Verdict<2, H2V1Numbers, H2V1Effect>;

export function h2V1(ctx: Context): H2V1Verdict {
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
  const units: Array<RuleUnit<H2V1Numbers>> = adaptive.map((c) => {
    const values = valuesOf(c.members, 'activation');
    const cmp = compareAbove(values, ref, FAR_MORE);
    const outcome: UnitOutcome = cmp === 'above' ? 'supports' : cmp === 'notAbove' ? 'contradicts' : cmp === 'insufficient' ? 'insufficient' : 'unclear';
    const difference = values.length && ref.length ? mean(values) - mean(ref) : null;
    const optimizer = c.factors['optimizer.name'];
    return { key: String(optimizer), outcome, note: null, numbers: { optimizer, values, reference: ref, difference } };
  });
  if (ref.length === 0)
    units.push({
      key: 'SGD reference',
      outcome: 'insufficient',
      note: 'no-reference',
      numbers: { optimizer: null, values: [], reference: [], difference: null },
    });
  const differences = ref.length > 0 ? adaptive.map((c) => mean(valuesOf(c.members, 'activation')) - mean(ref)) : [];
  const used = [...reference, ...adaptive.flatMap((c) => c.members)];
  const effect = { value: differences.length ? mean(differences) : null, differences };
  return verdictOf({
    hypothesis: 2,
    outcome: byMajority(units),
    units,
    used,
    minSeeds: minSeedsOf([reference, ...adaptive.map((c) => c.members)]),
    studies,
    figure: { study: study.study, figure: 'sparsity' },
    effect,
  });
}

// H4: Sparsity changes with mini-batch size and learning rate.
// Its home: every rule that has decided it (v1), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { factorOf, type FactorValue, measured, type Member, membersOf, sortLevels, valuesOf } from '../cells.js';
import { type Change, compareChange } from '../seeds.js';
import { mean } from '../statistics.js';
import type { StudyRow } from '../../data/schemas/datasets.js';
import { RULE_CONSTANTS, type RuleConstants } from '../rules/v1-constants.js';
import { byAll, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { type Context, type Group, groupKey, groupsExcept, minSeedsOf, missingVerdict, studiesFor, type V1Verdict, verdictOf } from '../rules/v1-context.js';
import type { NumberFormat } from '../rules/text.js';

// ---- v1 --------------------------------------------------------------------------------
// H4: sparsity changes with mini-batch size and learning rate. The claim names both factors, so
// every informative unit must support it.
const { CLEAR_EFFECT } = RULE_CONSTANTS;

/** The configuration paths of the two factors H4 names. */
const H4_FACTORS = ['training.batchSize', 'optimizer.lr'] as const;

/** One factor within one group of a study's other factors. */
export interface H4V1Numbers {
  factor: string;
  group: Omit<Group, 'members'>;
  /** Fewer than two levels of the factor in the group. */
  fewerThanTwoLevels: boolean;
  /** The pair of levels whose means differ most (later minus earlier level), null without one. */
  pair: [FactorValue, FactorValue] | null;
  largest: number;
}
/** The largest difference of any unit, signed. */
export type H4V1Verdict = V1Verdict<4, H4V1Numbers, Record<never, never>>;

export function h4V1(ctx: Context): H4V1Verdict {
  const studies = studiesFor(4, ctx.input);
  const candidates = studies.length ? studies : ctx.input.studies.filter((s) => s.study === 'learning-rate');
  const units: Array<RuleUnit<H4V1Numbers>> = [];
  const used: Member[] = [];
  const cellsAll: Member[][] = [];
  const effects: number[] = [];
  const tested: StudyRow[] = [];
  let figure: H4V1Verdict['evidence']['figure'] = null;
  for (const study of candidates) {
    const factor = H4_FACTORS.find((f) => study.factors.includes(f));
    if (!factor) continue;
    tested.push(study);
    figure ??= { study: study.study, figure: 'sparsity' };
    const members = measured(membersOf(study, ctx.runsById), 'activation');
    used.push(...members);
    for (const g of groupsExcept(study, members, [factor])) {
      const group = { paths: g.paths, factors: g.factors };
      const key = `${factor} (${groupKey(group)})`;
      const levels = sortLevels(g.members.map((m) => factorOf(m, factor)));
      const byLevel = levels.map((l) => g.members.filter((m) => factorOf(m, factor) === l));
      cellsAll.push(...byLevel);
      if (levels.length < 2) {
        units.push({ key, outcome: 'insufficient', note: 'too-few-levels', numbers: { factor, group, fewerThanTwoLevels: true, pair: null, largest: 0 } });
        continue;
      }
      const results: Change[] = [];
      let largest = 0;
      let pair: [FactorValue, FactorValue] | null = null;
      for (let i = 0; i < levels.length; i++) {
        for (let j = i + 1; j < levels.length; j++) {
          const a = valuesOf(byLevel[i], 'activation');
          const b = valuesOf(byLevel[j], 'activation');
          results.push(compareChange(a, b, CLEAR_EFFECT));
          if (a.length === 0 || b.length === 0) continue;
          const d = mean(b) - mean(a);
          if (Math.abs(d) >= Math.abs(largest)) {
            largest = d;
            pair = [levels[i], levels[j]];
          }
        }
      }
      let outcome: UnitOutcome = 'unclear';
      if (results.every((r) => r === 'insufficient')) outcome = 'insufficient';
      else if (results.includes('changed')) outcome = 'supports';
      else if (results.every((r) => r === 'unchanged')) outcome = 'contradicts';
      if (pair) effects.push(largest);
      units.push({ key, outcome, note: null, numbers: { factor, group, fewerThanTwoLevels: false, pair, largest } });
    }
  }
  if (tested.length === 0) return missingVerdict(4, {});
  const top = effects.length ? effects.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a)) : null;
  return verdictOf({ hypothesis: 4, outcome: byAll(units), units, used, minSeeds: minSeedsOf(cellsAll), studies: tested, figure, effect: { value: top } });
}

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h4V1Text(c: RuleConstants, { points }: NumberFormat): string {
  return `Units: for the mini-batch size and the learning rate (each study that varies one), each group of the other factors. Supports when some pair of levels differs clearly (non-overlapping seeds and means ${points(c.CLEAR_EFFECT, 0).slice(1)} apart), contradicts when every pair of seeds of every pair of levels differs by less than that. The claim names both factors, so it is supported only when every informative unit supports, and contradicted when any unit contradicts. Effect: the largest difference between two levels.`;
}

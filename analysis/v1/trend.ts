// H3 and H5 share a rule: along an ordered factor, one end is expected clearly above the other,
// with no clear step the other way.
import { valuesOf, type Member } from '../cells.js';
import { compareAbove } from '../seeds.js';
import { mean } from '../statistics.js';
import { RULE_CONSTANTS } from './constants.js';
import type { UnitOutcome } from './outcome.js';
import type { Group, Unit } from './verdict.js';

const { CLEAR_EFFECT } = RULE_CONSTANTS;

/** One group of the study's other factors along the ordered factor. */
export interface TrendUnit {
  group: Omit<Group, 'members'>;
  /** The ordered factor's levels, lowest first (fewer than two: the unit is insufficient). */
  levels: number[];
  /** Sparsity of the seeds at the lowest and at the highest level. */
  low: number[];
  high: number[];
  /** Some step to the next level is clearly the other way. */
  wrongStep: boolean;
}

/**
 * expectRise: the highest level is expected clearly above the lowest (else the lowest above the
 * highest). diffs: per group, expected-higher minus expected-lower mean.
 */
export function trendUnits(
  groups: readonly Group[],
  levelOf: (m: Member) => number,
  expectRise: boolean,
): { units: Array<Unit<TrendUnit>>; diffs: number[]; cells: Member[][] } {
  const units: Array<Unit<TrendUnit>> = [];
  const diffs: number[] = [];
  const cells: Member[][] = [];
  for (const g of groups) {
    const group = { paths: g.paths, factors: g.factors };
    const levels = [...new Set(g.members.map(levelOf))].sort((a, b) => a - b);
    const byLevel = levels.map((l) => g.members.filter((m) => levelOf(m) === l));
    cells.push(...byLevel);
    if (levels.length < 2) {
      units.push({ outcome: 'insufficient', group, levels, low: [], high: [], wrongStep: false });
      continue;
    }
    const low = valuesOf(byLevel[0], 'activation');
    const high = valuesOf(byLevel[byLevel.length - 1], 'activation');
    const [hi, lo] = expectRise ? [high, low] : [low, high];
    const cmp = compareAbove(hi, lo, CLEAR_EFFECT);
    let wrongStep = false;
    for (let i = 0; i + 1 < byLevel.length; i++) {
      const a = valuesOf(byLevel[i], 'activation');
      const b = valuesOf(byLevel[i + 1], 'activation');
      if (compareAbove(expectRise ? a : b, expectRise ? b : a, CLEAR_EFFECT) === 'above') wrongStep = true;
    }
    let outcome: UnitOutcome = 'unclear';
    if (cmp === 'insufficient') outcome = 'insufficient';
    else if (cmp === 'above' && !wrongStep) outcome = 'supports';
    else if (cmp === 'notAbove') outcome = 'contradicts';
    if (hi.length > 0 && lo.length > 0) diffs.push(mean(hi) - mean(lo));
    units.push({ outcome, group, levels, low, high, wrongStep });
  }
  return { units, diffs, cells };
}

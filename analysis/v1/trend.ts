// H3 and H5 (v1) on the one trend rule (analysis/rules/trend.ts), per group of the study's other
// factors, with v1's seed requirement (MIN_SEEDS at the end levels, the ones compared).
import { valuesOf, type Member } from '../cells.js';
import { trendUnit } from '../rules/trend.js';
import { RULE_CONSTANTS } from './constants.js';
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
    const sparsities = byLevel.map((ms) => valuesOf(ms, 'activation'));
    const unit = trendUnit(
      '',
      levels.map((level, i) => ({ level, sparsities: sparsities[i] })),
      expectRise,
      CLEAR_EFFECT,
      0,
    );
    const ends = levels.length < 2 ? { low: [], high: [] } : { low: sparsities[0], high: sparsities[sparsities.length - 1] };
    if (unit.numbers.difference !== null) diffs.push(unit.numbers.difference);
    units.push({ outcome: unit.outcome, group, levels, ...ends, wrongStep: unit.numbers.wrongStep });
  }
  return { units, diffs, cells };
}

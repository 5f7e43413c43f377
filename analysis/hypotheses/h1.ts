// H1: Without regularization, no optimizer produces substantial sparsity.
// Its home: every rule that has decided it (v1, v2, v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { cellsOf, factorOf, type FactorValue, measured, membersOf, valuesOf } from '../cells.js';
import { mean, sd } from '../statistics.js';
import { RULE_CONSTANTS, type RuleConstants } from '../rules/v1-constants.js';
import { byAll, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { type Context, groupKey, minSeedsOf, missingVerdict, studiesFor, type V1Verdict, verdictOf } from '../rules/v1-context.js';
import { LR_RANGE, type RangeCell, rangeOf, rangeShortfall } from '../rules/lr-range.js';
import { type Criterion, sideOfLine, underBothCriteria, type V3Result } from '../rules/criteria.js';
import { sparsities, type V3Run } from '../rules/level-runs.js';
import type { NumberFormat } from '../rules/text.js';

// ---- v1 --------------------------------------------------------------------------------
// H1: without regularization, no optimizer produces substantial sparsity. A universal claim.
const { MIN_SEEDS, SUBSTANTIAL } = RULE_CONSTANTS;

/** One optimizer cell without regularization: its factors and its seeds' sparsity. */
export interface H1V1Numbers {
  paths: string[];
  factors: Record<string, FactorValue>;
  values: number[];
}
/** The cell with the largest mean sparsity. */
export interface H1V1Effect {
  cell: { paths: string[]; factors: Record<string, FactorValue> } | null;
}
export type H1V1Verdict = V1Verdict<1, H1V1Numbers, H1V1Effect>;

export function h1V1(ctx: Context): H1V1Verdict {
  const studies = studiesFor(1, ctx.input);
  if (studies.length === 0) return missingVerdict(1, { cell: null });
  const study = studies[0];
  const members = measured(membersOf(study, ctx.runsById), 'activation').filter((m) => factorOf(m, 'regularization.kind') === 'none');
  const others = study.factors.filter((f) => f !== 'regularization.kind');
  const paths = others.length ? others : ['optimizer.name'];
  const cells = cellsOf(members, paths);
  const units: Array<RuleUnit<H1V1Numbers>> = cells.map((c) => {
    const values = valuesOf(c.members, 'activation');
    let outcome: UnitOutcome = 'unclear';
    if (values.length < MIN_SEEDS) outcome = 'insufficient';
    else if (Math.max(...values) < SUBSTANTIAL) outcome = 'supports';
    else if (Math.min(...values) >= SUBSTANTIAL) outcome = 'contradicts';
    return { key: groupKey({ paths, factors: c.factors }), outcome, note: null, numbers: { paths, factors: c.factors, values } };
  });
  let effect: H1V1Verdict['result']['effect'] = { value: null, cell: null };
  const informative = cells.filter((c) => c.members.length > 0);
  if (informative.length > 0) {
    const top = informative.map((c) => ({ c, m: mean(valuesOf(c.members, 'activation')) })).sort((a, b) => b.m - a.m)[0];
    effect = { value: top.m, cell: { paths, factors: top.c.factors } };
  }
  return verdictOf({
    hypothesis: 1,
    outcome: byAll(units),
    units,
    used: members,
    minSeeds: minSeedsOf(cells.map((c) => c.members)),
    studies,
    figure: { study: study.study, figure: 'sparsity' },
    effect,
  });
}

// ---- v2 --------------------------------------------------------------------------------
// H1 (v2): without regularization, no optimizer produces substantial sparsity, at any learning
// rate of its range.
/** The constants of the rule, fixed before the lr-range runs it decides existed. */
export const H1_V2 = {
  /** Network sparsity at or above this is substantial (as in v1). */
  substantial: 0.1,
  optimizers: ['sgd', 'momentum', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop'],
} as const;

export interface H1Numbers {
  optimizer: string;
  rates: number[];
  /** Largest cell mean over the range, and at which learning rate. */
  largestMean: number | null;
  largestAt: number | null;
  /** Cells with every seed at or above `substantial`, and with seeds on both sides. */
  substantialCells: number;
  straddlingCells: number;
  /** The runs of the range (where its cells name them). */
  runs: string[];
}

export interface H1Effect {
  /** The largest cell mean of any deciding unit: what a contradiction rests on. */
  largestMean: number | null;
  optimizer: string | null;
  lr: number | null;
}

/**
 * A unit (an optimizer without regularization, over its range) supports when every seed at every
 * learning rate is below `substantial`, contradicts when some learning rate has every seed at or
 * above it, and is unclear otherwise. A universal claim: any contradicting unit refutes it.
 */
export function h1V2(cells: readonly RangeCell[]): RuleResult<H1Numbers, H1Effect> {
  const units: Array<RuleUnit<H1Numbers>> = H1_V2.optimizers.map((optimizer) => {
    const range = rangeOf(cells, optimizer);
    const means = range.map((c) => (c.sparsities.length ? mean(c.sparsities) : -Infinity));
    const top = means.length ? means.indexOf(Math.max(...means)) : -1;
    const numbers: H1Numbers = {
      optimizer,
      rates: range.map((c) => c.lr),
      largestMean: top >= 0 && Number.isFinite(means[top]) ? means[top] : null,
      largestAt: top >= 0 ? range[top].lr : null,
      substantialCells: range.filter((c) => c.sparsities.length > 0 && c.sparsities.every((s) => s >= H1_V2.substantial)).length,
      straddlingCells: range.filter((c) => c.sparsities.some((s) => s >= H1_V2.substantial) && c.sparsities.some((s) => s < H1_V2.substantial)).length,
      runs: range.flatMap((c) => c.runs ?? []),
    };
    const shortfall = rangeShortfall(range);
    if (shortfall) return { key: optimizer, outcome: 'insufficient', note: shortfall, numbers };
    let outcome: UnitOutcome = 'unclear';
    if (numbers.substantialCells > 0) outcome = 'contradicts';
    else if (numbers.straddlingCells === 0) outcome = 'supports';
    return { key: optimizer, outcome, note: null, numbers };
  });
  const deciding = units.filter((u) => u.outcome !== 'insufficient' && u.numbers.largestMean !== null);
  const top = deciding.reduce<RuleUnit<H1Numbers> | null>(
    (best, u) => (best === null || (u.numbers.largestMean as number) > (best.numbers.largestMean as number) ? u : best),
    null,
  );
  return {
    outcome: byAll(units.map((u) => ({ label: u.key, outcome: u.outcome, detail: '' }))),
    note: deciding.length === 0 ? 'no-deciding-unit' : null,
    units,
    effect: { largestMean: top?.numbers.largestMean ?? null, optimizer: top?.key ?? null, lr: top?.numbers.largestAt ?? null },
  };
}

// ---- v3 --------------------------------------------------------------------------------
// H1 (v3): without regularization, no optimizer produces substantial sparsity. Decided on the case
// study v2 found strongest, RMSprop without regularization, over 5e-3 to 2e-2 on fresh seeds. By
// gamma (the paper's collapse); the activation criterion is reported, with each death's mechanism.
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

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h1V1Text(c: RuleConstants, { percent }: NumberFormat): string {
  return `Cells: each optimizer without regularization (kind "none"). A cell supports when every seed has sparsity below ${percent(c.SUBSTANTIAL, 0)}, contradicts when every seed is at or above it. Universal claim: supported when every informative cell supports, contradicted when any cell contradicts. Effect: the largest cell mean.`;
}

/** The v2 rule as the methods page states it, written from the constants it reads. */
export function h1V2Text({ percent }: NumberFormat): string {
  return `Units: each update rule (${H1_V2.optimizers.join(', ')}) without regularization, over its learning-rate range (at least ${LR_RANGE.minRates} rates spanning ${LR_RANGE.minSpan}x, ${LR_RANGE.minSeeds} seeds at each; study lr-range). A unit supports when every seed at every rate is below ${percent(H1_V2.substantial, 0)}, contradicts when some rate has every seed at or above it, and is unclear otherwise. Universal claim: any contradicting unit refutes it; supported when every informative unit supports. No learning rate is picked. Effect: the largest cell mean, with its optimizer and rate.`;
}

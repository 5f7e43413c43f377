// H6: The features that die were selective before they died.
// Its home: every rule that has decided it (v1, v2, v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import type { FilterRow } from '../../data/schemas/datasets.js';
import { groupBy, type Member } from '../cells.js';
import { mean, median, sd } from '../statistics.js';
import { deadByEarly } from '../time-series.js';
import { RULE_CONSTANTS, type RuleConstants } from '../rules/v1-constants.js';
import { byMajority, type Outcome, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { completeMembers, type Context, missingVerdict, perRunVerdict, type RunNumbers, studiesFor, type V1Verdict } from '../rules/v1-context.js';
import { EARLY_FRACTION } from '../../data/definitions.js';
import { underBothCriteria, type V3Result } from '../rules/criteria.js';
import { type FeatureEffect, featureRule, type FeatureUnitNumbers, type V3FeatureRun } from '../rules/features.js';
import type { NumberFormat } from '../rules/text.js';

// ---- v1 --------------------------------------------------------------------------------
// H6: the features that die were selective before they died. Decided run by run on each
// feature's selectivity at its run's early checkpoint (experiments/definitions.ts).
const { MIN_DEAD_FEATURES, SELECTIVE_GAP } = RULE_CONSTANTS;

/** H6 on the filter rows of one run: who is compared, and the gaps. */
export interface SelectivityGap {
  /**
   * Survivors' median minus the dying features' median early selectivity (the decisive gap);
   * null when fewer than MIN_DEAD_FEATURES features died after the early checkpoint, or none survived.
   */
  gap: number | null;
  /** Features compared that died after the early checkpoint. */
  dead: number;
  /** Survivors compared. */
  survivors: number;
  /** Features that had already died by the early checkpoint: left out of the comparison. */
  alreadyDead: number;
  /** Iteration of the run's early checkpoint (null: the run has none). */
  earlyAt: number | null;
  /** The same gap on the selectivity shortly before death, over every death (shown, never decides). */
  gapBeforeDeath: number | null;
}

export function selectivityGap(rows: readonly FilterRow[]): SelectivityGap {
  const early = rows.filter((r) => r.selectivityEarly !== null);
  const alreadyDead = early.filter(deadByEarly).length;
  const died = early.filter((r) => r.diedAt !== null && !deadByEarly(r)).map((r) => r.selectivityEarly as number);
  const lived = early.filter((r) => r.diedAt === null).map((r) => r.selectivityEarly as number);
  const diedBefore = rows.filter((r) => r.diedAt !== null && r.selectivityBefore !== null).map((r) => r.selectivityBefore as number);
  const livedBefore = rows.filter((r) => r.diedAt === null && r.selectivityBefore !== null).map((r) => r.selectivityBefore as number);
  const earlyAt = early.find((r) => r.selectivityEarlyAt !== null)?.selectivityEarlyAt ?? null;
  return {
    gap: died.length >= MIN_DEAD_FEATURES && lived.length > 0 ? median(lived) - median(died) : null,
    dead: died.length,
    survivors: lived.length,
    alreadyDead,
    earlyAt,
    gapBeforeDeath: diedBefore.length >= MIN_DEAD_FEATURES && livedBefore.length > 0 ? median(livedBefore) - median(diedBefore) : null,
  };
}

export type H6V1Numbers = RunNumbers & { selectivity: SelectivityGap };
/** The decisive gap of each informative run (the effect is their mean). */
export interface H6V1Effect {
  gaps: number[];
}
export type H6V1Verdict = V1Verdict<6, H6V1Numbers, H6V1Effect>;

export function h6V1(ctx: Context): H6V1Verdict {
  const studies = studiesFor(6, ctx.input);
  if (studies.length === 0) return missingVerdict(6, { gaps: [] });
  const members = completeMembers(studies, ctx);
  const byRun = groupBy(ctx.input.filters, (r) => r.run);
  const units: Array<RuleUnit<H6V1Numbers>> = [];
  const gaps: number[] = [];
  const used: Member[] = [];
  for (const m of members) {
    const g = selectivityGap(byRun.get(m.run.run) ?? []);
    const numbers = { run: m.run.run, seed: m.seed, selectivity: g };
    if (g.gap === null) {
      units.push({
        key: m.run.run,
        outcome: 'insufficient',
        note: g.earlyAt === null ? 'no-early-checkpoint' : g.dead < MIN_DEAD_FEATURES ? 'too-few-dying' : 'no-survivors',
        numbers,
      });
      continue;
    }
    used.push(m);
    gaps.push(g.gap);
    const outcome: UnitOutcome = g.gap >= SELECTIVE_GAP ? 'supports' : g.gap < SELECTIVE_GAP / 2 ? 'contradicts' : 'unclear';
    units.push({ key: m.run.run, outcome, note: null, numbers });
  }
  const effect = { value: gaps.length ? mean(gaps) : null, gaps };
  return perRunVerdict({ hypothesis: 6, units, used, studies, figure: { study: studies[0].study, figure: 'selectivityBefore' }, effect });
}

// ---- v2 --------------------------------------------------------------------------------
// H6 (v2): the features that die were selective before they died, read as the lifetime
// sparseness at the early checkpoint, compared with the survivors of the same block.
/** The constants of the rule, fixed before the emergence-long runs it decides existed. */
export const H6_V2 = {
  /** A block of a run is compared when at least this many of its features die after the early checkpoint... */
  minDying: 3,
  /** ...and at least this many survive. */
  minSurvivors: 3,
  /** Dying minus surviving median early lifetime sparseness at or above this: the run's block supports. */
  selectiveGap: 0.1,
  /** Below this it contradicts (between the two: unclear). */
  contradictBelow: 0.05,
  /**
   * A block in which at least saturatedShare of the compared features read within saturatedMargin
   * of the same end of the scale (0 or 1) is saturated, as v1's active share was at 1: it does not decide.
   */
  saturatedShare: 0.75,
  saturatedMargin: 0.02,
  /** A block decides only with at least this many compared runs (seeds). */
  minRuns: 3,
  earlyFraction: EARLY_FRACTION,
} as const;

/** One feature of one run, as the filters dataset gives it. */
export interface H6Feature {
  layer: number;
  /** Lifetime sparseness on the probe at the run's early checkpoint (null: no response, or no such checkpoint). */
  earlyLifetime: number | null;
  /** Iteration of the early checkpoint (null: the run has none). */
  earlyAt: number | null;
  /** Checkpoint from which the feature stays dead by activation; null when alive at the end. */
  diedAt: number | null;
}

export interface H6Run {
  run: string;
  seed: number;
  features: readonly H6Feature[];
}

export interface H6BlockNumbers {
  run: string;
  seed: number;
  layer: number;
  dying: number;
  survivors: number;
  /** Dead by the early checkpoint: left out. */
  alreadyDead: number;
  /** Compared features with no response at the early checkpoint (undefined lifetime sparseness): left out. */
  noResponse: number;
  dyingMedian: number | null;
  survivorMedian: number | null;
  /** dyingMedian - survivorMedian. */
  gap: number | null;
  /** Share of the compared features within saturatedMargin of 0, and of 1. */
  nearZero: number | null;
  nearOne: number | null;
}

export interface H6Block {
  layer: number;
  outcome: Outcome | null;
  /** Runs whose block was compared. */
  runs: number;
  meanGap: number | null;
  sdGap: number | null;
}

export interface H6Effect {
  /** Mean of the deciding blocks' gaps over their units, and its sd. */
  meanGap: number | null;
  sdGap: number | null;
  blocks: H6Block[];
}

/** The comparison in one block of one run. */
export function h6Unit(run: H6Run, layer: number): RuleUnit<H6BlockNumbers> {
  const rows = run.features.filter((f) => f.layer === layer);
  const earlyAt = rows.find((f) => f.earlyAt !== null)?.earlyAt ?? null;
  const alreadyDead = rows.filter((f) => f.diedAt !== null && earlyAt !== null && f.diedAt <= earlyAt).length;
  const compared = rows.filter((f) => !(f.diedAt !== null && earlyAt !== null && f.diedAt <= earlyAt));
  const defined = compared.filter((f) => f.earlyLifetime !== null);
  const dying = defined.filter((f) => f.diedAt !== null).map((f) => f.earlyLifetime as number);
  const survivors = defined.filter((f) => f.diedAt === null).map((f) => f.earlyLifetime as number);
  const all = [...dying, ...survivors];
  const share = (near: (s: number) => boolean) => (all.length > 0 ? all.filter(near).length / all.length : null);
  const nearZero = share((s) => s <= H6_V2.saturatedMargin);
  const nearOne = share((s) => s >= 1 - H6_V2.saturatedMargin);
  const numbers: H6BlockNumbers = {
    run: run.run,
    seed: run.seed,
    layer,
    dying: dying.length,
    survivors: survivors.length,
    alreadyDead,
    noResponse: compared.length - defined.length,
    dyingMedian: dying.length ? median(dying) : null,
    survivorMedian: survivors.length ? median(survivors) : null,
    gap: null,
    nearZero,
    nearOne,
  };
  const key = `${run.run}/layer ${layer}`;
  if (earlyAt === null) return { key, outcome: 'insufficient', note: 'no-early-checkpoint', numbers };
  if (dying.length < H6_V2.minDying) return { key, outcome: 'insufficient', note: 'too-few-dying', numbers };
  if (survivors.length < H6_V2.minSurvivors) return { key, outcome: 'insufficient', note: 'too-few-survivors', numbers };
  numbers.gap = median(dying) - median(survivors);
  if ((nearZero as number) >= H6_V2.saturatedShare || (nearOne as number) >= H6_V2.saturatedShare)
    return { key, outcome: 'insufficient', note: 'saturated', numbers };
  const outcome: UnitOutcome = numbers.gap >= H6_V2.selectiveGap ? 'supports' : numbers.gap < H6_V2.contradictBelow ? 'contradicts' : 'unclear';
  return { key, outcome, note: null, numbers };
}

/**
 * Units: each block of each run. A block decides when at least minRuns runs compare it; its
 * outcome is the majority of those runs. H6 is supported when every deciding block supports it,
 * contradicted when every deciding block contradicts it, and inconclusive otherwise or when no
 * block decides.
 */
export function h6V2(runs: readonly H6Run[]): RuleResult<H6BlockNumbers, H6Effect> {
  const layers = [...new Set(runs.flatMap((r) => r.features.map((f) => f.layer)))].sort((a, b) => a - b);
  const units = runs.flatMap((run) => layers.map((layer) => h6Unit(run, layer)));
  const blocks: H6Block[] = layers.map((layer) => {
    const informative = units.filter((u) => u.numbers.layer === layer && u.outcome !== 'insufficient');
    const gaps = informative.map((u) => u.numbers.gap as number);
    return {
      layer,
      outcome: informative.length >= H6_V2.minRuns ? byMajority(informative.map((u) => ({ label: u.key, outcome: u.outcome, detail: '' }))) : null,
      runs: informative.length,
      meanGap: gaps.length ? mean(gaps) : null,
      sdGap: gaps.length > 1 ? sd(gaps) : null,
    };
  });
  const deciding = blocks.filter((b) => b.outcome !== null);
  let outcome: Outcome = 'inconclusive';
  let note: string | null = deciding.length === 0 ? 'no-deciding-block' : null;
  if (deciding.length > 0 && deciding.every((b) => b.outcome === 'supported')) outcome = 'supported';
  else if (deciding.length > 0 && deciding.every((b) => b.outcome === 'contradicted')) outcome = 'contradicted';
  const decidingGaps = units
    .filter((u) => u.outcome !== 'insufficient' && deciding.some((b) => b.layer === u.numbers.layer))
    .map((u) => u.numbers.gap as number);
  if (outcome === 'inconclusive' && note === null) note = 'blocks-disagree-or-unclear';
  return {
    outcome,
    note,
    units,
    effect: { meanGap: decidingGaps.length ? mean(decidingGaps) : null, sdGap: decidingGaps.length > 1 ? sd(decidingGaps) : null, blocks },
  };
}

// ---- v3 --------------------------------------------------------------------------------
// H6 (v3): the features that die were selective before they died. Read at a fixed early iteration
// (FEATURE_RULE_V3.readAt), per block, by ranks: does a dying feature's lifetime sparseness exceed
// a survivor's (AUC > 0.5)? Decided on lifetime sparseness by gamma; the paper's own selectivity
// measure and the activation criterion are reported beside it.
export interface H6V3 {
  /** Deciding: lifetime sparseness (the v2 primary measure). */
  lifetimeSparseness: V3Result<FeatureUnitNumbers, FeatureEffect>;
  /** Reported: the paper's selectivity measure (share of images under 1e-3 of the feature's largest). */
  paperSelectivity: V3Result<FeatureUnitNumbers, FeatureEffect>;
}

export function h6V3(runs: readonly V3FeatureRun[]): H6V3 {
  return {
    lifetimeSparseness: underBothCriteria((c) => featureRule(runs, 'lifetimeSparseness', c, true)),
    paperSelectivity: underBothCriteria((c) => featureRule(runs, 'paperSelectivity', c, true)),
  };
}

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h6V1Text(c: RuleConstants, { percent }: NumberFormat): string {
  return `Selectivity is read at each run's early checkpoint: its first checkpoint at or after ${percent(c.EARLY_FRACTION, 0)} of its iterations (EARLY_FRACTION), before the deaths are under way. It is not read at the last checkpoint before each death, because a dying feature's selectivity falls towards 0 as it dies: measured there it is low almost by construction, while the claim is that features were selective first and died afterwards. Units: runs in which at least ${c.MIN_DEAD_FEATURES} features died after the early checkpoint. For each, the median early selectivity of the survivors minus that of the features that died; features that had already died by the early checkpoint are left out of that run's comparison, and the unit says how many. A run supports when this gap is at least ${c.SELECTIVE_GAP} and contradicts when it is below ${c.SELECTIVE_GAP / 2}. Needs at least ${c.MIN_SEEDS} such runs. Effect: mean gap ± sd over runs. The same gap shortly before death is shown in each unit and in the figure but does not decide. Change of method, made before any data it applies to existed (no full-scale data yet; the quick-scale emergence run, the only data H6 reads, had no deaths, so no H6 verdict had been decided on deaths under either rule): the rule first compared the selectivity at the last checkpoint before death.`;
}

/** The v2 rule as the methods page states it, written from the constants it reads. */
export function h6V2Text({ percent }: NumberFormat): string {
  return `Measure: the lifetime sparseness (experiments/definitions.ts) on the probe at each run's early checkpoint (the first at or after ${percent(H6_V2.earlyFraction, 0)} of training). Units: each block of each run of study emergence-long in which at least ${H6_V2.minDying} features die after the early checkpoint and at least ${H6_V2.minSurvivors} survive; features already dead there, or with no response, are left out. Gap: median of the dying minus median of the survivors of the same block. A unit supports when the gap is at least ${H6_V2.selectiveGap}, contradicts when below ${H6_V2.contradictBelow}, and is unclear between; a block in which at least ${percent(H6_V2.saturatedShare, 0)} of the features read within ${H6_V2.saturatedMargin} of the same end of the scale is saturated and does not decide. A block decides with at least ${H6_V2.minRuns} runs, by majority; H6 is supported when every deciding block supports it and contradicted when every one contradicts it. Effect: mean gap ± sd over the deciding units.`;
}

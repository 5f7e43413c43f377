// H7: Sparsity appears early in training and persists.
// Its home: every rule that has decided it (v1, v2, v3), oldest first, with their constants. The
// newest decides once its studies are complete (analysis/verdicts.ts); the older ones stay computable,
// so their published results can be reproduced from their records. Numbers only: the site words them.
import { groupBy, type Member } from '../cells.js';
import { mean, sd } from '../statistics.js';
import { emergenceTiming, type EmergenceTiming, networkSparsityOverTime } from '../time-series.js';
import { RULE_CONSTANTS, type RuleConstants } from '../rules/v1-constants.js';
import { byAll, byMajority, type Outcome, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { completeMembers, type Context, missingVerdict, perRunVerdict, type RunNumbers, studiesFor, type V1Verdict } from '../rules/v1-context.js';
import { type Criterion, underBothCriteria, type V3Result } from '../rules/criteria.js';
import type { NumberFormat } from '../rules/text.js';

// ---- v1 --------------------------------------------------------------------------------
// H7: sparsity appears early in training and persists. Decided run by run on the network's
// sparsity over the run's checkpoints.
const { MIN_FINAL_SPARSITY, EARLY, LATE, PERSIST, LOST } = RULE_CONSTANTS;

/** timing null: fewer than two checkpoints. */
export type H7V1Numbers = RunNumbers & { timing: EmergenceTiming | null };
/** Share of training before half the final sparsity is reached, per informative run (the effect is their mean). */
export interface H7V1Effect {
  halves: number[];
}
export type H7V1Verdict = V1Verdict<7, H7V1Numbers, H7V1Effect>;

export function h7V1(ctx: Context): H7V1Verdict {
  const studies = studiesFor(7, ctx.input);
  if (studies.length === 0) return missingVerdict(7, { halves: [] });
  const members = completeMembers(studies, ctx);
  const byRun = groupBy(ctx.input.emergence, (r) => r.run);
  const units: Array<RuleUnit<H7V1Numbers>> = [];
  const halves: number[] = [];
  const used: Member[] = [];
  for (const m of members) {
    const t = emergenceTiming(networkSparsityOverTime(byRun.get(m.run.run) ?? []), m.run.iterations);
    const numbers = { run: m.run.run, seed: m.seed, timing: t };
    if (!t || t.final < MIN_FINAL_SPARSITY) {
      units.push({ key: m.run.run, outcome: 'insufficient', note: t ? 'too-little-sparsity' : 'too-few-checkpoints', numbers });
      continue;
    }
    used.push(m);
    halves.push(t.halfAt);
    let outcome: UnitOutcome = 'unclear';
    if (t.halfAt > LATE || t.finalOverPeak < LOST) outcome = 'contradicts';
    else if (t.halfAt <= EARLY && t.finalOverPeak >= PERSIST) outcome = 'supports';
    units.push({ key: m.run.run, outcome, note: null, numbers });
  }
  const effect = { value: halves.length ? mean(halves) : null, halves };
  return perRunVerdict({ hypothesis: 7, units, used, studies, figure: { study: studies[0].study, figure: 'sparsityOverTime' }, effect });
}

// ---- v2 --------------------------------------------------------------------------------
// H7 (v2): sparsity appears early in training and persists, where "persists" is decided only
// for runs whose sparsity has levelled off by a criterion fixed in advance.
/** The constants of the rule, fixed before the emergence-long runs it decides existed. */
export const H7_V2 = {
  /** A run is a unit when its final network sparsity (by activation) is at least this. */
  minFinalSparsity: 0.05,
  /** Half the final sparsity reached within this share of training: early... */
  early: 0.25,
  /** ...after this share: late (contradicts, whatever happens next). */
  late: 0.5,
  /** The plateau window: the last share of training whose checkpoints are looked at. */
  plateauWindow: 0.2,
  /** Levelled off: every checkpoint in the window within this many points (absolute) of the final sparsity. */
  plateauTolerance: 0.01,
  /** On a plateau, final sparsity at least this share of the run's peak: persists... */
  persist: 0.9,
  /** ...below this share: lost. */
  lost: 0.5,
  minRuns: 3,
} as const;

export interface SparsityPoint {
  iteration: number;
  /** Network sparsity by activation at the checkpoint. */
  sparsity: number;
}

export interface H7Run {
  run: string;
  seed: number;
  iterations: number;
  series: readonly SparsityPoint[];
}

export interface H7Numbers {
  run: string;
  seed: number;
  final: number | null;
  peak: number | null;
  /** First checkpoint at which half the final sparsity is reached, as a share of training. */
  halfAt: number | null;
  /** Largest distance from the final sparsity over the plateau window. */
  windowRange: number | null;
  plateau: boolean | null;
  /** Whether the sparsity persists: null when there is no plateau to decide it on. */
  persists: boolean | null;
}

export interface H7Effect {
  meanHalfAt: number | null;
  sdHalfAt: number | null;
  /** Units on a plateau, and units still moving at their end. */
  plateaus: number;
  stillMoving: number;
}

/** Time to half of the final sparsity, the plateau test and persistence for one run. */
export function h7Unit(run: H7Run): RuleUnit<H7Numbers> {
  const series = [...run.series].sort((a, b) => a.iteration - b.iteration);
  const numbers: H7Numbers = { run: run.run, seed: run.seed, final: null, peak: null, halfAt: null, windowRange: null, plateau: null, persists: null };
  if (series.length < 2 || run.iterations <= 0) return { key: run.run, outcome: 'insufficient', note: 'too-few-checkpoints', numbers };
  const final = series[series.length - 1].sparsity;
  const peak = Math.max(...series.map((p) => p.sparsity));
  numbers.final = final;
  numbers.peak = peak;
  if (final < H7_V2.minFinalSparsity) return { key: run.run, outcome: 'insufficient', note: 'too-little-sparsity', numbers };
  const half = series.find((p) => p.sparsity >= final / 2) as SparsityPoint;
  numbers.halfAt = half.iteration / run.iterations;
  // Quotients, not products, so that a checkpoint exactly at the window's start counts (cf. isAtOrAfterEarly).
  const window = series.filter((p) => p.iteration / run.iterations >= 1 - H7_V2.plateauWindow);
  numbers.windowRange = Math.max(...window.map((p) => Math.abs(p.sparsity - final)));
  // A window with one checkpoint cannot show a level.
  numbers.plateau = window.length >= 2 && numbers.windowRange <= H7_V2.plateauTolerance;
  if (numbers.plateau) numbers.persists = final >= H7_V2.persist * peak ? true : final < H7_V2.lost * peak ? false : null;
  let outcome: UnitOutcome = 'unclear';
  let note: string | null = null;
  if (numbers.halfAt > H7_V2.late || numbers.persists === false) outcome = 'contradicts';
  else if (numbers.halfAt <= H7_V2.early && numbers.persists === true) outcome = 'supports';
  else if (!numbers.plateau) note = 'still-moving';
  return { key: run.run, outcome, note, numbers };
}

/** Units: runs with enough sparsity; by majority, with at least minRuns informative runs. */
export function h7V2(runs: readonly H7Run[]): RuleResult<H7Numbers, H7Effect> {
  const units = runs.map(h7Unit);
  const informative = units.filter((u) => u.outcome !== 'insufficient');
  const outcome: Outcome =
    informative.length >= H7_V2.minRuns ? byMajority(units.map((u) => ({ label: u.key, outcome: u.outcome, detail: '' }))) : 'inconclusive';
  const halves = informative.map((u) => u.numbers.halfAt as number);
  return {
    outcome,
    note: informative.length < H7_V2.minRuns ? 'too-few-runs' : null,
    units,
    effect: {
      meanHalfAt: halves.length ? mean(halves) : null,
      sdHalfAt: halves.length > 1 ? sd(halves) : null,
      plateaus: informative.filter((u) => u.numbers.plateau).length,
      stillMoving: informative.filter((u) => u.numbers.plateau === false).length,
    },
  };
}

// ---- v3 --------------------------------------------------------------------------------
// H7 (v3): sparsity appears early in training and persists, defined apart from the run's length:
// "early" is an onset (the first checkpoint with 1 % of the filters dead) within the first 5 epochs,
// counted in epochs of the run's own training set; "persists" is no recovery: after its onset, the
// network's sparsity never falls more than 1 point below its running maximum. v2 read "early" as a
// share of the run (half the final sparsity by 10 % of the iterations), which moves with the length.
export const H7_V3 = {
  /** Onset: the first checkpoint at which the network's sparsity reaches this. */
  onsetSparsity: 0.01,
  /** Early: an onset within this many epochs. */
  earlyEpochs: 5,
  /** Persists: the largest fall below the running maximum after the onset is at most this... */
  persistsWithin: 0.01,
  /** ...and it clearly recovers when the fall exceeds this (between the two: unclear). */
  recoversBeyond: 0.03,
  /** Falls are differences of sparsities: compared with this float tolerance (a fall of exactly 1 point is within 1 point). */
  tolerance: 1e-9,
} as const;

export interface H7V3Run {
  run: string;
  seed: number;
  batchSize: number;
  trainImages: number;
  /** Network sparsity by each criterion at each checkpoint, in iteration order. */
  series: ReadonlyArray<{ iteration: number; sparsity: Record<Criterion, number> }>;
}

export interface H7V3Numbers {
  run: string;
  onsetIteration: number | null;
  onsetEpochs: number | null;
  /** Largest fall below the running maximum after the onset. */
  drawdown: number | null;
  final: number | null;
  peak: number | null;
}

export interface H7V3Effect {
  meanOnsetEpochs: number | null;
  maxDrawdown: number | null;
}

/** The run's onset, in iterations and epochs, and its largest fall after the onset. */
export function onsetAndDrawdown(run: H7V3Run, criterion: Criterion): H7V3Numbers {
  const series = [...run.series].sort((a, b) => a.iteration - b.iteration);
  const values = series.map((p) => p.sparsity[criterion]);
  const numbers: H7V3Numbers = {
    run: run.run,
    onsetIteration: null,
    onsetEpochs: null,
    drawdown: null,
    final: values.at(-1) ?? null,
    peak: values.length ? Math.max(...values) : null,
  };
  const onset = values.findIndex((v) => v >= H7_V3.onsetSparsity);
  if (onset < 0) return numbers;
  numbers.onsetIteration = series[onset].iteration;
  numbers.onsetEpochs = (series[onset].iteration * run.batchSize) / run.trainImages;
  let top = -Infinity;
  let fall = 0;
  for (const v of values.slice(onset)) {
    top = Math.max(top, v);
    fall = Math.max(fall, top - v);
  }
  numbers.drawdown = fall;
  return numbers;
}

/**
 * A run supports when its onset is early and it persists; contradicts when it has no onset, a late
 * one, or a clear recovery; unclear otherwise. Universal over the runs (byAll).
 */
export function h7V3Rule(runs: readonly H7V3Run[], criterion: Criterion): RuleResult<H7V3Numbers, H7V3Effect> {
  const units: Array<RuleUnit<H7V3Numbers>> = runs.map((run) => {
    const numbers = onsetAndDrawdown(run, criterion);
    if (run.series.length < 2) return { key: run.run, outcome: 'insufficient', note: 'too-few-checkpoints', numbers };
    let outcome: UnitOutcome;
    let note: string | null = null;
    if (numbers.onsetEpochs === null) [outcome, note] = ['contradicts', 'no-onset'];
    else if (numbers.onsetEpochs > H7_V3.earlyEpochs) [outcome, note] = ['contradicts', 'late-onset'];
    else if ((numbers.drawdown as number) > H7_V3.recoversBeyond + H7_V3.tolerance) [outcome, note] = ['contradicts', 'recovers'];
    else if ((numbers.drawdown as number) <= H7_V3.persistsWithin + H7_V3.tolerance) outcome = 'supports';
    else [outcome, note] = ['unclear', 'small-recovery'];
    return { key: run.run, outcome, note, numbers };
  });
  const onsets = units.map((u) => u.numbers.onsetEpochs).filter((x): x is number => x !== null);
  const falls = units.map((u) => u.numbers.drawdown).filter((x): x is number => x !== null);
  return {
    outcome: byAll(units),
    note: units.every((u) => u.outcome === 'insufficient') ? 'no-run' : null,
    units,
    effect: {
      meanOnsetEpochs: onsets.length ? onsets.reduce((a, b) => a + b, 0) / onsets.length : null,
      maxDrawdown: falls.length ? Math.max(...falls) : null,
    },
  };
}

export function h7V3(runs: readonly H7V3Run[]): V3Result<H7V3Numbers, H7V3Effect> {
  return underBothCriteria((c) => h7V3Rule(runs, c));
}

/** The v1 rule as the methods page states it, written from the constants it reads (`c`: v1's table). */
export function h7V1Text(c: RuleConstants, { percent }: NumberFormat): string {
  return `Units: runs whose final sparsity is at least ${percent(c.MIN_FINAL_SPARSITY, 0)}. Network sparsity at each checkpoint: t½ is the first checkpoint where it reaches half its final value. A run supports when t½ falls within the first ${percent(c.EARLY, 0)} of training and the final sparsity is at least ${percent(c.PERSIST, 0)} of its peak; it contradicts when t½ falls after ${percent(c.LATE, 0)} of training or the final sparsity is below ${percent(c.LOST, 0)} of its peak. Needs at least ${c.MIN_SEEDS} such runs. Effect: mean t½ as a share of training.`;
}

/** The v2 rule as the methods page states it, written from the constants it reads. */
export function h7V2Text({ percent, points }: NumberFormat): string {
  return `Units: runs of study emergence-long whose final sparsity is at least ${percent(H7_V2.minFinalSparsity, 0)}. t½: the first checkpoint where network sparsity reaches half its final value. Plateau: every checkpoint of the last ${percent(H7_V2.plateauWindow, 0)} of training within ${points(H7_V2.plateauTolerance, 0).replace('+', '')} of the final sparsity. A run supports when t½ is within the first ${percent(H7_V2.early, 0)} of training and, on a plateau, the final sparsity is at least ${percent(H7_V2.persist, 0)} of its peak; it contradicts when t½ is after ${percent(H7_V2.late, 0)} or, on a plateau, the final sparsity is below ${percent(H7_V2.lost, 0)} of its peak; a run still moving at its end leaves "persists" undecided (unclear). By majority, with at least ${H7_V2.minRuns} informative runs. Effect: mean t½, and how many runs levelled off.`;
}

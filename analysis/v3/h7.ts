// H7 (v3): sparsity appears early in training and persists, defined apart from the run's length:
// "early" is an onset (the first checkpoint with 1 % of the filters dead) within the first 5 epochs,
// counted in epochs of the run's own training set; "persists" is no recovery: after its onset, the
// network's sparsity never falls more than 1 point below its running maximum. v2 read "early" as a
// share of the run (half the final sparsity by 10 % of the iterations), which moves with the length.
import { underBothCriteria, type Criterion, type V3Result } from '../rules/criteria.js';
import { byAll, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';

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

// H7 (v2): sparsity appears early in training and persists, where "persists" is decided only
// for runs whose sparsity has levelled off by a criterion fixed in advance.
import { byMajority, type Outcome, type RuleResult, type RuleUnit, type UnitOutcome } from '../rules/result.js';
import { mean, sd } from '../statistics.js';

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
export function h7(runs: readonly H7Run[]): RuleResult<H7Numbers, H7Effect> {
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

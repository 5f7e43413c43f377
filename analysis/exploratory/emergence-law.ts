// When sparsity starts and how fast it grows, per run: onset (first checkpoint above a small
// level) and rate (points per e-fold of iterations, from a line through sparsity against
// ln(iteration)); the emergence law of a long run with its residuals; per-block plateaus; and
// whether a filter dead by gamma ever comes back. Pure.
import type { EmergenceRow } from '../../data/schemas/datasets.js';
import { groupBy } from '../cells.js';
import { networkSparsityOverTime } from '../time-series.js';
import { isDeadByGamma } from '../../data/definitions.js';
import { fitLine } from './rank-statistics.js';
import type { RunHistory } from './fates.js';

/** Sparsity (by activation, network) above this share of the filters marks the onset: 1 %, about 5 of width 16's 464. */
export const ONSET_LEVEL = 0.01;

export interface OnsetRate {
  run: string;
  /** First checkpoint with network sparsity above ONSET_LEVEL (null: never). */
  onset: number | null;
  /** onset in epochs: onset * batch / training images. */
  onsetEpochs: number | null;
  /** Percentage points of sparsity per e-fold of iterations, from onset to the end (null: under 3 checkpoints). */
  rate: number | null;
  r2: number | null;
  final: number;
}

/** Onset and rate of one run from its emergence rows (network sparsity by activation). */
export function onsetRate(run: string, rows: readonly EmergenceRow[], batchSize: number, trainImages: number, until = Number.POSITIVE_INFINITY): OnsetRate {
  const series = networkSparsityOverTime(rows).filter((p) => p.iteration <= until);
  const first = series.find((p) => p.iteration > 0 && p.sparsity > ONSET_LEVEL);
  const final = series.at(-1)?.sparsity ?? 0;
  if (!first) return { run, onset: null, onsetEpochs: null, rate: null, r2: null, final };
  const fit = fitLine(series.filter((p) => p.iteration >= first.iteration).map((p) => [Math.log(p.iteration), 100 * p.sparsity] as [number, number]));
  return { run, onset: first.iteration, onsetEpochs: (first.iteration * batchSize) / trainImages, rate: fit?.slope ?? null, r2: fit?.r2 ?? null, final };
}

export interface EmergenceLaw {
  run: string;
  /** sparsity (points) = intercept + slope ln(iteration), fitted from onset to `until`. */
  slope: number;
  intercept: number;
  r2: number;
  residuals: Array<{ iteration: number; sparsity: number; fitted: number; residual: number }>;
}

/** The log-linear law of a run, fitted from its onset to `until` (its end by default); null without onset. */
export function emergenceLaw(run: string, rows: readonly EmergenceRow[], until = Number.POSITIVE_INFINITY): EmergenceLaw | null {
  const series = networkSparsityOverTime(rows).filter((p) => p.iteration <= until);
  const first = series.find((p) => p.iteration > 0 && p.sparsity > ONSET_LEVEL);
  if (!first) return null;
  const points = series.filter((p) => p.iteration >= first.iteration);
  const fit = fitLine(points.map((p) => [Math.log(p.iteration), 100 * p.sparsity] as [number, number]));
  if (!fit) return null;
  return {
    run,
    slope: fit.slope,
    intercept: fit.intercept,
    r2: fit.r2,
    residuals: points.map((p, i) => ({
      iteration: p.iteration,
      sparsity: 100 * p.sparsity,
      fitted: 100 * p.sparsity - fit.residuals[i],
      residual: fit.residuals[i],
    })),
  };
}

/** A block is on its plateau from the first checkpoint after which its dead count stays within this share of its filters (at least one filter) of the final count. */
export const PLATEAU_TOLERANCE = 0.02;

export interface BlockPlateau {
  run: string;
  layer: number;
  filters: number;
  finalDead: number;
  /** First checkpoint from which every later dead count (by activation) is within the tolerance of the final; null when only the last is. */
  from: number | null;
  /** Iterations the plateau lasts (end - from). */
  length: number | null;
}

export function blockPlateaus(run: string, rows: readonly EmergenceRow[]): BlockPlateau[] {
  return [...groupBy(rows, (r) => r.layer).entries()].map(([layer, rs]) => {
    const series = [...rs].sort((a, b) => a.iteration - b.iteration);
    const last = series[series.length - 1];
    const tolerance = Math.max(1, PLATEAU_TOLERANCE * last.filters);
    let i = series.length - 1;
    while (i > 0 && Math.abs(series[i - 1].deadByActivation - last.deadByActivation) <= tolerance) i--;
    const from = i < series.length - 1 && last.deadByActivation > 0 ? series[i].iteration : null;
    return { run, layer, filters: last.filters, finalDead: last.deadByActivation, from, length: from === null ? null : last.iteration - from };
  });
}

export interface Recovery {
  run: string;
  /** Filters dead by gamma at some checkpoint. */
  everDeadByGamma: number;
  /** Of those, alive by gamma at a later checkpoint. */
  returnedByGamma: number;
  everDeadByActivation: number;
  returnedByActivation: number;
}

/** How many filters dead at a checkpoint are alive again at a later one, by each criterion (filter level). */
export function recoveries(history: RunHistory): Recovery {
  const gammaDead = new Map<string, boolean>();
  const activationDead = new Map<string, boolean>();
  const returned = { gamma: new Set<string>(), activation: new Set<string>() };
  for (const c of history.checkpoints) {
    for (const l of c.layers) {
      const dead = new Set(l.deadByActivation);
      for (let f = 0; f < l.filters; f++) {
        const key = `${l.layer}/${f}`;
        const g = isDeadByGamma(l.gamma[f], history.config.thresholds);
        const a = dead.has(f);
        if (gammaDead.get(key) && !g) returned.gamma.add(key);
        if (activationDead.get(key) && !a) returned.activation.add(key);
        if (g) gammaDead.set(key, true);
        if (a) activationDead.set(key, true);
      }
    }
  }
  return {
    run: history.id,
    everDeadByGamma: gammaDead.size,
    returnedByGamma: returned.gamma.size,
    everDeadByActivation: activationDead.size,
    returnedByActivation: returned.activation.size,
  };
}

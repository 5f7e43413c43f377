// The data-loss gradient as a predictor of death and its relation to selectivity, and the shape
// of a dying gamma's fall (linear under Adam, where SGD's pure decay is exponential). Pure.
import type { LayerMeasurement } from '../../data/schemas/run-record.js';
import { median } from '../statistics.js';
import { checkpointAt, type RunHistory } from './fates.js';
import { fitLine, spearman } from './rank-statistics.js';

export interface SelectivityGradient {
  run: string;
  seed: number;
  layer: number;
  iteration: number;
  /** Features alive by activation at the checkpoint with a defined lifetime sparseness and a kernel gradient. */
  features: number;
  /** Spearman's rho of lifetime sparseness against the data-loss gradient norm on the kernel. */
  rho: number | null;
}

/** Rank correlation of lifetime sparseness with the data-loss kernel gradient, per block, at one checkpoint. */
export function selectivityGradient(history: RunHistory, iteration: number): SelectivityGradient[] {
  const c = checkpointAt(history, iteration);
  if (!c) return [];
  return c.layers.flatMap((l) => {
    if (!l.mechanism || !l.lifetimeSparseness) return [];
    const dead = new Set(l.deadByActivation);
    const s: number[] = [];
    const g: number[] = [];
    for (let f = 0; f < l.filters; f++) {
      const lifetime = l.lifetimeSparseness[f];
      if (dead.has(f) || lifetime === null) continue;
      s.push(lifetime);
      g.push(l.mechanism.dataGradKernel[f]);
    }
    return [{ run: history.id, seed: history.config.training.seed, layer: l.layer, iteration, features: s.length, rho: spearman(s, g) }];
  });
}

/** A fall is read from its start (the last running maximum of |gamma|) down to this |gamma|. */
export const FALL_FLOOR = 0.05;

export interface GammaFall {
  layer: number;
  filter: number;
  /** Checkpoints in the fall (from its start to the first at or below FALL_FLOOR). */
  points: number;
  /** -slope of |gamma| against iterations, in units of the learning rate: lr units lost per step. */
  lrPerStep: number;
  /** R^2 of a line through |gamma|, and of a line through ln |gamma| (exponential decay). */
  r2Linear: number;
  r2Exponential: number;
}

/** |gamma| of one filter at each checkpoint, in iteration order. */
function gammaSeries(history: RunHistory, layer: number, filter: number): Array<[number, number]> {
  return history.checkpoints.flatMap((c) => {
    const l: LayerMeasurement | undefined = c.layers.find((x) => x.layer === layer);
    return l ? [[c.iteration, Math.abs(l.gamma[filter])] as [number, number]] : [];
  });
}

/**
 * The fall of one filter's |gamma|: from the last checkpoint at which it was at its running
 * maximum to the first at or below FALL_FLOOR, fitted by a line and by an exponential. Null when
 * it never falls to FALL_FLOOR or the fall spans under 3 checkpoints.
 */
export function gammaFall(history: RunHistory, layer: number, filter: number): GammaFall | null {
  const series = gammaSeries(history, layer, filter);
  const end = series.findIndex(([, g]) => g <= FALL_FLOOR);
  if (end < 0) return null;
  let start = 0;
  for (let i = 1; i <= end; i++) if (series[i][1] >= series[start][1]) start = i;
  const fall = series.slice(start, end + 1);
  const line = fitLine(fall);
  const exp = fitLine(fall.filter(([, g]) => g > 0).map(([t, g]) => [t, Math.log(g)] as [number, number]));
  if (!line || !exp) return null;
  return { layer, filter, points: fall.length, lrPerStep: -line.slope / history.config.optimizer.lr, r2Linear: line.r2, r2Exponential: exp.r2 };
}

/** The falls of every filter dead by gamma at the run's last checkpoint. */
export function gammaFalls(history: RunHistory): GammaFall[] {
  const last = history.checkpoints.at(-1);
  if (!last) return [];
  return last.layers.flatMap((l) => l.deadByGamma.map((f) => gammaFall(history, l.layer, f)).filter((x): x is GammaFall => x !== null));
}

export interface GammaFallSummary {
  run: string;
  seed: number;
  optimizer: string;
  falls: number;
  medianLrPerStep: number | null;
  /** The same per block (layer index), blocks with a fall only. */
  byLayer: Array<{ layer: number; falls: number; medianLrPerStep: number }>;
  /** Falls a line fits better than an exponential. */
  linearBetter: number;
  medianR2Linear: number | null;
  medianR2Exponential: number | null;
}

export function summariseFalls(history: RunHistory): GammaFallSummary {
  const falls = gammaFalls(history);
  const med = (xs: number[]) => (xs.length ? median(xs) : null);
  return {
    run: history.id,
    seed: history.config.training.seed,
    optimizer: history.config.optimizer.name,
    falls: falls.length,
    medianLrPerStep: med(falls.map((f) => f.lrPerStep)),
    byLayer: [...new Set(falls.map((f) => f.layer))]
      .sort((a, b) => a - b)
      .map((layer) => {
        const xs = falls.filter((f) => f.layer === layer).map((f) => f.lrPerStep);
        return { layer, falls: xs.length, medianLrPerStep: median(xs) };
      }),
    linearBetter: falls.filter((f) => f.r2Linear > f.r2Exponential).length,
    medianR2Linear: med(falls.map((f) => f.r2Linear)),
    medianR2Exponential: med(falls.map((f) => f.r2Exponential)),
  };
}

/**
 * The smallest |gamma| of a run at its end over the largest it could be after pure decay from 1
 * (exp(-budget)): under SGD a gamma cannot fall below what its decay budget allows unless the
 * data-loss gradient pushes it there.
 */
export function smallestGamma(history: RunHistory): number | null {
  const last = history.checkpoints.at(-1);
  if (!last) return null;
  const all = last.layers.flatMap((l) => l.gamma.map(Math.abs));
  return all.length ? Math.min(...all) : null;
}

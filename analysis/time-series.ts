// Quantities over the checkpoints of a run: the network's sparsity at each checkpoint, when
// half of the final sparsity is first reached, and whether a filter had already died by the
// run's early checkpoint. Pure.
import type { EmergenceRow, FilterRow } from '../data/schemas/datasets.js';
import { sparsity } from '../data/definitions.js';
import { groupBy } from './cells.js';

export interface CheckpointSparsity {
  iteration: number;
  /** Filters dead by activation / filters, summed over the network's conv layers. */
  sparsity: number;
  /** The same by |γ|. */
  sparsityGamma: number;
  filters: number;
}

/** The network's sparsity at each checkpoint of one run (its emergence rows), in iteration order. */
export function networkSparsityOverTime(
  rows: ReadonlyArray<Pick<EmergenceRow, 'iteration' | 'filters' | 'deadByActivation'> & Partial<Pick<EmergenceRow, 'deadByGamma'>>>,
): CheckpointSparsity[] {
  return [...groupBy(rows, (r) => r.iteration).entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([iteration, rs]) => {
      const filters = rs.reduce((s, r) => s + r.filters, 0);
      const dead = rs.reduce((s, r) => s + r.deadByActivation, 0);
      const deadGamma = rs.reduce((s, r) => s + (r.deadByGamma ?? 0), 0);
      return { iteration, filters, sparsity: filters > 0 ? sparsity(dead, filters) : 0, sparsityGamma: filters > 0 ? sparsity(deadGamma, filters) : 0 };
    });
}

export interface EmergenceTiming {
  /** Share of training at the first checkpoint whose sparsity reaches half the final (NaN without sparsity). */
  halfAt: number;
  /** Final over peak sparsity (0 without sparsity). */
  finalOverPeak: number;
  final: number;
}

/** When half the final sparsity is first reached (share of training), and final / peak; null under two checkpoints. */
export function emergenceTiming(series: ReadonlyArray<{ iteration: number; sparsity: number }>, iterations: number): EmergenceTiming | null {
  if (series.length < 2 || iterations <= 0) return null;
  const final = series[series.length - 1].sparsity;
  const peak = Math.max(...series.map((p) => p.sparsity));
  if (final <= 0 || peak <= 0) return { halfAt: Number.NaN, finalOverPeak: 0, final };
  const half = series.find((p) => p.sparsity >= final / 2) as { iteration: number };
  return { halfAt: half.iteration / iterations, finalOverPeak: final / peak, final };
}

/** Died at or before the checkpoint its early selectivity was read at (so it read as dead there). */
export function deadByEarly(r: Pick<FilterRow, 'diedAt' | 'selectivityEarlyAt'>): boolean {
  return r.diedAt !== null && r.selectivityEarlyAt !== null && r.diedAt <= r.selectivityEarlyAt;
}

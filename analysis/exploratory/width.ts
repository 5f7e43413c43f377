// The width study: network sparsity by both criteria per width, over its seeds. Pure.
import type { RunRow, StudyRow } from '../../data/schemas/datasets.js';
import type { Summary } from '../statistics.js';
import { perCell, summaryOf } from './cell-summary.js';

export interface WidthCell {
  width: number;
  seeds: Array<{ run: string; seed: number; sparsityActivation: number | null; sparsityGamma: number | null; filters: number }>;
  sparsityActivation: Summary | null;
  sparsityGamma: Summary | null;
}

export function widthCells(study: StudyRow, runs: readonly RunRow[]): WidthCell[] {
  const runsById = new Map(runs.map((r) => [r.run, r]));
  return perCell(study, runsById, (m) => ({
    width: m.run.width,
    sparsityActivation: m.run.sparsityActivation,
    sparsityGamma: m.run.sparsityGamma,
    filters: m.run.filters,
  }))
    .map((c) => ({
      width: c.seeds[0].width,
      seeds: c.seeds.map(({ run, seed, sparsityActivation, sparsityGamma, filters }) => ({ run, seed, sparsityActivation, sparsityGamma, filters })),
      sparsityActivation: summaryOf(c.seeds.map((s) => s.sparsityActivation)),
      sparsityGamma: summaryOf(c.seeds.map((s) => s.sparsityGamma)),
    }))
    .sort((a, b) => a.width - b.width);
}

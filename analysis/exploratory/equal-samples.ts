// H4 read on two axes: the batch-size study's sparsity at equal iterations (its end) and at equal
// training samples (iteration x batch size: the largest count every cell reaches). Pure.
import type { EmergenceRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { groupBy } from '../cells.js';
import type { Summary } from '../statistics.js';
import { networkSparsityOverTime } from '../time-series.js';
import { perCell, summaryOf } from './cell-summary.js';

export interface BatchCell {
  batchSize: number;
  seeds: Array<{
    run: string;
    seed: number;
    final: number | null;
    atEqualIterations: number | null;
    atEqualSamples: number | null;
    equalSamplesIteration: number | null;
  }>;
  /** At the end, on the full training set (the runs dataset): equal iterations as the verdicts read them. */
  final: Summary | null;
  /** On the probe, at the checkpoint of equal iterations and of equal samples. */
  atEqualIterations: Summary | null;
  atEqualSamples: Summary | null;
}

export interface EqualSamples {
  /** The iteration count every cell has (the shortest run's end). */
  iterations: number;
  /** Training samples every cell reaches: min over cells of batch x iterations. */
  samples: number;
  cells: BatchCell[];
  /** Network sparsity by activation against samples seen, per run (for the figure). */
  curves: Array<{ run: string; seed: number; batchSize: number; iteration: number; samples: number; sparsity: number }>;
}

export function equalSamples(study: StudyRow, runs: readonly RunRow[], emergence: readonly EmergenceRow[]): EqualSamples | null {
  const runsById = new Map(runs.map((r) => [r.run, r]));
  const rowsByRun = groupBy(emergence, (e) => e.run);
  const cells = perCell(study, runsById, (m) => ({
    batchSize: m.run.batchSize,
    final: m.run.sparsityActivation,
    series: networkSparsityOverTime(rowsByRun.get(m.run.run) ?? []),
  }));
  const all = cells.flatMap((c) => c.seeds);
  if (all.length === 0) return null;
  const iterations = Math.min(...all.map((s) => s.series.at(-1)?.iteration ?? 0));
  const samples = Math.min(...all.map((s) => s.batchSize * (s.series.at(-1)?.iteration ?? 0)));
  /** Sparsity at the checkpoint at an iteration, null when the run has no checkpoint there. */
  const at = (series: (typeof all)[number]['series'], iteration: number) => series.find((p) => p.iteration === iteration)?.sparsity ?? null;
  const out: BatchCell[] = cells
    .map((c) => {
      const batchSize = c.seeds[0].batchSize;
      const iteration = samples / batchSize;
      const seeds = c.seeds.map((s) => ({
        run: s.run,
        seed: s.seed,
        final: s.final,
        atEqualIterations: at(s.series, iterations),
        atEqualSamples: Number.isInteger(iteration) ? at(s.series, iteration) : null,
        equalSamplesIteration: Number.isInteger(iteration) ? iteration : null,
      }));
      return {
        batchSize,
        seeds,
        final: summaryOf(seeds.map((s) => s.final)),
        atEqualIterations: summaryOf(seeds.map((s) => s.atEqualIterations)),
        atEqualSamples: summaryOf(seeds.map((s) => s.atEqualSamples)),
      };
    })
    .sort((a, b) => a.batchSize - b.batchSize);
  const curves = all.flatMap((s) =>
    s.series.map((p) => ({
      run: s.run,
      seed: s.seed,
      batchSize: s.batchSize,
      iteration: p.iteration,
      samples: p.iteration * s.batchSize,
      sparsity: p.sparsity,
    })),
  );
  return { iterations, samples, cells: out, curves };
}

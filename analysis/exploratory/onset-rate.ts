// Onset and rate of sparsity for every cell of every study, summarised over its seeds. Pure.
import type { EmergenceRow, RunRow, StudyRow } from '../../data/schemas/datasets.js';
import { groupBy, type FactorValue } from '../cells.js';
import type { Summary } from '../statistics.js';
import { perCell, summaryOf } from './cell-summary.js';
import { onsetRate, type OnsetRate } from './emergence-law.js';

export interface CellOnsetRate {
  study: string;
  factors: Record<string, FactorValue>;
  seeds: Array<{ run: string; seed: number } & OnsetRate>;
  /** Over the seeds with an onset. */
  onset: Summary | null;
  onsetEpochs: Summary | null;
  rate: Summary | null;
  /** Seeds with no onset (sparsity never above ONSET_LEVEL). */
  noOnset: number;
}

export function onsetRates(studies: readonly StudyRow[], runs: readonly RunRow[], emergence: readonly EmergenceRow[]): CellOnsetRate[] {
  const runsById = new Map(runs.map((r) => [r.run, r]));
  const rowsByRun = groupBy(emergence, (e) => e.run);
  return studies.flatMap((study) =>
    perCell(study, runsById, (m) => onsetRate(m.run.run, rowsByRun.get(m.run.run) ?? [], m.run.batchSize, m.run.trainImages)).map((c) => ({
      ...c,
      onset: summaryOf(c.seeds.map((s) => s.onset)),
      onsetEpochs: summaryOf(c.seeds.map((s) => s.onsetEpochs)),
      rate: summaryOf(c.seeds.map((s) => s.rate)),
      noOnset: c.seeds.filter((s) => s.onset === null).length,
    })),
  );
}

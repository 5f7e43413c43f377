// A run's features split by fate at a checkpoint: those that die later (dead by activation from a
// later checkpoint to the end) against those alive at the end, with any per-feature reading of
// that checkpoint. The input is the run record's checkpoints and the filters dataset. Pure.
import type { FilterRow } from '../../data/schemas/datasets.js';
import type { Checkpoint, LayerMeasurement, RunRecord } from '../../data/schemas/run-record.js';

/** What the exploratory analysis reads of a run record. */
export type RunHistory = Pick<RunRecord, 'id' | 'config' | 'checkpoints'>;

/** A per-feature reading of one layer at a checkpoint (null: undefined for that feature). */
export type Reading = (layer: LayerMeasurement, filter: number) => number | null;

export const READINGS = {
  lifetime: (l: LayerMeasurement, f: number) => l.lifetimeSparseness?.[f] ?? null,
  absGamma: (l: LayerMeasurement, f: number) => Math.abs(l.gamma[f]),
  beta: (l: LayerMeasurement, f: number) => l.beta[f],
  dataGradKernel: (l: LayerMeasurement, f: number) => l.mechanism?.dataGradKernel[f] ?? null,
} satisfies Record<string, Reading>;
export type ReadingName = keyof typeof READINGS;

/** Per layer and filter, the checkpoint from which it stays dead by activation (null: alive at the end). */
export type Deaths = ReadonlyMap<number, ReadonlyMap<number, number | null>>;

/** A run's deaths, from the filters dataset. */
export function deathsOf(run: string, filters: readonly Pick<FilterRow, 'run' | 'layer' | 'filter' | 'diedAt'>[]): Deaths {
  const out = new Map<number, Map<number, number | null>>();
  for (const f of filters) {
    if (f.run !== run) continue;
    let layer = out.get(f.layer);
    if (!layer) out.set(f.layer, (layer = new Map()));
    layer.set(f.filter, f.diedAt);
  }
  return out;
}

export function checkpointAt(history: RunHistory, iteration: number): Checkpoint | null {
  return history.checkpoints.find((c) => c.iteration === iteration) ?? null;
}

export interface FateSamples {
  /** Readings of the features that die after the checkpoint. */
  dying: number[];
  /** Readings of the features alive at the end. */
  surviving: number[];
  /** Features dead at or before the checkpoint: left out. */
  alreadyDead: number;
  /** Features left out because the reading is undefined for them. */
  undefinedReading: number;
}

/** The readings of one layer at one checkpoint, split by fate. Null when the run has no such checkpoint or layer. */
export function fateSamples(history: RunHistory, deaths: Deaths, layer: number, iteration: number, reading: Reading): FateSamples | null {
  const measured = checkpointAt(history, iteration)?.layers.find((l) => l.layer === layer);
  const fates = deaths.get(layer);
  if (!measured || !fates) return null;
  const out: FateSamples = { dying: [], surviving: [], alreadyDead: 0, undefinedReading: 0 };
  for (let f = 0; f < measured.filters; f++) {
    const diedAt = fates.get(f);
    if (diedAt === undefined)
      throw new Error(`run ${history.id} layer ${layer} filter ${f} is not in the filters dataset: rebuild the datasets (npm run pipeline -- aggregate)`);
    if (diedAt !== null && diedAt <= iteration) {
      out.alreadyDead++;
      continue;
    }
    const value = reading(measured, f);
    if (value === null) {
      out.undefinedReading++;
      continue;
    }
    (diedAt === null ? out.surviving : out.dying).push(value);
  }
  return out;
}

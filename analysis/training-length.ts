// How much training a run saw: its training images, iterations, batch size and the epochs they
// make. Studies state it where their configurations differ (the task study's arms do). Pure.
import type { RunRow } from '../data/schemas/datasets.js';

export type TrainingInputs = Pick<RunRow, 'trainImages' | 'iterations' | 'batchSize'>;

/** Passes over the training images: iterations x batch size / training images. */
export function epochs(run: TrainingInputs): number {
  return (run.iterations * run.batchSize) / run.trainImages;
}

export interface TrainingLength {
  trainImages: number;
  iterations: number;
  batchSize: number;
  epochs: number;
  /** How many of the given runs train this way. */
  runs: number;
}

/** The distinct ways the given runs train, most training images first (then most epochs). */
export function trainingLengths(runs: readonly TrainingInputs[]): TrainingLength[] {
  const byKey = new Map<string, TrainingLength>();
  for (const r of runs) {
    const key = `${r.trainImages}:${r.iterations}:${r.batchSize}`;
    const found = byKey.get(key);
    if (found) found.runs += 1;
    else byKey.set(key, { trainImages: r.trainImages, iterations: r.iterations, batchSize: r.batchSize, epochs: epochs(r), runs: 1 });
  }
  return [...byKey.values()].sort((a, b) => b.trainImages - a.trainImages || b.epochs - a.epochs);
}

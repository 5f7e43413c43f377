// What the runs of a study took: how many, the worker time, the training speed and the backends
// they ran on. The numbers the reproduce page and the README quote. Pure.
import type { RunRow } from '../data/schemas/datasets.js';
import { median } from './statistics.js';

export interface StudyCost {
  runs: number;
  complete: number;
  /** Wall time of every run, summed: the worker time the study took. */
  workerSeconds: number;
  /** Median training images/s per worker over the complete runs (null without one). */
  medianImagesPerSecond: number | null;
  backends: string[];
}

export function studyCost(runs: readonly RunRow[]): StudyCost {
  const complete = runs.filter((r) => r.status === 'complete');
  const speeds = complete.map((r) => r.imagesPerSecond).filter((x) => Number.isFinite(x));
  return {
    runs: runs.length,
    complete: complete.length,
    workerSeconds: runs.reduce((s, r) => s + r.wallSeconds, 0),
    medianImagesPerSecond: speeds.length ? median(speeds) : null,
    backends: [...new Set(runs.map((r) => r.backend))],
  };
}

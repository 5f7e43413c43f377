// Dying against surviving features of one block at one checkpoint, by ranks: the AUC of a reading
// (lifetime sparseness, |gamma|, data-loss gradient), its permutation p-value and whether the block
// has the power to tell. The building block of the H6 and mechanism findings. Pure.
import { median } from '../statistics.js';
import { auc, aucPermutationP, detectableAucEffect } from './rank-statistics.js';
import { READINGS, fateSamples, type Deaths, type ReadingName, type RunHistory } from './fates.js';

/**
 * A block can test a difference between the fates when its dying and surviving features are many
 * enough for a two-sided Mann-Whitney test (alpha 0.05) to find an AUC of 0.5 +- MIN_EFFECT with
 * power 0.8 (rank-statistics.ts, detectableAucEffect). 0.2: an AUC of 0.3 or 0.7, one feature in
 * ten moved across the other group's median, about.
 */
export const MIN_EFFECT = 0.2;

export interface FateComparison {
  run: string;
  seed: number;
  /** Conv layer index (0-based); the site calls it block layer + 1. */
  layer: number;
  iteration: number;
  reading: ReadingName;
  dying: number;
  surviving: number;
  alreadyDead: number;
  undefinedReading: number;
  /** P(reading of a dying feature > that of a survivor), ties one half; null when a group is empty. */
  auc: number | null;
  /** Two-sided permutation p-value of the AUC (seeded by run, layer, checkpoint and reading). */
  p: number | null;
  dyingMedian: number | null;
  survivingMedian: number | null;
  /** The smallest |AUC - 0.5| the comparison detects (alpha 0.05, power 0.8). */
  detectable: number;
  /** detectable <= MIN_EFFECT. */
  powered: boolean;
}

export function compareFates(history: RunHistory, deaths: Deaths, layer: number, iteration: number, reading: ReadingName): FateComparison | null {
  const s = fateSamples(history, deaths, layer, iteration, READINGS[reading]);
  if (!s) return null;
  const detectable = detectableAucEffect(s.dying.length, s.surviving.length);
  return {
    run: history.id,
    seed: history.config.training.seed,
    layer,
    iteration,
    reading,
    dying: s.dying.length,
    surviving: s.surviving.length,
    alreadyDead: s.alreadyDead,
    undefinedReading: s.undefinedReading,
    auc: auc(s.dying, s.surviving),
    p: aucPermutationP(s.dying, s.surviving, `${history.id}/${layer}/${iteration}/${reading}`),
    dyingMedian: s.dying.length ? median(s.dying) : null,
    survivingMedian: s.surviving.length ? median(s.surviving) : null,
    detectable,
    powered: detectable <= MIN_EFFECT,
  };
}

/** Every block of every run at each of the given checkpoints, for one reading. */
export function compareAll(
  histories: ReadonlyArray<{ history: RunHistory; deaths: Deaths }>,
  iterations: readonly number[],
  reading: ReadingName,
): FateComparison[] {
  const out: FateComparison[] = [];
  for (const { history, deaths } of histories) {
    const layers = history.checkpoints[0]?.layers.map((l) => l.layer) ?? [];
    for (const iteration of iterations)
      for (const layer of layers) {
        const c = compareFates(history, deaths, layer, iteration, reading);
        if (c) out.push(c);
      }
  }
  return out;
}

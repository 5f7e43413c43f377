// Study v3: task difficulty apart from which classes a task keeps. Every task trains on the same
// number of class-stratified images: a hard pair and an easy pair of labels (experiments/definitions.ts
// TASK_PAIRS), and subsets of 2 and 5 classes drawn at random for each seed, beside all 10. Decides H5 (v3).
import { TASK_PAIRS } from '../../data/definitions.js';
import { createRandom, permutation } from '../random.js';
import { mainConfig, PROTOCOLS } from './protocol.js';
import { withPatch, type Study } from './study.js';
import type { RunConfigInput } from '../config.js';

const ALL_CLASSES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

/** The k labels of 10 drawn for a seed (ascending): the same draw for the same seed and k. */
export function randomClasses(seed: number, k: number): number[] {
  return Array.from(permutation(10, createRandom(seed, `task-identity classes ${k}`)).subarray(0, k)).sort((a, b) => a - b);
}

export const taskIdentityStudy: Study = {
  name: 'task-identity',
  title: 'Task difficulty apart from class identity (v3)',
  question:
    'At equal images and epochs, do harder tasks leave fewer dead filters when the classes are drawn at random, and does a hard pair of classes leave fewer than an easy pair?',
  hypotheses: [5],
  factors: ['data.classList', 'data.classes'],
  configs(scale) {
    const p = PROTOCOLS[scale];
    const base = mainConfig(scale);
    // Every task names its labels (all 10 too, in order), so each run's configuration says which classes it kept.
    const task = (seed: number, classList: readonly number[]): RunConfigInput =>
      withPatch(base, {
        data: { ...base.data, trainSubset: p.v3.taskImages, classes: classList.length, classList: [...classList] },
        training: { ...base.training, seed },
      });
    // Seed-major, as crossSeeds orders: every task at the first seed comes first.
    return p.v3.seeds.flatMap((seed) => [
      task(seed, TASK_PAIRS.hard),
      task(seed, TASK_PAIRS.easy),
      ...p.v3.randomClassCounts.map((k) => task(seed, randomClasses(seed, k))),
      task(seed, ALL_CLASSES),
    ]);
  },
};

// Small studies for the pipeline's end-to-end tests (passed with --studies). Environment switches
// add a study with a bad field (TINY_STUDIES_BAD=1) or runs that fail, diverge and crash
// (TINY_STUDIES_TROUBLE=1).
import type { RunConfigInput } from '../../experiments/config.js';
import type { Study } from '../../experiments/studies/index.js';
import { crossSeeds, withPatch } from '../../experiments/studies/study.js';
import { tinyInput } from './fixtures.js';

const base = (scale: string): RunConfigInput => tinyInput({ training: { iterations: scale === 'full' ? 8 : 6 } });

const alpha: Study = {
  name: 'alpha',
  title: 'Alpha',
  question: 'Adam or SGD?',
  hypotheses: [2],
  factors: ['optimizer.name'],
  configs: (scale) =>
    crossSeeds(
      (['adam', 'sgd'] as const).map((name) => withPatch(base(scale), { optimizer: { name } })),
      [0, 1],
    ),
};

const beta: Study = {
  name: 'beta',
  title: 'Beta',
  question: 'L2 or nothing?',
  hypotheses: [1],
  factors: ['regularization.kind'],
  // Adam + L2 seed 0 is also an alpha run: trained once.
  configs: (scale) => (['l2', 'none'] as const).map((kind) => withPatch(base(scale), { regularization: { kind } })),
};

const trouble: Study = {
  name: 'trouble',
  title: 'Trouble',
  question: 'Does the sweep go on?',
  hypotheses: [],
  factors: ['training.seed', 'optimizer.lr'],
  configs: (scale) => [
    withPatch(base(scale), { training: { seed: 666 } }),
    withPatch(base(scale), { optimizer: { name: 'sgd', lr: 1000 } }),
    withPatch(base(scale), { training: { seed: 667 } }),
    withPatch(base(scale), { training: { seed: 5 } }),
  ],
};

const bad: Study = {
  name: 'broken',
  title: 'Broken',
  question: 'Is a bad field caught?',
  hypotheses: [],
  factors: ['training.batchSize'],
  configs: (scale) => [withPatch(base(scale), { training: { batchSize: -4 } })],
};

export const STUDIES: Study[] = [alpha, beta, ...(process.env.TINY_STUDIES_TROUBLE ? [trouble] : []), ...(process.env.TINY_STUDIES_BAD ? [bad] : [])];

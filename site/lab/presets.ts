// The lab's presets and editable fields, and the run configuration they make. Shared by the
// page (browser) and its Astro template (build time); the configuration is the engine's own
// (experiments/config.ts), so a lab run is a run the pipeline could train.
import type { OptimizerName, RunConfigInput } from '../../experiments/config.js';

/** What the reader may change. Everything else is the engine's default or LAB_MEASURE. */
export interface LabFields {
  optimizer: OptimizerName;
  lr: number;
  regularization: 'none' | 'l2' | 'decoupled';
  strength: number;
  batchSize: number;
  width: number;
  classes: number;
  activation: 'relu' | 'leaky-relu';
  seed: number;
  iterations: number;
}

/** Measurement cadence of lab runs: checkpoints often enough to watch deaths, on a small probe. */
export const LAB_MEASURE = { checkpointEvery: 50, logEvery: 10, probeSize: 500 } as const;

export interface LabPreset {
  id: string;
  title: string;
  /** What the reader should see, from the study's result. */
  expect: string;
  /** The iteration of the first death with these fields (seed 0), drawn on the dead-filter chart; null where none is expected. */
  firstDeath: number | null;
  /** The study page it reproduces (site route) and the hypothesis it speaks to. */
  study: { route: string; label: string };
  fields: LabFields;
}

/**
 * Adam's learning rate in the lab: ten times the study's 1e-3. With Adam and L2 a dying gamma
 * shrinks by about the learning rate per step, so at 1e-3 no filter can fall below the 1e-3
 * threshold before ~1,000 iterations, and in the study the first deaths came after 2,500; at
 * 1e-2 they come within the first few hundred.
 */
const LAB_ADAM_LR = 0.01;

const main: LabFields = {
  optimizer: 'adam',
  lr: LAB_ADAM_LR,
  regularization: 'l2',
  strength: 5e-4,
  batchSize: 32,
  width: 16,
  classes: 10,
  activation: 'relu',
  seed: 0,
  iterations: 1000,
};

export const LAB_PRESETS: readonly LabPreset[] = [
  {
    id: 'adam-l2',
    title: 'Adam + L2 (the main configuration)',
    expect: 'Filters start to die within a few hundred iterations (seed 0: the first at iteration 350, dead by activation; by 500, 8 of 464).',
    firstDeath: 350,
    study: { route: 'studies/optimizer', label: 'Optimizer study (H2)' },
    fields: main,
  },
  {
    id: 'momentum-l2',
    title: 'SGD + momentum + L2',
    expect: 'No deaths (seed 0: none in 500 iterations): the study found the SGD family far less sparse than Adam.',
    firstDeath: null,
    study: { route: 'studies/optimizer', label: 'Optimizer study (H2)' },
    fields: { ...main, optimizer: 'momentum', lr: 0.01 },
  },
  {
    id: 'adam-none',
    title: 'Adam, no regularization',
    expect: 'No deaths (seed 0: none in 500 iterations): without regularization nothing pulls gamma to zero (H1).',
    firstDeath: null,
    study: { route: 'studies/optimizer', label: 'Optimizer study (H1)' },
    fields: { ...main, regularization: 'none', strength: 0 },
  },
  {
    id: 'adam-l2-leaky',
    title: 'Adam + L2, leaky ReLU',
    expect:
      'No filter dies by activation, since the leak keeps every channel nonzero (seed 0: no death of either kind in 500 iterations; in the study a few gammas collapsed after 4,500).',
    firstDeath: null,
    study: { route: 'studies/activation', label: 'Activation study (H8)' },
    fields: { ...main, activation: 'leaky-relu' },
  },
];

/** How the lab differs from the published study, shown on the page. */
export const LAB_DIFFERENCES: readonly string[] = [
  `Adam's learning rate is ${LAB_ADAM_LR} in the Adam presets, ten times the study's 1e-3, so that deaths appear within minutes instead of after 2,500 iterations; SGD + momentum keeps the study's 0.01.`,
  '5,000 training images (500 per class) instead of 60,000, and 1,000 test images instead of 10,000: at equal iterations that is 12 times the epochs.',
  `1,000 iterations instead of 10,000, with a checkpoint every ${LAB_MEASURE.checkpointEvery} iterations on ${LAB_MEASURE.probeSize} training images (the study: every 500, on 2,048).`,
  'No pruning at the end and no mechanism gradients; one seed at a time.',
];

/** The run configuration of a set of lab fields (validated by the engine when the run starts). */
export function labConfigInput(fields: LabFields): RunConfigInput {
  return {
    data: { dataset: 'fashion-mnist', classes: fields.classes, trainSubset: null, probeSize: LAB_MEASURE.probeSize },
    model: { width: fields.width, activation: fields.activation },
    optimizer: { name: fields.optimizer, lr: fields.lr },
    regularization: { kind: fields.regularization, strength: fields.strength },
    training: { iterations: fields.iterations, batchSize: fields.batchSize, seed: fields.seed },
    measure: { checkpointEvery: LAB_MEASURE.checkpointEvery, logEvery: LAB_MEASURE.logEvery, mechanism: false, testAtCheckpoints: true, prune: false },
  };
}

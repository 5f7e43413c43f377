// The run configuration: plain data with every default in one place. A run is fully
// described by its resolved configuration (experiments/config.ts resolves it; its identity is
// experiments/config-hash.ts). Pure zod, no node: imports: the datasets and the site read it too.
import { z } from 'zod';
import { DEFAULT_THRESHOLDS } from '../definitions.js';

export const DATASETS = ['fashion-mnist', 'cifar10', 'cifar100'] as const;
export const ARCHITECTURES = ['basicnet'] as const;
export const ACTIVATIONS = ['relu', 'leaky-relu'] as const;
/**
 * Initial-weight schemes. Absent from a configuration means he-normal, so configurations written
 * before the option existed keep their hash. "pytorch": kaiming-uniform conv kernels with a = sqrt(5),
 * i.e. U(+-1/sqrt(fan in)), PyTorch's Conv2d default, for comparing like with like (npm run crosscheck).
 */
export const INIT_SCHEMES = ['he-normal', 'pytorch'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw', 'adamax', 'adagrad', 'adadelta', 'rmsprop'] as const;
export const REGULARIZATIONS = ['none', 'l2', 'decoupled'] as const;
export const PARAMETER_GROUPS = ['conv', 'gamma', 'beta', 'head'] as const;
export const SCHEDULES = ['constant', 'step'] as const;

export type OptimizerName = (typeof OPTIMIZERS)[number];
export type ParameterGroup = (typeof PARAMETER_GROUPS)[number];

/**
 * Each optimizer's own defaults (PyTorch's, which the paper's values follow). Only the
 * hyperparameters an optimizer uses are kept in its resolved configuration.
 */
export const OPTIMIZER_DEFAULTS: Record<OptimizerName, Record<string, number>> = {
  sgd: { lr: 0.01 },
  momentum: { lr: 0.01, momentum: 0.9 },
  adam: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  adamw: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  adamax: { lr: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  adagrad: { lr: 0.01, initialAccumulator: 0, epsilon: 1e-10 },
  adadelta: { lr: 1.0, rho: 0.9, epsilon: 1e-6 },
  rmsprop: { lr: 0.01, rho: 0.99, epsilon: 1e-8, momentum: 0 },
};

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const count = z.number().int().positive();

const optimizerSchema = z
  .object({
    name: z.enum(OPTIMIZERS),
    lr: positive.optional().describe('learning rate'),
    momentum: nonNegative.max(1).optional(),
    beta1: nonNegative.lt(1).optional(),
    beta2: nonNegative.lt(1).optional(),
    epsilon: positive.optional(),
    rho: nonNegative.lt(1).optional(),
    initialAccumulator: nonNegative.optional(),
  })
  .strict();

/** What a user may write (every field but a few has a default). */
export const runConfigInputSchema = z
  .object({
    data: z
      .object({
        dataset: z.enum(DATASETS).default('fashion-mnist'),
        classes: count.max(100).nullable().default(null).describe('keep the first k classes (null: all)'),
        classList: z
          .array(z.number().int().nonnegative().max(99))
          .min(2)
          .optional()
          .describe('keep these labels, in this order (task class i = label classList[i]); absent: the first k (classes); study v3'),
        trainSubset: count.nullable().default(null).describe('number of training images (null: all)'),
        probeSize: count.default(2048).describe('training images in the fixed probe subset used at checkpoints'),
      })
      .strict()
      .default({ dataset: 'fashion-mnist', classes: null, trainSubset: null, probeSize: 2048 }),
    model: z
      .object({
        arch: z.enum(ARCHITECTURES).default('basicnet'),
        width: count.default(16).describe('filters of the first block (BasicNet: w, 2w, 2w, 4w, 4w, 8w, 8w)'),
        activation: z.enum(ACTIVATIONS).default('relu'),
        leakySlope: positive.lt(1).default(0.01),
        bnMomentum: positive.lt(1).default(0.1).describe('PyTorch convention: running = (1-m) running + m batch'),
        bnEpsilon: positive.default(1e-5),
        init: z
          .enum(INIT_SCHEMES)
          .optional()
          .describe('initial weights: he-normal conv kernels (absent: the default, every published run) or pytorch (PyTorch 1.x layer defaults)'),
      })
      .strict()
      .default({ arch: 'basicnet', width: 16, activation: 'relu', leakySlope: 0.01, bnMomentum: 0.1, bnEpsilon: 1e-5 }),
    optimizer: optimizerSchema.default({ name: 'adam' }),
    regularization: z
      .object({
        kind: z.enum(REGULARIZATIONS).default('l2'),
        strength: nonNegative.default(5e-4).describe('L2: adds strength*w to each gradient (loss strength/2 ||w||^2); decoupled: w -= lr*strength*w'),
        appliesTo: z
          .array(z.enum(PARAMETER_GROUPS))
          .min(1)
          .default([...PARAMETER_GROUPS]),
      })
      .strict()
      .default({ kind: 'l2', strength: 5e-4, appliesTo: [...PARAMETER_GROUPS] }),
    schedule: z
      .object({
        kind: z.enum(SCHEDULES).default('constant'),
        milestones: z.array(count).default([]).describe('iterations at which a step schedule multiplies the rate by factor'),
        factor: positive.default(0.1),
      })
      .strict()
      .default({ kind: 'constant', milestones: [], factor: 0.1 }),
    training: z
      .object({
        iterations: count.default(2000),
        batchSize: count.default(64),
        seed: z.number().int().nonnegative().default(0),
      })
      .strict()
      .default({ iterations: 2000, batchSize: 64, seed: 0 }),
    measure: z
      .object({
        checkpointEvery: count.default(500).describe('iterations between checkpoints (also at 0 and at the end)'),
        logEvery: count.default(50).describe('iterations between training-curve points'),
        mechanism: z.boolean().default(false).describe('measure data-loss vs regularization gradients per feature at checkpoints'),
        mechanismBatch: count.default(256),
        testAtCheckpoints: z.boolean().default(true),
        prune: z.boolean().default(true).describe('remove dead filters at the end and measure the speed-up'),
      })
      .strict()
      .default({ checkpointEvery: 500, logEvery: 50, mechanism: false, mechanismBatch: 256, testAtCheckpoints: true, prune: true }),
    thresholds: z
      .object({
        gamma: positive.default(DEFAULT_THRESHOLDS.gamma),
        activation: positive.default(DEFAULT_THRESHOLDS.activation),
      })
      .strict()
      .default({ ...DEFAULT_THRESHOLDS }),
  })
  .strict();

export type RunConfigInput = z.input<typeof runConfigInputSchema>;
type ParsedConfig = z.output<typeof runConfigInputSchema>;

export interface ResolvedOptimizer {
  name: OptimizerName;
  lr: number;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  rho?: number;
  initialAccumulator?: number;
}

export type RunConfig = Omit<ParsedConfig, 'optimizer'> & { optimizer: ResolvedOptimizer };

/** The resolved configuration as stored in run records (validated again when read back). */
export const runConfigSchema = runConfigInputSchema.extend({
  optimizer: optimizerSchema.extend({ lr: positive }),
});

// What the training benchmarks share: BasicNet width 16 on 28x28x1 inputs, the engine variants
// they compare (named by what they are), and a trainer of the project's training step
// (experiments/stepper.ts) on one fixed random batch.
import * as tf from '@tensorflow/tfjs-core';
import { setNativeKernels, setReorderingKernels } from '../experiments/backend/native.js';
import { resolveConfig, type RunConfig } from '../experiments/config.js';
import { basicNetSpec, initialWeights, type Network } from '../experiments/model.js';
import type { Optimizer } from '../experiments/optimizers.js';
import { Trainer as EngineTrainer } from '../experiments/stepper.js';
import { createRandom } from '../experiments/random.js';
import { restoreDyingState, type DyingState } from './dying-state.js';

export const BATCH = 64;
export const SHAPE: [number, number, number] = [28, 28, 1];
export const CLASSES = 10;

export interface SpeedResult {
  backend: string;
  path: string;
  imagesPerSecond: number;
  stepMs: number;
  steps: number;
  batch: number;
  detail?: string;
  [extra: string]: unknown;
}

/** Adam + L2 5e-4, the main configuration's optimizer (the per-backend table and the kernel shares). */
export function benchConfig(batchSize = BATCH): RunConfig {
  return resolveConfig({
    model: { width: 16 },
    optimizer: { name: 'adam' },
    regularization: { kind: 'l2', strength: 5e-4 },
    training: { batchSize },
  });
}

/**
 * An engine: the fused update or the op-by-op rules, with or without the subnormal flush, with
 * the compiled kernels (experiments/backend/native.ts) or the JavaScript and stock-op ones they replaced.
 */
export interface EngineVariant {
  label: string;
  fusedUpdates: boolean;
  flushSubnormals: boolean;
  compiledKernels: boolean;
  /** Also the compiled batch norm and first-layer filter gradient, which sum in another order (off in the engine by default). */
  reorderingKernels: boolean;
}

export const OP_BY_OP_NO_FLUSH: EngineVariant = {
  label: 'before the flush (op-by-op update, JS kernels, no flush)',
  fusedUpdates: false,
  flushSubnormals: false,
  compiledKernels: false,
  reorderingKernels: false,
};
export const OP_BY_OP: EngineVariant = {
  label: 'previous engine (op-by-op update, JS kernels, flush)',
  fusedUpdates: false,
  flushSubnormals: true,
  compiledKernels: false,
  reorderingKernels: false,
};
export const COMPILED_KERNELS: EngineVariant = {
  label: 'compiled kernels (fused update, flush)',
  fusedUpdates: true,
  flushSubnormals: true,
  compiledKernels: true,
  reorderingKernels: false,
};
export const COMPILED_REORDERING: EngineVariant = {
  label: 'compiled kernels + reordering ones (batch norm, first-layer filter gradient)',
  fusedUpdates: true,
  flushSubnormals: true,
  compiledKernels: true,
  reorderingKernels: true,
};

export interface TrainerOptions {
  config: RunConfig;
  variant: EngineVariant;
  /** The dying network's state to start from (its optimizer must be the config's). */
  dying?: DyingState;
}

export interface Trainer {
  net: Network;
  optimizer: Optimizer;
  batch: number;
  step(): void;
  dispose(): void;
}

/** The project's training step on one fixed random batch (speed does not depend on the values). */
export function makeTrainer(options: TrainerOptions = { config: benchConfig(), variant: COMPILED_KERNELS }): Trainer {
  const { config, variant } = options;
  const batch = config.training.batchSize;
  const spec = basicNetSpec(config, SHAPE, CLASSES);
  const trainer = new EngineTrainer(
    config,
    { shape: SHAPE, classes: CLASSES },
    {
      weights: initialWeights(spec, createRandom(0, 'bench')),
      engine: { fusedUpdates: variant.fusedUpdates, flushSubnormals: variant.flushSubnormals },
    },
  );
  const { net, optimizer } = trainer;
  if (options.dying) restoreDyingState(options.dying, net, optimizer);
  const x = tf.randomNormal([batch, ...SHAPE], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniformInt([batch], 0, CLASSES, 2), CLASSES), 'float32')) as tf.Tensor2D;
  return {
    net,
    optimizer,
    batch,
    step: () => {
      setNativeKernels(variant.compiledKernels);
      setReorderingKernels(variant.reorderingKernels);
      try {
        trainer.step({ x, y });
      } finally {
        setNativeKernels(true);
        setReorderingKernels(false);
      }
    },
    dispose: () => {
      trainer.dispose();
      tf.dispose([x, y]);
    },
  };
}

export function timeSteps(trainer: Trainer, warmup: number, steps: number): { stepMs: number; imagesPerSecond: number } {
  for (let i = 0; i < warmup; i++) trainer.step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.step();
  const stepMs = (performance.now() - t0) / steps;
  return { stepMs, imagesPerSecond: (trainer.batch * 1000) / stepMs };
}

export function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

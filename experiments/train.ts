// The training step and the batches it eats: forward in training mode, data loss, gradients,
// running statistics, optimizer update. Regularization lives in the optimizer.
import * as tf from '@tensorflow/tfjs-core';
import './gradients.js';
import { forward, trainables, updateRunningStatistics, type Network } from './model.js';
import type { Optimizer } from './optimizers.js';
import type { RunConfig } from './config.js';
import { createRandom, permutation, type Random } from './random.js';
import { readSync, readsSynchronously, type Reads } from './backend/readback.js';

export interface ImageBatchSource {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** Copies the images at `indices` into one NHWC tensor and their one-hot labels. */
export function gatherBatch(
  source: ImageBatchSource,
  indices: ArrayLike<number>,
  shape: [number, number, number],
  classes: number,
  buffer?: Float32Array,
): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const size = shape[0] * shape[1] * shape[2];
  const n = indices.length;
  const data = buffer && buffer.length === n * size ? buffer : new Float32Array(n * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    data.set(source.images.subarray(j * size, (j + 1) * size), i * size);
    labels[i] = source.labels[j];
  }
  const x = tf.tensor4d(data, [n, ...shape]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32') as tf.Tensor2D);
  return { x, y };
}

/** Endless mini-batches in a fresh seeded order every epoch; a partial last batch is dropped. */
export class BatchSampler {
  private readonly random: Random;
  private order: Uint32Array;
  private position = 0;
  private readonly buffer: Float32Array;
  epoch = 0;

  constructor(
    private readonly source: ImageBatchSource,
    private readonly batchSize: number,
    private readonly shape: [number, number, number],
    private readonly classes: number,
    seed: number,
  ) {
    if (source.count < batchSize) {
      throw new Error(`the training set has ${source.count} images, fewer than one batch of ${batchSize}: lower training.batchSize or raise data.trainSubset`);
    }
    this.random = createRandom(seed, 'batches');
    this.order = permutation(source.count, this.random);
    this.buffer = new Float32Array(batchSize * shape[0] * shape[1] * shape[2]);
  }

  next(): { x: tf.Tensor4D; y: tf.Tensor2D } {
    return gatherBatch(this.source, this.nextIndices(), this.shape, this.classes, this.buffer);
  }

  /** Moves past `batches` batches without building them: the sampler then continues as if it had made them. */
  skip(batches: number): void {
    for (let i = 0; i < batches; i++) this.nextIndices();
  }

  /** The positions of the next batch in the training set (what next() gathers); advances the sampler. */
  nextIndices(): Uint32Array {
    if (this.position + this.batchSize > this.source.count) {
      this.order = permutation(this.source.count, this.random);
      this.position = 0;
      this.epoch += 1;
    }
    const indices = this.order.subarray(this.position, this.position + this.batchSize);
    this.position += this.batchSize;
    return indices;
  }
}

export interface StepResult {
  /** Mean cross-entropy of the batch (the data loss, without regularization). */
  loss: number;
  /** Correctly classified images of the batch. */
  correct: number;
}

/** One training step's loss and correct count, still on the device. */
export interface StepTensors {
  loss: tf.Scalar;
  correct: tf.Scalar;
}

/** One training iteration on a batch, its loss and hits left on the device. Disposes nothing it did not create. */
export function trainStepTensors(net: Network, optimizer: Optimizer, x: tf.Tensor4D, y: tf.Tensor2D, lr: number): StepTensors {
  const vars = trainables(net).map((t) => t.variable);
  let stats: ReturnType<typeof forward>['batchStatistics'] = [];
  let logits: tf.Tensor2D | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const out = forward(net, x, 'train');
    stats = out.batchStatistics.map((s) => ({ mean: tf.keep(s.mean), variance: tf.keep(s.variance) }));
    logits = tf.keep(out.logits);
    return tf.losses.softmaxCrossEntropy(y, out.logits) as tf.Scalar;
  }, vars);
  updateRunningStatistics(net, stats, x.shape[0], optimizer.flushesSubnormals);
  optimizer.apply(grads, lr);
  const correct = tf.tidy(() => tf.sum(tf.equal(tf.argMax(logits!, 1), tf.argMax(y, 1))) as tf.Scalar);
  tf.dispose([logits!, ...Object.values(grads), ...stats.flatMap((s) => [s.mean, s.variance])]);
  return { loss: value, correct };
}

/** One training iteration on a batch, read back at once (backends with synchronous reads). */
export function trainStep(net: Network, optimizer: Optimizer, x: tf.Tensor4D, y: tf.Tensor2D, lr: number): StepResult {
  return readSync(readSteps([trainStepTensors(net, optimizer, x, y, lr)]))[0];
}

/** Reads the results of steps (in one download per quantity) and disposes their tensors. */
export function* readSteps(steps: StepTensors[]): Reads<StepResult[]> {
  if (steps.length === 0) return [];
  const one = steps.length === 1;
  const losses = one ? steps[0].loss : tf.stack(steps.map((s) => s.loss));
  const hits = one ? steps[0].correct : tf.stack(steps.map((s) => s.correct));
  if (!one) tf.dispose(steps.flatMap((s) => [s.loss, s.correct]));
  try {
    const [loss, correct] = yield [losses, hits];
    return steps.map((_, i) => ({ loss: loss[i], correct: correct[i] }));
  } finally {
    tf.dispose([losses, hits]);
  }
}

/** The regularization term strength/2 * ||w||^2 over the regularized parameters (for the training curve). */
export function* regularizationLossReads(net: Network, config: RunConfig): Reads<number> {
  const { kind, strength, appliesTo } = config.regularization;
  if (kind === 'none' || strength === 0) return 0;
  const term = tf.tidy(() => {
    const terms = trainables(net)
      .filter((t) => appliesTo.includes(t.group))
      .map((t) => tf.sum(tf.square(t.variable)));
    // webgpu binds every AddN input as a storage buffer (16 a shader on many adapters): a chain of adds there.
    const sum = readsSynchronously() ? tf.addN(terms) : terms.reduce((a, b) => tf.add(a, b));
    return tf.mul(sum, strength / 2);
  });
  try {
    return (yield [term])[0][0];
  } finally {
    term.dispose();
  }
}

export function regularizationLoss(net: Network, config: RunConfig): number {
  return readSync(regularizationLossReads(net, config));
}

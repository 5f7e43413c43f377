// The measurements taken at checkpoints and at the end: loss and accuracy, and per filter its
// gamma, beta, selectivity (active share and lifetime sparseness), peak activation, whether it
// is dead, and the mechanism gradients.
import * as tf from '@tensorflow/tfjs-core';
import { forward, type Network } from './model.js';
import { gatherBatch, type ImageBatchSource } from './train.js';
import { createRandom, permutation } from './random.js';
import { isDeadByActivation, isDeadByGamma, lifetimeSparseness, paperSelectivity, type Thresholds } from '../data/definitions.js';
import { round6 } from '../data/precision.js';
import type { RunConfig } from './config.js';
import type { ImageDataset } from './data/dataset.js';
import { readSync, type Reads, type Values } from './backend/readback.js';
import type { Checkpoint, LayerMeasurement, RunRecord } from '../data/schemas/run-record.js';

/** A fixed subset of the training set for checkpoint measurements, chosen by the seed. */
export function probeSubset(train: ImageBatchSource, size: number, seed: number, imageSize: number): ImageBatchSource {
  const count = Math.min(size, train.count);
  const order = permutation(train.count, createRandom(seed, 'probe')).subarray(0, count);
  const images = new Float32Array(count * imageSize);
  const labels = new Int32Array(count);
  order.forEach((j, i) => {
    images.set(train.images.subarray(j * imageSize, (j + 1) * imageSize), i * imageSize);
    labels[i] = train.labels[j];
  });
  return { images, labels, count };
}

export interface Evaluation {
  loss: number;
  accuracy: number;
  images: number;
  /** Per layer and filter: images on which the filter was active, and its largest |activation|. */
  activeImages: number[][];
  peaks: number[][];
  /** Per layer and filter: sums over the images of the response r and of r^2 (definitions.featureResponse). */
  responseSums: number[][];
  responseSquareSums: number[][];
  /** Per layer, [images, filters]: each image's maximum |activation| (only with `imageMaxima`). */
  imageMaxima: Float32Array[] | null;
}

/**
 * Runs the network in inference mode over `count` images of `source` (the first ones), in
 * batches, and accumulates loss, accuracy and, when `filters` is set, the per-filter activity.
 */
export function evaluate(net: Network, source: ImageBatchSource, options: EvaluateOptions): Evaluation {
  return readSync(evaluateReads(net, source, options));
}

export interface EvaluateOptions {
  filters: boolean;
  batchSize?: number;
  count?: number;
  /** Keep each image's maximum |activation| per filter (the paper's selectivity; the probe only). */
  imageMaxima?: boolean;
}

export function* evaluateReads(net: Network, source: ImageBatchSource, options: EvaluateOptions): Reads<Evaluation> {
  const { spec } = net;
  const count = Math.min(options.count ?? source.count, source.count);
  if (count <= 0) throw new Error('evaluate needs at least one image');
  const batchSize = options.batchSize ?? 500;
  const activeImages = spec.filters.map((f) => new Array<number>(f).fill(0));
  const peaks = spec.filters.map((f) => new Array<number>(f).fill(0));
  const responseSums = spec.filters.map((f) => new Array<number>(f).fill(0));
  const responseSquareSums = spec.filters.map((f) => new Array<number>(f).fill(0));
  // Kept per image (images x filters floats per layer): only on the probe, where the paper's selectivity is read.
  const imageMaxima = options.filters && options.imageMaxima ? spec.filters.map((f) => new Float32Array(count * f)) : null;
  let lossSum = 0;
  let correct = 0;
  const indices = new Uint32Array(batchSize);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    for (let i = 0; i < n; i++) indices[i] = start + i;
    const { x, y } = gatherBatch(source, indices.subarray(0, n), spec.inputShape, spec.classes);
    const outs = tf.tidy(() => {
      const out = forward(net, x, 'infer', options.filters);
      const loss = tf.losses.softmaxCrossEntropy(y, out.logits, undefined, undefined, tf.Reduction.SUM);
      const hits = tf.sum(tf.equal(tf.argMax(out.logits, 1), tf.argMax(y, 1)));
      // Per block: images on which each feature is active, its peak and its responses
      // (backend/inference-block.ts). The responses are squared and summed in float64 below:
      // a nearly dead feature's r^2 underflows float32.
      const perLayer = out.features.flatMap((f) => (imageMaxima ? [f.active, f.peak, f.responses, f.imageMaxima] : [f.active, f.peak, f.responses]));
      return [loss, hits, ...perLayer];
    });
    tf.dispose([x, y]);
    let values: Values[];
    try {
      values = yield outs;
    } finally {
      tf.dispose(outs);
    }
    lossSum += values[0][0];
    correct += values[1][0];
    for (let l = 0; l < activeImages.length && options.filters; l++) {
      const per = imageMaxima ? 4 : 3;
      const active = values[2 + per * l];
      const peak = values[3 + per * l];
      const responses = values[4 + per * l];
      if (imageMaxima) imageMaxima[l].set(values[5 + per * l], start * active.length);
      const filters = active.length;
      for (let f = 0; f < filters; f++) {
        activeImages[l][f] += active[f];
        if (peak[f] > peaks[l][f]) peaks[l][f] = peak[f];
      }
      const sums = responseSums[l];
      const squares = responseSquareSums[l];
      for (let i = 0; i < n; i++) {
        for (let f = 0; f < filters; f++) {
          const r = responses[i * filters + f];
          sums[f] += r;
          squares[f] += r * r;
        }
      }
    }
  }
  return { loss: lossSum / count, accuracy: correct / count, images: count, activeImages, peaks, responseSums, responseSquareSums, imageMaxima };
}

/** Per-layer measurements from an evaluation with filters and the network's BN parameters. */
export function layerMeasurements(net: Network, evaluation: Evaluation, thresholds: Thresholds): LayerMeasurement[] {
  return readSync(layerMeasurementsReads(net, evaluation, thresholds));
}

export function* layerMeasurementsReads(net: Network, evaluation: Evaluation, thresholds: Thresholds): Reads<LayerMeasurement[]> {
  const bn = yield net.blocks.flatMap((b) => [b.gamma, b.beta]);
  return net.blocks.map((_, layer) => {
    const gamma = Array.from(bn[2 * layer], round6);
    const beta = Array.from(bn[2 * layer + 1], round6);
    const peak = evaluation.peaks[layer].map(round6);
    const selectivity = evaluation.activeImages[layer].map((a) => round6(a / evaluation.images));
    const sums = evaluation.responseSums[layer];
    const squares = evaluation.responseSquareSums[layer];
    const lifetime = sums.map((sum, f) => {
      const s = lifetimeSparseness(sum, squares[f], evaluation.images);
      return s === null ? null : round6(s);
    });
    const maxima = evaluation.imageMaxima?.[layer];
    const paper = maxima
      ? gamma.map((_, f) => {
          const s = paperSelectivity(maxima, evaluation.images, gamma.length, f);
          return s === null ? null : round6(s);
        })
      : undefined;
    const indices = (pred: (i: number) => boolean) => gamma.map((_, i) => i).filter(pred);
    return {
      layer,
      filters: gamma.length,
      gamma,
      beta,
      selectivity,
      lifetimeSparseness: lifetime,
      ...(paper ? { paperSelectivity: paper } : {}),
      peak,
      deadByGamma: indices((i) => isDeadByGamma(gamma[i], thresholds)),
      deadByActivation: indices((i) => isDeadByActivation(evaluation.peaks[layer][i], thresholds)),
    };
  });
}

export interface MechanismMeasurement {
  dataGradGamma: number[];
  regGradGamma: number[];
  dataGradKernel: number[];
  regGradKernel: number[];
}

/**
 * The paper's mechanism: per feature, the norm of the data-loss gradient reaching its gamma and
 * its kernel (on one batch, training mode) and of the regularization gradient (scale * w).
 */
export function measureMechanism(net: Network, x: tf.Tensor4D, y: tf.Tensor2D, regScale: { conv: number; gamma: number }): MechanismMeasurement[] {
  return readSync(measureMechanismReads(net, x, y, regScale));
}

export function* measureMechanismReads(net: Network, x: tf.Tensor4D, y: tf.Tensor2D, regScale: { conv: number; gamma: number }): Reads<MechanismMeasurement[]> {
  // Per block: |data gradient of gamma|, gamma, the norms of the kernel's data gradient and of the kernel.
  const tensors = tf.tidy(() => {
    const vars = net.blocks.flatMap((b) => [b.kernel, b.gamma]);
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, forward(net, x, 'train').logits) as tf.Scalar, vars);
    const kernelNorm = (k: tf.Tensor) => tf.sqrt(tf.sum(tf.square(k), [0, 1, 2]));
    return net.blocks.flatMap((b) => [tf.abs(grads[b.gamma.name]), tf.clone(b.gamma), kernelNorm(grads[b.kernel.name]), kernelNorm(b.kernel)]);
  });
  let v: Values[];
  try {
    v = yield tensors;
  } finally {
    tf.dispose(tensors);
  }
  return net.blocks.map((_, l) => ({
    dataGradGamma: Array.from(v[4 * l], round6),
    regGradGamma: Array.from(v[4 * l + 1], (g) => round6(Math.abs(g) * regScale.gamma)),
    dataGradKernel: Array.from(v[4 * l + 2], round6),
    regGradKernel: Array.from(v[4 * l + 3], (n) => round6(n * regScale.conv)),
  }));
}

/** What a run's checkpoints measure on: a training probe, a test probe and the mechanism batch (null: not measured). */
export interface CheckpointProbes {
  train: ImageBatchSource;
  test: ImageBatchSource;
  mechanism: { x: tf.Tensor4D; y: tf.Tensor2D; regScale: { conv: number; gamma: number } } | null;
}

/** The measurements at a checkpoint: filters and BN parameters on the training probe, the mechanism, the test probe. */
export function measureCheckpoint(
  net: Network,
  probes: CheckpointProbes,
  config: RunConfig,
  iteration: number,
  window: { loss: number; accuracy: number } | null,
): Checkpoint {
  return readSync(measureCheckpointReads(net, probes, config, iteration, window));
}

export function* measureCheckpointReads(
  net: Network,
  probes: CheckpointProbes,
  config: RunConfig,
  iteration: number,
  window: { loss: number; accuracy: number } | null,
): Reads<Checkpoint> {
  const onProbe = yield* evaluateReads(net, probes.train, { filters: true, imageMaxima: true });
  const layers = yield* layerMeasurementsReads(net, onProbe, config.thresholds);
  if (probes.mechanism) {
    (yield* measureMechanismReads(net, probes.mechanism.x, probes.mechanism.y, probes.mechanism.regScale)).forEach((m, l) => {
      layers[l].mechanism = m;
    });
  }
  const test = config.measure.testAtCheckpoints ? yield* evaluateReads(net, probes.test, { filters: false }) : null;
  return {
    iteration,
    trainLoss: window === null ? null : round6(window.loss),
    trainAccuracy: window === null ? null : round6(window.accuracy),
    testAccuracy: test ? round6(test.accuracy) : null,
    images: onProbe.images,
    layers,
  };
}

/** The measurements after the last iteration on the whole training and test sets, and the unrounded test accuracy. */
export function measureFinal(net: Network, data: ImageDataset, config: RunConfig, iteration: number): FinalMeasurements {
  return readSync(measureFinalReads(net, data, config, iteration));
}

export type FinalMeasurements = { final: NonNullable<RunRecord['final']>; testAccuracy: number };

export function* measureFinalReads(net: Network, data: ImageDataset, config: RunConfig, iteration: number): Reads<FinalMeasurements> {
  const onTrain = yield* evaluateReads(net, data.train, { filters: true });
  const onTest = yield* evaluateReads(net, data.test, { filters: false });
  const layers = yield* layerMeasurementsReads(net, onTrain, config.thresholds);
  return {
    final: {
      iteration,
      trainLoss: round6(onTrain.loss),
      trainAccuracy: round6(onTrain.accuracy),
      testLoss: round6(onTest.loss),
      testAccuracy: round6(onTest.accuracy),
      images: onTrain.images,
      layers,
    },
    testAccuracy: onTest.accuracy,
  };
}

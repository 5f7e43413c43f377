// The measurements taken at checkpoints and at the end: loss and accuracy, and per filter its
// gamma, beta, selectivity (active share and lifetime sparseness), peak activation, whether it
// is dead, and the mechanism gradients.
import * as tf from '@tensorflow/tfjs-core';
import { forward, type Network } from './model.js';
import { gatherBatch, type ImageBatchSource } from './train.js';
import { createRandom, permutation } from './random.js';
import { isDeadByActivation, isDeadByGamma, lifetimeSparseness, type Thresholds } from '../data/definitions.js';
import { round6 } from '../data/precision.js';
import type { RunConfig } from './config.js';
import type { ImageDataset } from './data/dataset.js';
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
}

/**
 * Runs the network in inference mode over `count` images of `source` (the first ones), in
 * batches, and accumulates loss, accuracy and, when `filters` is set, the per-filter activity.
 */
export function evaluate(
  net: Network,
  source: ImageBatchSource,
  options: { filters: boolean; batchSize?: number; count?: number },
): Evaluation {
  const { spec } = net;
  const count = Math.min(options.count ?? source.count, source.count);
  if (count <= 0) throw new Error('evaluate needs at least one image');
  const batchSize = options.batchSize ?? 500;
  const activeImages = spec.filters.map((f) => new Array<number>(f).fill(0));
  const peaks = spec.filters.map((f) => new Array<number>(f).fill(0));
  const responseSums = spec.filters.map((f) => new Array<number>(f).fill(0));
  const responseSquareSums = spec.filters.map((f) => new Array<number>(f).fill(0));
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
      const perLayer = out.features.flatMap((f) => [f.active, f.peak, f.responses]);
      return [loss, hits, ...perLayer];
    });
    lossSum += outs[0].dataSync()[0];
    correct += outs[1].dataSync()[0];
    for (let l = 0; l < activeImages.length && options.filters; l++) {
      const active = outs[2 + 3 * l].dataSync();
      const peak = outs[3 + 3 * l].dataSync();
      const responses = outs[4 + 3 * l].dataSync();
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
    tf.dispose([x, y, ...outs]);
  }
  return { loss: lossSum / count, accuracy: correct / count, images: count, activeImages, peaks, responseSums, responseSquareSums };
}

/** Per-layer measurements from an evaluation with filters and the network's BN parameters. */
export function layerMeasurements(net: Network, evaluation: Evaluation, thresholds: Thresholds): LayerMeasurement[] {
  return net.blocks.map((block, layer) => {
    const gamma = Array.from(block.gamma.dataSync(), round6);
    const beta = Array.from(block.beta.dataSync(), round6);
    const peak = evaluation.peaks[layer].map(round6);
    const selectivity = evaluation.activeImages[layer].map((a) => round6(a / evaluation.images));
    const sums = evaluation.responseSums[layer];
    const squares = evaluation.responseSquareSums[layer];
    const lifetime = sums.map((sum, f) => {
      const s = lifetimeSparseness(sum, squares[f], evaluation.images);
      return s === null ? null : round6(s);
    });
    const indices = (pred: (i: number) => boolean) => gamma.map((_, i) => i).filter(pred);
    return {
      layer,
      filters: gamma.length,
      gamma,
      beta,
      selectivity,
      lifetimeSparseness: lifetime,
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
export function measureMechanism(
  net: Network,
  x: tf.Tensor4D,
  y: tf.Tensor2D,
  regScale: { conv: number; gamma: number },
): MechanismMeasurement[] {
  return tf.tidy(() => {
    const vars = net.blocks.flatMap((b) => [b.kernel, b.gamma]);
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, forward(net, x, 'train').logits) as tf.Scalar, vars);
    return net.blocks.map((b) => {
      const gk = grads[b.kernel.name];
      const gg = grads[b.gamma.name];
      const kernelNorm = (k: tf.Tensor) => tf.sqrt(tf.sum(tf.square(k), [0, 1, 2])).dataSync();
      const wNorm = kernelNorm(b.kernel);
      return {
        dataGradGamma: Array.from(tf.abs(gg).dataSync(), round6),
        regGradGamma: Array.from(b.gamma.dataSync(), (g) => round6(Math.abs(g) * regScale.gamma)),
        dataGradKernel: Array.from(kernelNorm(gk), round6),
        regGradKernel: Array.from(wNorm, (n) => round6(n * regScale.conv)),
      };
    });
  });
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
  const onProbe = evaluate(net, probes.train, { filters: true });
  const layers = layerMeasurements(net, onProbe, config.thresholds);
  if (probes.mechanism) {
    measureMechanism(net, probes.mechanism.x, probes.mechanism.y, probes.mechanism.regScale).forEach((m, l) => {
      layers[l].mechanism = m;
    });
  }
  const test = config.measure.testAtCheckpoints ? evaluate(net, probes.test, { filters: false }) : null;
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
export function measureFinal(net: Network, data: ImageDataset, config: RunConfig, iteration: number): { final: NonNullable<RunRecord['final']>; testAccuracy: number } {
  const onTrain = evaluate(net, data.train, { filters: true });
  const onTest = evaluate(net, data.test, { filters: false });
  return {
    final: {
      iteration,
      trainLoss: round6(onTrain.loss),
      trainAccuracy: round6(onTrain.accuracy),
      testLoss: round6(onTest.loss),
      testAccuracy: round6(onTest.accuracy),
      images: onTrain.images,
      layers: layerMeasurements(net, onTrain, config.thresholds),
    },
    testAccuracy: onTest.accuracy,
  };
}

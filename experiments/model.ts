// The networks: BasicNet, a stack of 3x3 Conv-BN-activation blocks with max-pooling, global
// average pooling and a linear head, built from explicit TF.js variables.
import * as tf from '@tensorflow/tfjs-core';
import { readSync, type Reads } from './backend/readback.js';
import { batchNormReluTraining, batchNormTraining, runningStatisticsKernel } from './backend/batch-norm.js';
import { convSame } from './backend/conv3x3-same.js';
import { inferenceBlock, type FeatureStatistics } from './backend/inference-block.js';
import { flushSubnormals } from './backend/subnormals.js';
import type { ParameterGroup } from './config.js';
import { blockSizes, flopCount, parameterCount, type NetworkSpec } from './network-cost.js';
import type { Random } from './random.js';
import type { RunRecord } from '../data/schemas/run-record.js';

// The spec and its counts are pure and live in network-cost.ts; they are re-exported for the
// code that builds networks from them.
export { basicNetSpec, blockSizes, flopCount, multiplyAccumulates, parameterCount, type NetworkSpec } from './network-cost.js';

export interface ConvBlock {
  kernel: tf.Variable<tf.Rank.R4>;
  gamma: tf.Variable<tf.Rank.R1>;
  beta: tf.Variable<tf.Rank.R1>;
  runningMean: tf.Variable<tf.Rank.R1>;
  runningVariance: tf.Variable<tf.Rank.R1>;
}

export interface Network {
  spec: NetworkSpec;
  blocks: ConvBlock[];
  headWeight: tf.Variable<tf.Rank.R2>;
  headBias: tf.Variable<tf.Rank.R1>;
}

export interface Trainable {
  variable: tf.Variable;
  group: ParameterGroup;
}

export const INITIALIZERS = {
  conv: 'he-normal (std sqrt(2 / (3*3*in))); with model.init "pytorch": uniform(+-1/sqrt(3*3*in)) (PyTorch Conv2d default)',
  gamma: 'ones',
  beta: 'zeros',
  head: 'uniform(+-1/sqrt(in)) for weight and bias (PyTorch Linear default)',
  runningStatistics: 'mean 0, variance 1',
} as const;

/** The network as a run's record describes it: its shape, its size and how it was initialised. */
export function recordedModel(spec: NetworkSpec): RunRecord['model'] {
  return { arch: spec.arch, filters: spec.filters, params: parameterCount(spec), flops: flopCount(spec), initializers: { ...INITIALIZERS } };
}

export interface NetworkWeights {
  kernels: Float32Array[];
  gammas: Float32Array[];
  betas: Float32Array[];
  runningMeans: Float32Array[];
  runningVariances: Float32Array[];
  headWeight: Float32Array;
  headBias: Float32Array;
}

/** Draws the initial weights of a spec from a seeded generator (identical on every backend). */
export function initialWeights(spec: NetworkSpec, random: Random, scheme: 'he-normal' | 'pytorch' = 'he-normal'): NetworkWeights {
  const kernels: Float32Array[] = [];
  let inChannels = spec.inputShape[2];
  for (const out of spec.filters) {
    const fanIn = 9 * inChannels;
    const std = Math.sqrt(2 / fanIn);
    const bound = 1 / Math.sqrt(fanIn);
    const k = new Float32Array(9 * inChannels * out);
    for (let i = 0; i < k.length; i++) k[i] = scheme === 'pytorch' ? (2 * random.next() - 1) * bound : random.normal() * std;
    kernels.push(k);
    inChannels = out;
  }
  const last = spec.filters[spec.filters.length - 1];
  const bound = 1 / Math.sqrt(last);
  const uniform = (n: number) => Float32Array.from({ length: n }, () => (2 * random.next() - 1) * bound);
  return {
    kernels,
    gammas: spec.filters.map((f) => new Float32Array(f).fill(1)),
    betas: spec.filters.map((f) => new Float32Array(f)),
    runningMeans: spec.filters.map((f) => new Float32Array(f)),
    runningVariances: spec.filters.map((f) => new Float32Array(f).fill(1)),
    headWeight: uniform(last * spec.classes),
    headBias: uniform(spec.classes),
  };
}

/** Builds the TF.js variables of a network from explicit weights. */
let networksBuilt = 0;

export function buildNetwork(spec: NetworkSpec, weights: NetworkWeights): Network {
  // TF.js variable names are global: each network gets its own prefix.
  const prefix = `net${networksBuilt++}`;
  let inChannels = spec.inputShape[2];
  const blocks = spec.filters.map((out, i) => {
    const block: ConvBlock = {
      kernel: tf.variable(tf.tensor4d(weights.kernels[i], [3, 3, inChannels, out]), true, `${prefix}/conv${i}/kernel`),
      gamma: tf.variable(tf.tensor1d(weights.gammas[i]), true, `${prefix}/conv${i}/gamma`),
      beta: tf.variable(tf.tensor1d(weights.betas[i]), true, `${prefix}/conv${i}/beta`),
      runningMean: tf.variable(tf.tensor1d(weights.runningMeans[i]), false, `${prefix}/conv${i}/running_mean`),
      runningVariance: tf.variable(tf.tensor1d(weights.runningVariances[i]), false, `${prefix}/conv${i}/running_variance`),
    };
    inChannels = out;
    return block;
  });
  const last = spec.filters[spec.filters.length - 1];
  return {
    spec,
    blocks,
    headWeight: tf.variable(tf.tensor2d(weights.headWeight, [last, spec.classes]), true, `${prefix}/head/weight`),
    headBias: tf.variable(tf.tensor1d(weights.headBias), true, `${prefix}/head/bias`),
  };
}

/** Reads a network's current weights back into plain arrays. */
export function readWeights(net: Network): NetworkWeights {
  return readSync(readWeightsReads(net));
}

export function* readWeightsReads(net: Network): Reads<NetworkWeights> {
  const L = net.blocks.length;
  const v = (yield [...net.blocks.flatMap((b) => [b.kernel, b.gamma, b.beta, b.runningMean, b.runningVariance]), net.headWeight, net.headBias]).map((a) =>
    (a as Float32Array).slice(),
  );
  const field = (k: number) => net.blocks.map((_, l) => v[5 * l + k]);
  return {
    kernels: field(0),
    gammas: field(1),
    betas: field(2),
    runningMeans: field(3),
    runningVariances: field(4),
    headWeight: v[5 * L],
    headBias: v[5 * L + 1],
  };
}

export function disposeNetwork(net: Network): void {
  for (const b of net.blocks) tf.dispose([b.kernel, b.gamma, b.beta, b.runningMean, b.runningVariance]);
  tf.dispose([net.headWeight, net.headBias]);
}

/** The trainable variables with the group each belongs to (for the regularization's scope). */
export function trainables(net: Network): Trainable[] {
  const list: Trainable[] = [];
  for (const b of net.blocks) {
    list.push({ variable: b.kernel, group: 'conv' }, { variable: b.gamma, group: 'gamma' }, { variable: b.beta, group: 'beta' });
  }
  list.push({ variable: net.headWeight, group: 'head' }, { variable: net.headBias, group: 'head' });
  return list;
}

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** Each block's feature statistics over the batch (inference mode, when asked for: measure.ts). */
  features: FeatureStatistics[];
  /** Batch mean and biased variance of each block (training mode only). */
  batchStatistics: Array<{ mean: tf.Tensor1D; variance: tf.Tensor1D }>;
}

/**
 * The forward pass. Training mode normalises with batch statistics; inference mode with the
 * running statistics. The caller owns the returned tensors (use inside tf.tidy).
 */
export function forward(net: Network, x: tf.Tensor4D, mode: 'train' | 'infer', measureFeatures = false): ForwardResult {
  const { spec } = net;
  const features: FeatureStatistics[] = [];
  const batchStatistics: ForwardResult['batchStatistics'] = [];
  let h = x;
  net.blocks.forEach((block, i) => {
    const conv = convSame(h, block.kernel);
    if (mode === 'train') {
      // Conv-BN-ReLU: on webgpu the ReLU runs inside batch norm's kernels; elsewhere tf.relu after it.
      const relu = spec.activation === 'relu';
      const bn = (relu ? batchNormReluTraining : batchNormTraining)(conv, block.gamma, block.beta, spec.bnEpsilon);
      batchStatistics.push({ mean: bn.mean, variance: bn.variance });
      h = relu ? bn.y : tf.leakyRelu(bn.y, spec.leakySlope);
    } else {
      const out = inferenceBlock(conv, block, spec, measureFeatures);
      h = out.y;
      if (out.statistics) features.push(out.statistics);
    }
    if (spec.poolAfter.includes(i)) h = tf.maxPool(h, 2, 2, 'valid');
  });
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(pooled, net.headWeight), net.headBias) as tf.Tensor2D;
  return { logits, features, batchStatistics };
}

/** Moves the running statistics towards the batch statistics (PyTorch convention, unbiased variance). */
export function updateRunningStatistics(net: Network, stats: ForwardResult['batchStatistics'], batchSize: number, flush = true): void {
  const m = net.spec.bnMomentum;
  const sizes = blockSizes(net.spec);
  tf.tidy(() => {
    net.blocks.forEach((block, i) => {
      const n = batchSize * sizes[i][0] * sizes[i][1];
      const unbias = n > 1 ? n / (n - 1) : 1;
      // One kernel on webgpu (both tensors, flushed: one dispatch instead of eight); the ops elsewhere.
      const fused = runningStatisticsKernel({ mean: block.runningMean, variance: block.runningVariance }, stats[i], m, unbias, flush);
      if (fused) {
        block.runningMean.assign(fused[0]);
        block.runningVariance.assign(fused[1]);
        return;
      }
      const mean = tf.add(tf.mul(block.runningMean, 1 - m), tf.mul(stats[i].mean, m)) as tf.Tensor1D;
      const variance = tf.add(tf.mul(block.runningVariance, 1 - m), tf.mul(stats[i].variance, m * unbias)) as tf.Tensor1D;
      block.runningMean.assign(flush ? flushSubnormals(mean) : mean);
      block.runningVariance.assign(flush ? flushSubnormals(variance) : variance);
    });
  });
}

// The networks: BasicNet, a stack of 3x3 Conv-BN-activation blocks with max-pooling, global
// average pooling and a linear head, built from explicit TF.js variables.
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTraining } from './backend/batch-norm.js';
import { flushSubnormals } from './backend/subnormals.js';
import type { RunConfig, ParameterGroup } from './config.js';
import type { Random } from './random.js';

/** The shape of a network: enough to build it, count it and rebuild it slimmer. */
export interface NetworkSpec {
  arch: string;
  inputShape: [number, number, number];
  /** Filters of each conv block. */
  filters: number[];
  /** Block indices followed by a 2x2 max-pool. */
  poolAfter: number[];
  classes: number;
  activation: 'relu' | 'leaky-relu';
  leakySlope: number;
  bnEpsilon: number;
  bnMomentum: number;
}

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

/** BasicNet from the paper: widths w, 2w, 2w, 4w, 4w, 8w, 8w; pooling after blocks 1, 3 and 5. */
export function basicNetSpec(config: RunConfig, inputShape: [number, number, number], classes: number): NetworkSpec {
  const w = config.model.width;
  return {
    arch: 'basicnet',
    inputShape,
    filters: [w, 2 * w, 2 * w, 4 * w, 4 * w, 8 * w, 8 * w],
    poolAfter: [0, 2, 4],
    classes,
    activation: config.model.activation,
    leakySlope: config.model.leakySlope,
    bnEpsilon: config.model.bnEpsilon,
    bnMomentum: config.model.bnMomentum,
  };
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
  const read = (v: tf.Variable) => v.dataSync() as Float32Array;
  return {
    kernels: net.blocks.map((b) => read(b.kernel).slice()),
    gammas: net.blocks.map((b) => read(b.gamma).slice()),
    betas: net.blocks.map((b) => read(b.beta).slice()),
    runningMeans: net.blocks.map((b) => read(b.runningMean).slice()),
    runningVariances: net.blocks.map((b) => read(b.runningVariance).slice()),
    headWeight: read(net.headWeight).slice(),
    headBias: read(net.headBias).slice(),
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
  /** Output of each block's activation (before pooling), when asked for. */
  activations: tf.Tensor4D[];
  /** Batch mean and biased variance of each block (training mode only). */
  batchStatistics: Array<{ mean: tf.Tensor1D; variance: tf.Tensor1D }>;
}

/**
 * The forward pass. Training mode normalises with batch statistics; inference mode with the
 * running statistics. The caller owns the returned tensors (use inside tf.tidy).
 */
export function forward(net: Network, x: tf.Tensor4D, mode: 'train' | 'infer', keepActivations = false): ForwardResult {
  const { spec } = net;
  const activations: tf.Tensor4D[] = [];
  const batchStatistics: ForwardResult['batchStatistics'] = [];
  let h = x;
  net.blocks.forEach((block, i) => {
    const conv = tf.conv2d(h, block.kernel, 1, 'same');
    let normed: tf.Tensor4D;
    if (mode === 'train') {
      const bn = batchNormTraining(conv, block.gamma, block.beta, spec.bnEpsilon);
      normed = bn.y;
      batchStatistics.push({ mean: bn.mean, variance: bn.variance });
    } else {
      normed = tf.batchNorm4d(conv, block.runningMean, block.runningVariance, block.beta, block.gamma, spec.bnEpsilon);
    }
    h = spec.activation === 'relu' ? tf.relu(normed) : tf.leakyRelu(normed, spec.leakySlope);
    if (keepActivations) activations.push(h);
    if (spec.poolAfter.includes(i)) h = tf.maxPool(h, 2, 2, 'valid');
  });
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(pooled, net.headWeight), net.headBias) as tf.Tensor2D;
  return { logits, activations, batchStatistics };
}

/** Moves the running statistics towards the batch statistics (PyTorch convention, unbiased variance). */
export function updateRunningStatistics(net: Network, stats: ForwardResult['batchStatistics'], batchSize: number, flush = true): void {
  const m = net.spec.bnMomentum;
  const sizes = blockSizes(net.spec);
  tf.tidy(() => {
    net.blocks.forEach((block, i) => {
      const n = batchSize * sizes[i][0] * sizes[i][1];
      const unbias = n > 1 ? n / (n - 1) : 1;
      const mean = tf.add(tf.mul(block.runningMean, 1 - m), tf.mul(stats[i].mean, m)) as tf.Tensor1D;
      const variance = tf.add(tf.mul(block.runningVariance, 1 - m), tf.mul(stats[i].variance, m * unbias)) as tf.Tensor1D;
      block.runningMean.assign(flush ? flushSubnormals(mean) : mean);
      block.runningVariance.assign(flush ? flushSubnormals(variance) : variance);
    });
  });
}

/** Spatial size of each block's output (before its pooling). */
export function blockSizes(spec: NetworkSpec): Array<[number, number]> {
  let [h, w] = spec.inputShape;
  return spec.filters.map((_, i) => {
    const size: [number, number] = [h, w];
    if (spec.poolAfter.includes(i)) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
    return size;
  });
}

/** Trainable parameters: conv kernels, BN scale and shift, and the head. */
export function parameterCount(spec: NetworkSpec): number {
  let inChannels = spec.inputShape[2];
  let total = 0;
  for (const out of spec.filters) {
    total += 9 * inChannels * out + 2 * out;
    inChannels = out;
  }
  return total + inChannels * spec.classes + spec.classes;
}

/** FLOPs of one image's forward pass: 2 x multiply-accumulates of the conv and linear layers. */
export function flopCount(spec: NetworkSpec): number {
  const sizes = blockSizes(spec);
  let inChannels = spec.inputShape[2];
  let macs = 0;
  spec.filters.forEach((out, i) => {
    macs += sizes[i][0] * sizes[i][1] * 9 * inChannels * out;
    inChannels = out;
  });
  macs += inChannels * spec.classes;
  return 2 * macs;
}

// Pruning: removes the dead filters (and the matching input channels of the next layer),
// rebuilds a slim network, and measures what it saves.
import * as tf from '@tensorflow/tfjs-core';
import { buildNetwork, forward, readWeightsReads, type Network, type NetworkWeights } from './model.js';
import { readSync, type Reads } from './backend/readback.js';
import { gatherBatch, type ImageBatchSource } from './train.js';

/** Filters each layer keeps: all but the dead ones, and at least one (a layer cannot be empty). */
export function keptFilters(filters: number[], dead: number[][]): number[][] {
  return filters.map((n, layer) => {
    const gone = new Set(dead[layer]);
    const keep = Array.from({ length: n }, (_, i) => i).filter((i) => !gone.has(i));
    return keep.length > 0 ? keep : [0];
  });
}

function pick(values: Float32Array, keep: number[]): Float32Array {
  return Float32Array.from(keep, (i) => values[i]);
}

/** Slices a [3,3,in,out] kernel to the kept input and output channels. */
function pickKernel(kernel: Float32Array, inChannels: number, outChannels: number, keepIn: number[], keepOut: number[]): Float32Array {
  const out = new Float32Array(9 * keepIn.length * keepOut.length);
  let o = 0;
  for (let k = 0; k < 9; k++) {
    for (const ci of keepIn) {
      const base = (k * inChannels + ci) * outChannels;
      for (const co of keepOut) out[o++] = kernel[base + co];
    }
  }
  return out;
}

/** The network without the given filters; the original is left untouched. */
export function pruneNetwork(net: Network, dead: number[][]): { slim: Network; keep: number[][] } {
  return readSync(pruneNetworkReads(net, dead));
}

export function* pruneNetworkReads(net: Network, dead: number[][]): Reads<{ slim: Network; keep: number[][] }> {
  const { spec } = net;
  const keep = keptFilters(spec.filters, dead);
  const w = yield* readWeightsReads(net);
  let inChannels = spec.inputShape[2];
  let keepIn = Array.from({ length: inChannels }, (_, i) => i);
  const slimWeights: NetworkWeights = {
    kernels: [],
    gammas: [],
    betas: [],
    runningMeans: [],
    runningVariances: [],
    headWeight: new Float32Array(0),
    headBias: w.headBias,
  };
  spec.filters.forEach((outChannels, layer) => {
    const keepOut = keep[layer];
    slimWeights.kernels.push(pickKernel(w.kernels[layer], inChannels, outChannels, keepIn, keepOut));
    slimWeights.gammas.push(pick(w.gammas[layer], keepOut));
    slimWeights.betas.push(pick(w.betas[layer], keepOut));
    slimWeights.runningMeans.push(pick(w.runningMeans[layer], keepOut));
    slimWeights.runningVariances.push(pick(w.runningVariances[layer], keepOut));
    inChannels = outChannels;
    keepIn = keepOut;
  });
  const head = new Float32Array(keepIn.length * spec.classes);
  keepIn.forEach((ci, r) => head.set(w.headWeight.subarray(ci * spec.classes, (ci + 1) * spec.classes), r * spec.classes));
  slimWeights.headWeight = head;
  const slim = buildNetwork({ ...spec, filters: keep.map((k) => k.length) }, slimWeights);
  return { slim, keep };
}

/** Largest |logit difference| between two networks over the first `count` images (inference mode). */
export function maxLogitDifference(a: Network, b: Network, source: ImageBatchSource, count: number, batchSize = 500): number {
  return readSync(maxLogitDifferenceReads(a, b, source, count, batchSize));
}

export function* maxLogitDifferenceReads(a: Network, b: Network, source: ImageBatchSource, count: number, batchSize = 500): Reads<number> {
  let worst = 0;
  const n = Math.min(count, source.count);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const idx = Uint32Array.from({ length: size }, (_, i) => start + i);
    const { x, y } = gatherBatch(source, idx, a.spec.inputShape, a.spec.classes);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(forward(a, x, 'infer').logits, forward(b, x, 'infer').logits))));
    tf.dispose([x, y]);
    try {
      worst = Math.max(worst, (yield [diff])[0][0]);
    } finally {
      diff.dispose();
    }
  }
  return worst;
}

/**
 * Measured inference images/s of two networks on the same batch: rounds alternate between them
 * so that both see the same machine load (another worker, say), and each network's median round
 * is reported.
 */
export function compareThroughput(a: Network, b: Network, source: ImageBatchSource, batchSize: number, rounds = 7, roundSeconds = 0.4): [number, number] {
  const idx = Uint32Array.from({ length: Math.min(batchSize, source.count) }, (_, i) => i);
  const { x, y } = gatherBatch(source, idx, a.spec.inputShape, a.spec.classes);
  const rate = (net: Network) => {
    const run = () => tf.tidy(() => forward(net, x, 'infer').logits.dataSync());
    let images = 0;
    const start = performance.now();
    while (images === 0 || performance.now() - start < roundSeconds * 1000) {
      run();
      images += idx.length;
    }
    return images / ((performance.now() - start) / 1000);
  };
  rate(a);
  rate(b);
  const ra: number[] = [];
  const rb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ra.push(rate(a));
    rb.push(rate(b));
  }
  tf.dispose([x, y]);
  return [median(ra), median(rb)];
}

/** compareThroughput where reads are asynchronous (webgpu): each batch's logits are awaited. */
export async function compareThroughputAsync(
  a: Network,
  b: Network,
  source: ImageBatchSource,
  batchSize: number,
  rounds = 7,
  roundSeconds = 0.4,
): Promise<[number, number]> {
  const idx = Uint32Array.from({ length: Math.min(batchSize, source.count) }, (_, i) => i);
  const { x, y } = gatherBatch(source, idx, a.spec.inputShape, a.spec.classes);
  const rate = async (net: Network) => {
    let images = 0;
    const start = performance.now();
    while (images === 0 || performance.now() - start < roundSeconds * 1000) {
      const logits = tf.tidy(() => forward(net, x, 'infer').logits);
      await logits.data();
      logits.dispose();
      images += idx.length;
    }
    return images / ((performance.now() - start) / 1000);
  };
  await rate(a);
  await rate(b);
  const ra: number[] = [];
  const rb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ra.push(await rate(a));
    rb.push(await rate(b));
  }
  tf.dispose([x, y]);
  return [median(ra), median(rb)];
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];

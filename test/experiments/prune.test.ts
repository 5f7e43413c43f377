// The slim network without the dead filters computes the same logits as the original.
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compareThroughput, keptFilters, maxLogitDifference, pruneNetwork } from '../../experiments/prune.js';
import { disposeNetwork, parameterCount, flopCount, forward } from '../../experiments/model.js';
import { handBuiltNetwork, probeImages, SPEC } from './hand-built-network.js';
import { createRandom } from '../../experiments/random.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('pruning', () => {
  it('keeps every filter but the dead ones, and at least one per layer', () => {
    expect(keptFilters([3, 2], [[2], [1]])).toEqual([[0, 1], [0]]);
    expect(keptFilters([2], [[0, 1]])).toEqual([[0]]);
  });

  it('gives the same logits on inputs where the removed filters are dead', () => {
    const net = handBuiltNetwork();
    const { slim, keep } = pruneNetwork(net, [[2], [1]]);
    expect(keep).toEqual([[0, 1], [0]]);
    expect(slim.spec.filters).toEqual([2, 1]);
    // Random images too: the removed filters have zero kernels and negative beta, dead on any input.
    const random = createRandom(1, 'test');
    const images = Float32Array.from({ length: 16 * 16 }, () => random.normal());
    const source = { images, labels: new Int32Array(16), count: 16 };
    expect(maxLogitDifference(net, slim, probeImages(), 4)).toBeLessThan(1e-6);
    expect(maxLogitDifference(net, slim, source, 16)).toBeLessThan(1e-6);
    const logits = tf.tidy(() => forward(slim, tf.tensor4d(images, [16, 4, 4, 1]), 'infer').logits.arraySync());
    expect(logits.every((row) => row.every(Number.isFinite))).toBe(true);
    disposeNetwork(net);
    disposeNetwork(slim);
  });

  it('changes the logits when a live filter is removed (the check can fail)', () => {
    const net = handBuiltNetwork();
    const { slim } = pruneNetwork(net, [[0], []]);
    expect(maxLogitDifference(net, slim, probeImages(), 4)).toBeGreaterThan(0.1);
    disposeNetwork(net);
    disposeNetwork(slim);
  });

  it('counts parameters and FLOPs by hand', () => {
    // conv0: 9*1*3 + 2*3 = 33; conv1: 9*3*2 + 2*2 = 58; head: 2*2 + 2 = 6.
    expect(parameterCount(SPEC)).toBe(97);
    // conv0 at 4x4: 16*9*1*3 = 432 MACs; conv1 at 2x2: 4*9*3*2 = 216; head 2*2 = 4; x2.
    expect(flopCount(SPEC)).toBe(2 * (432 + 216 + 4));
    expect(parameterCount({ ...SPEC, filters: [2, 1] })).toBe(9 * 2 + 4 + 9 * 2 + 2 + 1 * 2 + 2);
  });

  // The speeds themselves depend on the machine (bench/ measures them); what must hold anywhere is
  // that timing two networks leaves no tensor behind and changes neither network.
  it('times both networks without leaking tensors or changing either', () => {
    const net = handBuiltNetwork();
    const { slim } = pruneNetwork(net, [[2], [1]]);
    const logits = () => tf.tidy(() => [net, slim].map((n) => forward(n, tf.tensor4d(probeImages().images, [4, 4, 4, 1]), 'infer').logits.arraySync()));
    const before = logits();
    const tensors = tf.memory().numTensors;
    const rates = compareThroughput(net, slim, probeImages(), 4, 3, 0.01);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(rates.every(Number.isFinite)).toBe(true);
    expect(logits()).toEqual(before);
    disposeNetwork(net);
    disposeNetwork(slim);
  });
});

// Sparsity and selectivity measured on a hand-built network whose dead filters are known.
import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { evaluate, layerMeasurements, measureMechanism } from '../../experiments/measure.js';
import { DEFAULT_THRESHOLDS, networkSparsity } from '../../data/definitions.js';
import { disposeNetwork } from '../../experiments/model.js';
import { gatherBatch } from '../../experiments/train.js';
import { handBuiltNetwork, probeImages } from './hand-built-network.js';
import { setNativeKernels } from '../../experiments/backend/native.js';
import { setup } from './backend/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('measurements on a hand-built network', () => {
  it('finds the dead filters by both criteria and the selectivity of each', () => {
    const net = handBuiltNetwork();
    const layers = layerMeasurements(net, evaluate(net, probeImages(), { filters: true, batchSize: 3 }), DEFAULT_THRESHOLDS);
    expect(layers[0].deadByGamma).toEqual([1, 2]);
    expect(layers[0].deadByActivation).toEqual([2]);
    expect(layers[1].deadByGamma).toEqual([]);
    expect(layers[1].deadByActivation).toEqual([1]);
    expect(layers[0].selectivity).toEqual([0.5, 1, 0]);
    expect(layers[1].selectivity).toEqual([0.5, 0]);
    // Lifetime sparseness, by hand. Layer 0 filter 0 responds 1/s, 0, (2/s)/16, 0 to the four
    // images (s = sqrt(1 + 1e-5) cancels): mean^2 / mean(r^2) = (1.125^2/16) / (1.015625/4).
    const ls = (ratio: number) => (1 - ratio) / (1 - 1 / 4);
    expect(layers[0].lifetimeSparseness![0]).toBeCloseTo(ls(1.265625 / 16 / (1.015625 / 4)), 5);
    // Filter 1 responds about 0.5 to every image (beta 0.5, gamma 5e-4): nearly 0.
    expect(layers[0].lifetimeSparseness![1]).toBeLessThan(1e-5);
    // Filter 2 never responds: undefined.
    expect(layers[0].lifetimeSparseness![2]).toBeNull();
    // Layer 1 filter 0 sees the pooled layer-0 filter 0: 1/s^2, 0, (2/s^2)/4, 0.
    expect(layers[1].lifetimeSparseness![0]).toBeCloseTo(ls(1.5 ** 2 / 16 / (1.25 / 4)), 5);
    expect(layers[1].lifetimeSparseness![1]).toBeNull();
    // Only the probe's evaluation keeps per-image maxima: no paper selectivity without them.
    expect(layers[0].paperSelectivity).toBeUndefined();
    // Peak of filter (0,0) is the +2 pixel; filter (0,1) is 0.5 + 5e-4 * 2 / sqrt(1 + 1e-5) at most.
    expect(layers[0].peak[0]).toBeCloseTo(2 / Math.sqrt(1 + 1e-5), 5);
    expect(layers[0].peak[1]).toBeCloseTo(0.5 + 1e-3 / Math.sqrt(1 + 1e-5), 5);
    const byActivation = networkSparsity(layers.map((l) => ({ dead: l.deadByActivation.length, filters: l.filters })));
    const byGamma = networkSparsity(layers.map((l) => ({ dead: l.deadByGamma.length, filters: l.filters })));
    expect(byActivation).toBeCloseTo(2 / 5, 10);
    expect(byGamma).toBeCloseTo(2 / 5, 10);
    disposeNetwork(net);
  });

  it("the paper's selectivity: the share of images whose maximum |activation| is under 1e-3 of the filter's largest", () => {
    for (const activation of ['relu', 'leaky-relu'] as const) {
      const net = handBuiltNetwork(activation);
      const layers = layerMeasurements(net, evaluate(net, probeImages(), { filters: true, batchSize: 3, imageMaxima: true }), DEFAULT_THRESHOLDS);
      if (activation === 'relu') {
        // Filter (0,0) answers images 1 and 3 (maxima 1/s and 2/s) and not 2 and 4: half the images are below.
        expect(layers[0].paperSelectivity).toEqual([0.5, 0, null]);
        expect(layers[1].paperSelectivity).toEqual([0.5, null]);
      } else {
        // The leak answers every image: filter (0,0)'s smallest maximum is 0.01/s against 2/s (0.005 > 1e-3),
        // and filter (0,2) reads -0.01 everywhere: |activation| 0.01 on every image.
        expect(layers[0].paperSelectivity).toEqual([0, 0, 0]);
      }
      disposeNetwork(net);
    }
  });

  it('leaky ReLU leaves no filter dead by activation where ReLU kills it', () => {
    const net = handBuiltNetwork('leaky-relu');
    const layers = layerMeasurements(net, evaluate(net, probeImages(), { filters: true }), DEFAULT_THRESHOLDS);
    // Negative outputs are not zero under leaky ReLU: only the zero-kernel filters whose BN output is 0 stay dead.
    expect(layers[0].deadByActivation).toEqual([]);
    expect(layers[1].deadByActivation).toEqual([]);
    expect(layers[0].selectivity).toEqual([0.5, 1, 0]);
    // The negative leak is no response: filter 0 reads as under ReLU, filter 2 (output -0.01) as none.
    expect(layers[0].lifetimeSparseness![0]).toBeCloseTo((1 - 1.265625 / 16 / (1.015625 / 4)) / 0.75, 5);
    expect(layers[0].lifetimeSparseness![2]).toBeNull();
    disposeNetwork(net);
  });

  it('gives the loss and accuracy worked out by hand from the weights', () => {
    const net = handBuiltNetwork();
    const ev = evaluate(net, probeImages(), { filters: false, batchSize: 3 });
    // Pooled features: [1/s^2, 0], [0, 0], [0.5/s^2, 0], [0, 0] with s = sqrt(1 + 1e-5);
    // logits = f0 * [1, -1] + [0.1, -0.1], so every image is put in class 0 (labels 0, 1, 0, 1).
    const s2 = 1 + 1e-5;
    const ce = (a: number, label: number) => Math.log(1 + Math.exp(label === 0 ? -2 * a : 2 * a));
    const want = (ce(1 / s2 + 0.1, 0) + ce(0.1, 1) + ce(0.5 / s2 + 0.1, 0) + ce(0.1, 1)) / 4;
    expect(ev.images).toBe(4);
    expect(ev.accuracy).toBe(0.5);
    expect(ev.loss).toBeCloseTo(want, 5);
    disposeNetwork(net);
  });

  it('mechanism: regularization gradient is strength * |w| and a dead filter gets no data gradient', () => {
    const net = handBuiltNetwork();
    const { x, y } = gatherBatch(probeImages(), [0, 1, 2, 3], [4, 4, 1], 2);
    const m = measureMechanism(net, x, y, { conv: 0.01, gamma: 0.02 });
    expect(m[0].regGradGamma).toEqual([0.02, 1e-5, 0]);
    expect(m[0].regGradKernel[0]).toBeCloseTo(0.01, 8);
    expect(m[1].regGradKernel[1]).toBe(0);
    // Layer-1 filter 1 outputs zero before the ReLU only in inference mode; in training mode its
    // BN input is constant zero, so its normalised value is 0 and relu(beta=-0.1) = 0: no gradient.
    expect(m[1].dataGradGamma[1]).toBe(0);
    expect(m[1].dataGradKernel[1]).toBe(0);
    tf.dispose([x, y]);
    disposeNetwork(net);
  });
});

describe('measurements on wasm: the compiled inference pass (backend/inference-block.ts)', () => {
  beforeAll(setup);
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
  for (const activation of ['relu', 'leaky-relu'] as const) {
    it(`${activation}: gives the stock kernels' evaluation to the bit, and the hand-worked dead filters`, async () => {
      await tf.setBackend('wasm');
      const net = handBuiltNetwork(activation);
      const compiled = evaluate(net, probeImages(), { filters: true, batchSize: 3 });
      setNativeKernels(false);
      let stock: ReturnType<typeof evaluate>;
      try {
        stock = evaluate(net, probeImages(), { filters: true, batchSize: 3 });
      } finally {
        setNativeKernels(true);
      }
      expect(compiled).toEqual(stock);
      const layers = layerMeasurements(net, compiled, DEFAULT_THRESHOLDS);
      expect(layers[0].deadByActivation).toEqual(activation === 'relu' ? [2] : []);
      expect(layers[0].selectivity).toEqual([0.5, 1, 0]);
      disposeNetwork(net);
    });
  }
});

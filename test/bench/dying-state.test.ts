// The benchmark's dying network: its state file round-trips every bit (the subnormal values are
// the point), and the committed state restores into the dying run's network with the subnormal
// parameters it was recorded with.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dyingRunConfig, readDyingState, restoreDyingState, subnormalCounts, writeDyingState } from '../../bench/dying-state.js';
import { resolveConfig } from '../../experiments/config.js';
import { basicNetSpec, buildNetwork, disposeNetwork, initialWeights, trainables } from '../../experiments/model.js';
import { createOptimizer } from '../../experiments/optimizers.js';
import { createRandom } from '../../experiments/random.js';
import { stateTensors } from '../../experiments/snapshot.js';

vi.setConfig({ testTimeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'dying-state-'));
beforeAll(() => tf.setBackend('cpu'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(config = dyingRunConfig(), seed = 0) {
  const spec = basicNetSpec(config, [28, 28, 1], 10);
  const net = buildNetwork(spec, initialWeights(spec, createRandom(seed, 'dying-test')));
  const optimizer = createOptimizer(config, trainables(net), { flushSubnormals: false });
  return { net, optimizer, dispose: () => (optimizer.dispose(), disposeNetwork(net)) };
}

describe('the dying-network state', () => {
  it('round-trips every bit, subnormal values included', () => {
    const config = resolveConfig({ model: { width: 4 }, optimizer: { name: 'rmsprop', lr: 1e-3 } });
    const a = build(config, 1);
    const kernel = a.net.blocks[5].kernel;
    const values = kernel.dataSync().slice() as Float32Array;
    for (let i = 0; i < values.length; i += 3) values[i] = (i % 2 ? -1 : 1) * 2e-40 * (1 + (i % 5));
    kernel.assign(tf.tensor(values, kernel.shape));
    const path = join(dir, 'state.bin.br');
    const written = writeDyingState(path, a.net, a.optimizer, 123, config);
    expect(written['conv5/kernel']).toBe(Math.ceil(values.length / 3));
    const state = readDyingState(path);
    expect(state.iteration).toBe(123);
    const b = build(config, 2);
    restoreDyingState(state, b.net, b.optimizer);
    expect(b.optimizer.iterations).toBe(123);
    const before = stateTensors(a.net, a.optimizer);
    for (const [name, v] of stateTensors(b.net, b.optimizer)) {
      const bits = new Int32Array((v.dataSync() as Float32Array).slice().buffer);
      const expected = new Int32Array((before.get(name)!.dataSync() as Float32Array).slice().buffer);
      expect(Array.from(bits), name).toEqual(Array.from(expected));
    }
    expect(subnormalCounts(b.net, b.optimizer)).toEqual(written);
    a.dispose();
    b.dispose();
  });

  it('the committed state restores into the dying run network with its recorded subnormal values', () => {
    const state = readDyingState();
    expect(state.config).toMatchObject({ optimizer: { name: 'rmsprop', lr: 1e-3 }, regularization: { kind: 'l2', strength: 5e-4 } });
    const { net, optimizer, dispose } = build(dyingRunConfig(64));
    restoreDyingState(state, net, optimizer);
    const counts = subnormalCounts(net, optimizer);
    expect(counts).toEqual(state.subnormals);
    expect(counts['conv5/kernel'] ?? 0).toBeGreaterThan(0);
    expect(counts['conv6/kernel'] ?? 0).toBeGreaterThan(0);
    dispose();
  });
});

// No tensor or wasm buffer may leak: counts stay flat across training iterations on wasm.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { batchNormTraining } from '../../../experiments/backend/batch-norm.js';
import { setup } from './helpers.js';
import { resolveConfig } from '../../../experiments/config.js';
import { basicNetSpec, initialWeights } from '../../../experiments/model.js';
import { Trainer } from '../../../experiments/stepper.js';
import { createRandom } from '../../../experiments/random.js';

vi.setConfig({ testTimeout: 60_000 });
beforeAll(setup);

/** Buffers the wasm backend holds (tensors kept by the engine and the backend's own). */
function wasmBuffers(): number {
  return tf.backend().numDataIds();
}

/** A small Conv-BN-ReLU-pool network and an Adam step on it, exercising every project kernel. */
function tinyTrainer() {
  const vars = {
    k1: tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.5)),
    g1: tf.variable(tf.ones([4])),
    b1: tf.variable(tf.zeros([4])),
    k2: tf.variable(tf.randomNormal([3, 3, 4, 8], 0, 0.3)),
    g2: tf.variable(tf.ones([8])),
    b2: tf.variable(tf.zeros([8])),
    w: tf.variable(tf.randomNormal([8, 3], 0, 0.3)),
  };
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([4, 9, 7, 1]) as tf.Tensor4D;
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
  const step = () => {
    const cost = optimizer.minimize(() => {
      let h = tf.conv2d(x, vars.k1 as tf.Tensor4D, 1, 'same');
      const bn1 = batchNormTraining(h, vars.g1 as tf.Tensor1D, vars.b1 as tf.Tensor1D, 1e-5);
      h = tf.maxPool(tf.relu(bn1.y), 2, 2, 'valid');
      h = tf.conv2d(h, vars.k2 as tf.Tensor4D, 2, 'same');
      const bn2 = batchNormTraining(h, vars.g2 as tf.Tensor1D, vars.b2 as tf.Tensor1D, 1e-5);
      const pooled = tf.mean(tf.relu(bn2.y), [1, 2]);
      return tf.losses.softmaxCrossEntropy(labels, tf.matMul(pooled, vars.w)) as tf.Scalar;
    }, true);
    cost?.dispose();
  };
  const dispose = () => {
    optimizer.dispose();
    tf.dispose([...Object.values(vars), x, labels]);
  };
  return { step, dispose };
}

describe('no leaks on wasm', () => {
  it('tensor and buffer counts stay flat across training steps of a small network', () => {
    tf.setBackend('wasm');
    const trainer = tinyTrainer();
    for (let i = 0; i < 3; i++) trainer.step(); // optimizer slots appear on the first step
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers();
    for (let i = 0; i < 10; i++) trainer.step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers()).toBe(buffers);
    trainer.dispose();
  });

  it('tensor and buffer counts stay flat across the project training step (BasicNet, Adam + L2)', () => {
    tf.setBackend('wasm');
    const config = resolveConfig({
      model: { width: 4 },
      optimizer: { name: 'adam' },
      regularization: { kind: 'l2', strength: 5e-4 },
      training: { batchSize: 8 },
    });
    const spec = basicNetSpec(config, [28, 28, 1], 10);
    const trainer = new Trainer(config, { shape: [28, 28, 1], classes: 10 }, { weights: initialWeights(spec, createRandom(0, 'leak')) });
    const x = tf.randomNormal([8, 28, 28, 1]) as tf.Tensor4D;
    const y = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10), 'float32') as tf.Tensor2D;
    for (let i = 0; i < 2; i++) trainer.step({ x, y });
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers();
    for (let i = 0; i < 10; i++) trainer.step({ x, y });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers()).toBe(buffers);
    trainer.dispose();
    tf.dispose([x, y]);
  });
});

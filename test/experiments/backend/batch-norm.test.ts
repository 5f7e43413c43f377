// batchNormTraining (its custom gradient and the wasm channel kernels) against tfjs's own
// batch norm with autodiff on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it, vi } from 'vitest';
import { batchNormTraining } from '../../../experiments/backend/batch-norm.js';
import { expectClose, randomArray, runOn, setup, type Plain } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });
beforeAll(setup);

const EPSILON = 1e-5;

/** Outputs and gradients of sum(mix * y) w.r.t. x, gamma, beta, with our batch norm. */
function ours(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, mix: tf.Tensor): tf.Tensor[] {
  const bn = batchNormTraining(x as tf.Tensor4D, gamma as tf.Tensor1D, beta as tf.Tensor1D, EPSILON);
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, EPSILON).y, mix)),
  )([x, gamma, beta]);
  return [bn.y, bn.mean, bn.variance, ...grads];
}

/** The same from tf.moments + tf.batchNorm4d, differentiated by tfjs. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, mix: tf.Tensor): tf.Tensor[] {
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    return tf.batchNorm4d(a as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, EPSILON);
  };
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), mix)))([x, gamma, beta]);
  return [f(x, gamma, beta), mean, variance, ...grads];
}

const NAMES = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];

describe('batchNormTraining', () => {
  const shapes = [
    [2, 7, 5, 3],
    [8, 14, 14, 32],
    [1, 3, 3, 128],
    [4, 6, 6, 1],
  ];
  for (const shape of shapes) {
    const c = shape[3];
    // Offset and scaled inputs: the statistics must not lose precision to a large mean.
    const x = randomArray(shape, `bn x ${shape}`);
    x.values.forEach((v, i) => (x.values[i] = 3 + 2 * v));
    const inputs: Plain[] = [x, randomArray([c], `bn gamma ${shape}`), randomArray([c], `bn beta ${shape}`), randomArray(shape, `bn mix ${shape}`)];
    const expected = runOn('cpu', inputs, reference);

    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${shape.join('x')} on ${backend}: y, statistics and gradients equal tfjs autodiff`, () => {
        const actual = runOn(backend, inputs, ours);
        expected.forEach((e, i) => expectClose(actual[i], e, `${NAMES[i]} on ${backend}`));
      });
    }
  }
});

// Batch normalisation in training mode (batch statistics), the op every Conv-BN block uses,
// with its gradient written out (tf.customGrad): a handful of fast ops instead of autodiff's dozens.
import * as tf from '@tensorflow/tfjs-core';
import { batchNormGrad, channelAffine, channelMoments } from './channel-ops.js';

export interface BatchNormTraining {
  y: tf.Tensor4D;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * y = gamma * (x - mean) / sqrt(var + eps) + beta with the batch's biased mean and variance.
 * Gradients flow to x (through the batch statistics too), gamma and beta; mean and variance
 * are returned for the running statistics and carry no gradient.
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): BatchNormTraining {
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | null = null;
  const normalize = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xs, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance } = channelMoments(xs);
    // Kept past the customGrad's own tidy; cloned into the caller's scope below.
    stats = { mean: tf.keep(mean), variance: tf.keep(variance) };
    const invstd = tf.rsqrt(tf.add(variance, epsilon)) as tf.Tensor1D;
    const scale = tf.mul(g, invstd) as tf.Tensor1D;
    const shift = tf.sub(b, tf.mul(mean, scale)) as tf.Tensor1D;
    save([xs, g, mean, invstd]);
    return {
      value: channelAffine(xs, scale, shift),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, smean, sinvstd] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        return batchNormGrad(dy as tf.Tensor4D, sx, sg, smean, sinvstd);
      },
    };
  });
  const y = normalize(x, gamma, beta) as tf.Tensor4D;
  const kept = stats as unknown as { mean: tf.Tensor1D; variance: tf.Tensor1D };
  // Identity copies are tracked by the caller's scope and sit on no gradient path.
  const mean = tf.clone(kept.mean);
  const variance = tf.clone(kept.variance);
  tf.dispose([kept.mean, kept.variance]);
  return { y, mean, variance };
}

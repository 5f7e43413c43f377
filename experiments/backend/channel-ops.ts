// Per-channel statistics and affine maps of NHWC tensors: the work of batch normalisation,
// written with ops that the wasm backend runs through XNNPACK (global average pooling for the
// sums, broadcast multiply-adds), which beats both tf.moments and plain loops over the heap.
import * as tf from '@tensorflow/tfjs-core';

/** Per-channel sums of an NHWC tensor: a global average pool per image, then a small sum. */
function channelSums(x: tf.Tensor4D): tf.Tensor1D {
  const [, h, w, c] = x.shape;
  const perImage = tf.avgPool(x, [h, w], 1, 'valid');
  return tf.mul(tf.sum(tf.reshape(perImage, [-1, c]), 0), h * w) as tf.Tensor1D;
}

/** Batch mean and biased variance of every channel (last axis) of x. */
export function channelMoments(x: tf.Tensor4D): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  return tf.tidy(() => {
    const n = x.size / x.shape[3];
    const mean = tf.div(channelSums(x), n) as tf.Tensor1D;
    // Two passes (centred squares) keep the variance exact when the mean is large.
    const variance = tf.div(channelSums(tf.squaredDifference(x, mean) as tf.Tensor4D), n) as tf.Tensor1D;
    return { mean, variance };
  });
}

/** x * scale[c] + shift[c]. */
export function channelAffine(x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.mul(x, scale), shift) as tf.Tensor4D);
}

/**
 * Gradients of y = gamma * (x - mean) * invstd + beta with batch statistics, w.r.t. x, gamma and
 * beta: dx = gamma*invstd/N * (N*dy - sum(dy) - xhat*sum(dy*xhat)), dgamma = sum(dy*xhat),
 * dbeta = sum(dy), sums over all but the channel axis.
 */
export function batchNormGrad(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  mean: tf.Tensor1D,
  invstd: tf.Tensor1D,
): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  return tf.tidy(() => {
    const n = x.size / x.shape[3];
    const centred = tf.sub(x, mean) as tf.Tensor4D;
    const dbeta = channelSums(dy);
    const dgamma = tf.mul(channelSums(tf.mul(dy, centred) as tf.Tensor4D), invstd) as tf.Tensor1D;
    // dx = k1*dy + k2*(x - mean) + k3 with per-channel k1 = gamma*invstd,
    // k2 = -gamma*invstd^2*dgamma/N, k3 = -gamma*invstd*dbeta/N.
    const k1 = tf.mul(gamma, invstd);
    const k2 = tf.div(tf.neg(tf.mul(tf.mul(k1, invstd), dgamma)), n);
    const k3 = tf.div(tf.neg(tf.mul(k1, dbeta)), n);
    const dx = tf.add(tf.add(tf.mul(dy, k1), tf.mul(centred, k2)), k3) as tf.Tensor4D;
    return [dx, dgamma, dbeta] as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
  });
}

// Per-channel statistics and affine maps of NHWC tensors: the work of batch normalisation,
// written with ops that the wasm backend runs through XNNPACK (global average pooling for the
// sums, broadcast multiply-adds), which beats both tf.moments and plain loops over the heap. On
// wasm the element passes (the affine map, the centred product, the input gradient) run compiled
// (native/kernels.c), each the ops' float32 operations in their order in one pass: the same bits.
import * as tf from '@tensorflow/tfjs-core';
import { address, asWasm } from './heap.js';
import { activeNativeKernels, nativeKernels, type NativeKernels } from './native.js';

const AFFINE_KERNEL = 'ProjectChannelAffine';
const CENTRED_PRODUCT_KERNEL = 'ProjectCentredProduct';
const AFFINE_GRAD_KERNEL = 'ProjectChannelAffineGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

/** An NHWC tensor as rows (all but the last axis) of channels. */
export function rowsAndChannels(x: tf.TensorInfo): [number, number] {
  const c = x.shape[x.shape.length - 1];
  return [x.shape.reduce((a, b) => a * b, 1) / c, c];
}

/** A kernel with one output shaped like `x`, computed by `run(at, m, c, out)` on heap addresses. */
function elementKernel(
  name: string,
  run: (native: NativeKernels, at: (t: tf.TensorInfo) => number, inputs: Record<string, tf.TensorInfo>, m: number, c: number, out: number) => void,
): void {
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend: b }: KernelArgs) => {
      const backend = asWasm(b);
      const x = inputs.x as tf.TensorInfo;
      const [m, c] = rowsAndChannels(x);
      const out = backend.makeOutput([...x.shape], 'float32');
      run(nativeKernels(backend)!, (t) => address(backend, t), inputs as Record<string, tf.TensorInfo>, m, c, address(backend, out));
      return out;
    }) as unknown as tf.KernelFunc,
  });
}

let registered = false;

function compiledHere(): boolean {
  if (!activeNativeKernels()) return false;
  if (!registered) {
    registered = true;
    elementKernel(AFFINE_KERNEL, (native, at, i, m, c, out) => native.channel_affine_forward(at(i.x), at(i.scale), at(i.shift), m, c, out));
    elementKernel(CENTRED_PRODUCT_KERNEL, (native, at, i, m, c, out) => native.centred_product(at(i.x), at(i.dy), at(i.mean), m, c, out));
    elementKernel(AFFINE_GRAD_KERNEL, (native, at, i, m, c, out) =>
      native.channel_affine_backward(at(i.x), at(i.dy), at(i.mean), at(i.k1), at(i.k2), at(i.k3), m, c, out),
    );
  }
  return true;
}

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
  if (compiledHere()) return tf.engine().runKernel(AFFINE_KERNEL, { x, scale, shift }) as tf.Tensor4D;
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
  const compiled = compiledHere();
  return tf.tidy(() => {
    const n = x.size / x.shape[3];
    const centred = compiled ? null : (tf.sub(x, mean) as tf.Tensor4D);
    const dbeta = channelSums(dy);
    const product = centred ? tf.mul(dy, centred) : tf.engine().runKernel(CENTRED_PRODUCT_KERNEL, { x, dy, mean });
    const dgamma = tf.mul(channelSums(product as tf.Tensor4D), invstd) as tf.Tensor1D;
    // dx = k1*dy + k2*(x - mean) + k3 with per-channel k1 = gamma*invstd,
    // k2 = -gamma*invstd^2*dgamma/N, k3 = -gamma*invstd*dbeta/N.
    const k1 = tf.mul(gamma, invstd);
    const k2 = tf.div(tf.neg(tf.mul(tf.mul(k1, invstd), dgamma)), n);
    const k3 = tf.div(tf.neg(tf.mul(k1, dbeta)), n);
    const dx = (
      centred ? tf.add(tf.add(tf.mul(dy, k1), tf.mul(centred, k2)), k3) : tf.engine().runKernel(AFFINE_GRAD_KERNEL, { x, dy, mean, k1, k2, k3 })
    ) as tf.Tensor4D;
    return [dx, dgamma, dbeta] as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
  });
}

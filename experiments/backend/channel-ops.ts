// Per-channel statistics and affine maps of NHWC tensors: the work of batch normalisation.
// On wasm they are single loops over the heap (float64 sums, one read of each input); on other
// backends the same results come from ordinary tf ops.
import * as tf from '@tensorflow/tfjs-core';
import { asWasm, f32 } from './heap.js';

export const CHANNEL_KERNELS = ['IfsChannelMoments', 'IfsChannelAffine', 'IfsBatchNormGrad'] as const;

function useKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) != null;
}

function channels(x: tf.TensorInfo): number {
  return x.shape[x.shape.length - 1];
}

/** Batch mean and biased variance of every channel (last axis) of x. */
export function channelMoments(x: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  if (useKernel('IfsChannelMoments')) {
    const [mean, variance] = tf.engine().runKernel('IfsChannelMoments', { x }) as tf.Tensor1D[];
    return { mean, variance };
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return { mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** x * scale[c] + shift[c]. */
export function channelAffine<T extends tf.Tensor>(x: T, scale: tf.Tensor1D, shift: tf.Tensor1D): T {
  if (useKernel('IfsChannelAffine')) {
    return tf.engine().runKernel('IfsChannelAffine', { x, scale, shift }) as T;
  }
  return tf.add(tf.mul(x, scale), shift) as T;
}

/**
 * Gradients of y = gamma * (x - mean) * invstd + beta with batch statistics, w.r.t. x, gamma and
 * beta: dx = gamma*invstd/N * (N*dy - sum(dy) - xhat*sum(dy*xhat)), dgamma = sum(dy*xhat),
 * dbeta = sum(dy), sums over all but the channel axis.
 */
export function batchNormGrad(
  dy: tf.Tensor,
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  mean: tf.Tensor1D,
  invstd: tf.Tensor1D,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  if (useKernel('IfsBatchNormGrad')) {
    const [dx, dgamma, dbeta] = tf.engine().runKernel('IfsBatchNormGrad', { dy, x, gamma, mean, invstd }) as tf.Tensor[];
    return [dx, dgamma as tf.Tensor1D, dbeta as tf.Tensor1D];
  }
  return tf.tidy(() => {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const n = x.size / channels(x);
    const xhat = tf.mul(tf.sub(x, mean), invstd);
    const dbeta = tf.sum(dy, axes) as tf.Tensor1D;
    const dgamma = tf.sum(tf.mul(dy, xhat), axes) as tf.Tensor1D;
    const inner = tf.sub(tf.sub(tf.mul(dy, n), dbeta), tf.mul(xhat, dgamma));
    const dx = tf.mul(inner, tf.div(tf.mul(gamma, invstd), n));
    return [dx, dgamma, dbeta] as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
  });
}

// --- wasm kernels -------------------------------------------------------------------------

type Args = { inputs: Record<string, tf.TensorInfo>; backend: unknown };

function momentsKernel({ inputs, backend }: Args): tf.TensorInfo[] {
  const { x } = inputs;
  const wasm = asWasm(backend);
  const c = channels(x);
  const meanOut = wasm.makeOutput([c], 'float32');
  const varOut = wasm.makeOutput([c], 'float32');
  const v = f32(wasm, x);
  const n = v.length / c;
  // Sums of (x - first value) keep the one-pass variance exact to float64 rounding.
  const shift = new Float64Array(c);
  const s1 = new Float64Array(c);
  const s2 = new Float64Array(c);
  for (let j = 0; j < c; j++) shift[j] = v[j];
  for (let i = 0; i < v.length; i += c) {
    for (let j = 0; j < c; j++) {
      const d = v[i + j] - shift[j];
      s1[j] += d;
      s2[j] += d * d;
    }
  }
  const mean = f32(wasm, meanOut);
  const variance = f32(wasm, varOut);
  for (let j = 0; j < c; j++) {
    const m = s1[j] / n;
    mean[j] = shift[j] + m;
    variance[j] = Math.max(0, s2[j] / n - m * m);
  }
  return [meanOut, varOut];
}

function affineKernel({ inputs, backend }: Args): tf.TensorInfo {
  const { x, scale, shift } = inputs;
  const wasm = asWasm(backend);
  const c = channels(x);
  const out = wasm.makeOutput(x.shape, 'float32');
  const y = f32(wasm, out);
  const v = f32(wasm, x);
  const a = Float32Array.from(f32(wasm, scale));
  const b = Float32Array.from(f32(wasm, shift));
  for (let i = 0; i < v.length; i += c) {
    for (let j = 0; j < c; j++) y[i + j] = v[i + j] * a[j] + b[j];
  }
  return out;
}

function batchNormGradKernel({ inputs, backend }: Args): tf.TensorInfo[] {
  const { dy, x, gamma, mean, invstd } = inputs;
  const wasm = asWasm(backend);
  const c = channels(x);
  const dxOut = wasm.makeOutput(x.shape, 'float32');
  const dgammaOut = wasm.makeOutput([c], 'float32');
  const dbetaOut = wasm.makeOutput([c], 'float32');
  const g = f32(wasm, dy);
  const v = f32(wasm, x);
  const m = f32(wasm, mean);
  const sdy = new Float64Array(c);
  const sdyx = new Float64Array(c);
  for (let i = 0; i < v.length; i += c) {
    for (let j = 0; j < c; j++) {
      const gi = g[i + j];
      sdy[j] += gi;
      sdyx[j] += gi * (v[i + j] - m[j]);
    }
  }
  const n = v.length / c;
  const gam = f32(wasm, gamma);
  const inv = f32(wasm, invstd);
  const k1 = new Float32Array(c);
  const k2 = new Float32Array(c);
  const k3 = new Float32Array(c);
  const dgamma = f32(wasm, dgammaOut);
  const dbeta = f32(wasm, dbetaOut);
  for (let j = 0; j < c; j++) {
    const sdyxhat = inv[j] * sdyx[j];
    dgamma[j] = sdyxhat;
    dbeta[j] = sdy[j];
    const a = gam[j] * inv[j];
    const b = (-a * inv[j] * sdyxhat) / n;
    k1[j] = a;
    k2[j] = b;
    k3[j] = (-a * sdy[j]) / n - b * m[j];
  }
  const dx = f32(wasm, dxOut);
  for (let i = 0; i < v.length; i += c) {
    for (let j = 0; j < c; j++) dx[i + j] = g[i + j] * k1[j] + v[i + j] * k2[j] + k3[j];
  }
  return [dxOut, dgammaOut, dbetaOut];
}

type KernelFunc = tf.KernelConfig['kernelFunc'];
const kernels: Array<[string, KernelFunc]> = [
  ['IfsChannelMoments', momentsKernel as unknown as KernelFunc],
  ['IfsChannelAffine', affineKernel as unknown as KernelFunc],
  ['IfsBatchNormGrad', batchNormGradKernel as unknown as KernelFunc],
];

/** Registers the channel kernels for the wasm backend (idempotent). */
export function registerChannelKernels(): void {
  for (const [kernelName, kernelFunc] of kernels) {
    if (tf.getKernel(kernelName, 'wasm')?.kernelFunc === kernelFunc) continue;
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}

/** Removes them again (the benchmark's stock path uses plain tf ops). */
export function unregisterChannelKernels(): void {
  for (const [kernelName] of kernels) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
  }
}

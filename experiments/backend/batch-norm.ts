// Batch normalisation in training mode (batch statistics), the op every Conv-BN block uses,
// with its gradient written out (tf.customGrad). On wasm with the reordering kernels on
// (native.ts: setReorderingKernels) each direction is one compiled kernel (native/kernels.c:
// float64 channel sums, then one element pass); on webgpu two WGSL dispatches each
// (webgpu-batch-norm.ts); otherwise a handful of ops.
import * as tf from '@tensorflow/tfjs-core';
import { batchNormGrad, channelAffine, channelMoments, rowsAndChannels } from './channel-ops.js';
import { address, asWasm } from './heap.js';
import { nativeKernels, reorderingKernelsEnabled } from './native.js';

export interface BatchNormTraining {
  y: tf.Tensor4D;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

export const BATCH_NORM_FORWARD_KERNEL = 'ProjectBatchNormTraining';
export const BATCH_NORM_BACKWARD_KERNEL = 'ProjectBatchNormTrainingGrad';
/**
 * Batch norm then ReLU in one kernel a direction (the ReLU applied in the normalize pass, its mask in
 * the gradient's passes); registered on webgpu only (elsewhere batchNormReluTraining runs
 * batchNormTraining, then tf.relu).
 */
export const BATCH_NORM_RELU_FORWARD_KERNEL = 'ProjectBatchNormReluTraining';
export const BATCH_NORM_RELU_BACKWARD_KERNEL = 'ProjectBatchNormReluTrainingGrad';
/** The running statistics' update in one kernel; registered on webgpu only (wasm and cpu run the ops). */
export const RUNNING_STATISTICS_KERNEL = 'ProjectRunningStatistics';

/**
 * The running statistics moved towards the batch's: runningMean * (1 - momentum) + mean * momentum
 * and runningVariance * (1 - momentum) + variance * momentum * unbias, flushed where `flush`, in
 * one kernel where the backend has one (webgpu); null elsewhere, where the caller runs the ops.
 */
export function runningStatisticsKernel(
  running: { mean: tf.Tensor1D; variance: tf.Tensor1D },
  batch: { mean: tf.Tensor1D; variance: tf.Tensor1D },
  momentum: number,
  unbias: number,
  flush: boolean,
): [tf.Tensor1D, tf.Tensor1D] | null {
  if (!tf.getKernel(RUNNING_STATISTICS_KERNEL, tf.getBackend())) return null;
  return tf
    .engine()
    .runKernel(
      RUNNING_STATISTICS_KERNEL,
      { runningMean: running.mean, runningVariance: running.variance, mean: batch.mean, variance: batch.variance },
      { momentum, unbias, flush },
    ) as unknown as [tf.Tensor1D, tf.Tensor1D];
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function wasmForward({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = asWasm(b);
  const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const [m, c] = rowsAndChannels(x);
  const outs = [backend.makeOutput([...x.shape], 'float32'), ...[0, 1, 2].map(() => backend.makeOutput([c], 'float32'))];
  const scratch = backend.makeOutput([2 * c], 'float32');
  const at = (t: tf.TensorInfo) => address(backend, t);
  nativeKernels(backend)!.batch_norm_forward(
    at(x),
    at(gamma),
    at(beta),
    m,
    c,
    attrs!.epsilon as number,
    at(outs[0]),
    at(outs[1]),
    at(outs[2]),
    at(outs[3]),
    at(scratch),
  );
  backend.disposeData(scratch.dataId);
  return outs;
}

function wasmBackward({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const backend = asWasm(b);
  const { dy, x, gamma, mean, invstd } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'invstd', tf.TensorInfo>;
  const [m, c] = rowsAndChannels(x);
  const outs = [backend.makeOutput([...x.shape], 'float32'), backend.makeOutput([c], 'float32'), backend.makeOutput([c], 'float32')];
  const scratch = backend.makeOutput([3 * c], 'float32');
  const at = (t: tf.TensorInfo) => address(backend, t);
  nativeKernels(backend)!.batch_norm_backward(at(dy), at(x), at(gamma), at(mean), at(invstd), m, c, at(outs[0]), at(outs[1]), at(outs[2]), at(scratch));
  backend.disposeData(scratch.dataId);
  return outs;
}

let registered = false;

function compiledHere(): boolean {
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: BATCH_NORM_FORWARD_KERNEL, backendName: 'wasm', kernelFunc: wasmForward as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: BATCH_NORM_BACKWARD_KERNEL, backendName: 'wasm', kernelFunc: wasmBackward as unknown as tf.KernelFunc });
  }
  // webgpu: the WGSL kernels (webgpu-batch-norm.ts), registered with the backend (webgpu-kernels.ts).
  if (tf.getBackend() === 'webgpu') return tf.getKernel(BATCH_NORM_FORWARD_KERNEL, 'webgpu') !== undefined;
  return reorderingKernelsEnabled() && tf.getBackend() === 'wasm' && nativeKernels(asWasm(tf.backend())) !== null;
}

/** Runs `normalize` (a tf.customGrad that stores the batch statistics through `keep`) and returns its value with the statistics, owned by the caller's scope. */
function withStatistics(run: (keep: (stats: { mean: tf.Tensor1D; variance: tf.Tensor1D }) => void) => tf.Tensor4D): BatchNormTraining {
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | null = null;
  // Kept past the customGrad's own tidy; cloned into the caller's scope below.
  const y = run((s) => (stats = { mean: tf.keep(s.mean), variance: tf.keep(s.variance) }));
  const kept = stats as unknown as { mean: tf.Tensor1D; variance: tf.Tensor1D };
  // Identity copies are tracked by the caller's scope and sit on no gradient path.
  const mean = tf.clone(kept.mean);
  const variance = tf.clone(kept.variance);
  tf.dispose([kept.mean, kept.variance]);
  return { y, mean, variance };
}

/**
 * y = gamma * (x - mean) / sqrt(var + eps) + beta with the batch's biased mean and variance.
 * Gradients flow to x (through the batch statistics too), gamma and beta; mean and variance
 * are returned for the running statistics and carry no gradient.
 */
export function batchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTraining {
  const compiled = compiledHere();
  return withStatistics((keep) => {
    const normalize = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [xs, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      let value: tf.Tensor4D;
      let mean: tf.Tensor1D;
      let variance: tf.Tensor1D;
      let invstd: tf.Tensor1D;
      if (compiled) {
        [value, mean, variance, invstd] = tf.engine().runKernel(BATCH_NORM_FORWARD_KERNEL, { x: xs, gamma: g, beta: b }, { epsilon }) as unknown as [
          tf.Tensor4D,
          tf.Tensor1D,
          tf.Tensor1D,
          tf.Tensor1D,
        ];
      } else {
        ({ mean, variance } = channelMoments(xs));
        invstd = tf.rsqrt(tf.add(variance, epsilon)) as tf.Tensor1D;
        const scale = tf.mul(g, invstd) as tf.Tensor1D;
        const shift = tf.sub(b, tf.mul(mean, scale)) as tf.Tensor1D;
        value = channelAffine(xs, scale, shift);
      }
      keep({ mean, variance });
      save([xs, g, mean, invstd]);
      return {
        value,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [sx, sg, smean, sinvstd] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
          if (compiled) {
            return tf
              .engine()
              .runKernel(BATCH_NORM_BACKWARD_KERNEL, { dy: dy as tf.Tensor, x: sx, gamma: sg, mean: smean, invstd: sinvstd }) as unknown as tf.Tensor[];
          }
          return batchNormGrad(dy as tf.Tensor4D, sx, sg, smean, sinvstd);
        },
      };
    });
    return normalize(x, gamma, beta) as tf.Tensor4D;
  });
}

/** Whether batch norm with ReLU runs as one fused kernel a direction here (webgpu). */
export function fusedBatchNormReluAvailable(): boolean {
  return tf.getKernel(BATCH_NORM_RELU_FORWARD_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * max(0, batch norm(x)), what a Conv-BN-ReLU block computes in training mode, with the batch
 * statistics as batchNormTraining returns them. On webgpu one fused kernel a direction
 * (webgpu-batch-norm.ts: the normalize pass writes max(0, y); the gradient is zero where the
 * output is not positive, as tf.relu's); elsewhere batchNormTraining then tf.relu, the ops as
 * before (wasm's and cpu's records are unchanged to the bit).
 */
export function batchNormReluTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTraining {
  if (!fusedBatchNormReluAvailable()) {
    const bn = batchNormTraining(x, gamma, beta, epsilon);
    return { ...bn, y: tf.relu(bn.y) };
  }
  return withStatistics((keep) => {
    const normalize = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [xs, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      // stats: each channel's mean and 1/sqrt(variance + eps), interleaved (what the gradient reads).
      const [value, mean, variance, stats] = tf.engine().runKernel(BATCH_NORM_RELU_FORWARD_KERNEL, { x: xs, gamma: g, beta: b }, { epsilon }) as unknown as [
        tf.Tensor4D,
        tf.Tensor1D,
        tf.Tensor1D,
        tf.Tensor1D,
      ];
      keep({ mean, variance });
      save([xs, g, stats, value]);
      return {
        value,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [sx, sg, sstats, sy] = saved;
          return tf
            .engine()
            .runKernel(BATCH_NORM_RELU_BACKWARD_KERNEL, { dy: dy as tf.Tensor, x: sx, gamma: sg, stats: sstats, y: sy }) as unknown as tf.Tensor[];
        },
      };
    });
    return normalize(x, gamma, beta) as tf.Tensor4D;
  });
}

// A block's batch norm in inference mode (running statistics) and its activation, and, when a
// checkpoint measures the features, what experiments/measure.ts takes from the activations: per
// feature the images on which it is active, its peak and its response to each image
// (definitions.ts). On wasm this is one compiled pass (native/kernels.c,
// batch_norm_activation_inference) that computes the stock kernels' values to the bit; elsewhere
// (the cpu backend, the threaded build, `setNativeKernels(false)`) the same as TF.js ops.
import * as tf from '@tensorflow/tfjs-core';
import { address, asWasm } from './heap.js';
import { activeNativeKernels, nativeKernels } from './native.js';
import type { NetworkSpec } from '../network-cost.js';

/** Per feature of one block, over a batch of images. */
export interface FeatureStatistics {
  /** Images on which the feature's largest activation over positions is > 0. */
  active: tf.Tensor1D;
  /** Largest |activation| over the batch. */
  peak: tf.Tensor1D;
  /** [images, features]: the spatial mean of max(activation, 0) for each image. */
  responses: tf.Tensor2D;
  /** [images, features]: the maximum over positions of |activation| for each image (the paper's selectivity). */
  imageMaxima: tf.Tensor2D;
}

export interface InferenceBlock {
  y: tf.Tensor4D;
  statistics: FeatureStatistics | null;
}

export interface InferenceParameters {
  runningMean: tf.Tensor1D;
  runningVariance: tf.Tensor1D;
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
}

export type InferenceActivation = Pick<NetworkSpec, 'bnEpsilon' | 'activation' | 'leakySlope'>;

export const INFERENCE_BLOCK_KERNEL = 'ProjectBatchNormActivationInference';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function wasmInferenceBlock({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = asWasm(b);
  const { x, mean, variance, gamma, beta } = inputs as Record<'x' | 'mean' | 'variance' | 'gamma' | 'beta', tf.TensorInfo>;
  const [n, h, w, c] = x.shape;
  const measured = attrs!.measured as boolean;
  const outs = [backend.makeOutput([...x.shape], 'float32')];
  if (measured) outs.push(backend.makeOutput([c], 'float32'), backend.makeOutput([c], 'float32'), backend.makeOutput([n, c], 'float32'));
  const scratch = backend.makeOutput([3 * Math.ceil(c / 4) * 4], 'float32');
  const at = (t: tf.TensorInfo) => address(backend, t);
  nativeKernels(backend)!.batch_norm_activation_inference(
    at(x),
    at(mean),
    at(variance),
    at(gamma),
    at(beta),
    n,
    h * w,
    c,
    attrs!.epsilon as number,
    attrs!.leaky ? 1 : 0,
    attrs!.slope as number,
    at(outs[0]),
    measured ? at(outs[1]) : 0,
    measured ? at(outs[2]) : 0,
    measured ? at(outs[3]) : 0,
    at(scratch),
  );
  backend.disposeData(scratch.dataId);
  return outs;
}

let registered = false;

function compiledHere(): boolean {
  if (!activeNativeKernels()) return false;
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: INFERENCE_BLOCK_KERNEL, backendName: 'wasm', kernelFunc: wasmInferenceBlock as unknown as tf.KernelFunc });
  }
  return true;
}

/** act(batchNorm(x)) with the running statistics and, with `measured`, the features' statistics. */
export function inferenceBlock(x: tf.Tensor4D, params: InferenceParameters, spec: InferenceActivation, measured: boolean): InferenceBlock {
  const relu = spec.activation === 'relu';
  if (compiledHere()) {
    const inputs = { x, mean: params.runningMean, variance: params.runningVariance, gamma: params.gamma, beta: params.beta };
    const attrs = { epsilon: spec.bnEpsilon, leaky: !relu, slope: spec.leakySlope, measured };
    const outs = tf.engine().runKernel(INFERENCE_BLOCK_KERNEL, inputs, attrs) as unknown as tf.Tensor[];
    const y = outs[0] as tf.Tensor4D;
    const statistics = measured
      ? { active: outs[1] as tf.Tensor1D, peak: outs[2] as tf.Tensor1D, responses: outs[3] as tf.Tensor2D, imageMaxima: imageMaxima(y, relu) }
      : null;
    return { y, statistics };
  }
  const normed = tf.batchNorm4d(x, params.runningMean, params.runningVariance, params.beta, params.gamma, spec.bnEpsilon);
  const y = relu ? tf.relu(normed) : tf.leakyRelu(normed, spec.leakySlope);
  if (!measured) return { y, statistics: null };
  // Active on an image: its maximum over positions is > 0 (definitions.ts selectivity).
  const perImage = tf.max(y, [1, 2]);
  const active = tf.sum(tf.cast(tf.greater(perImage, 0), 'float32'), 0) as tf.Tensor1D;
  const peak = (relu ? tf.max(perImage, 0) : tf.max(tf.abs(y), [0, 1, 2])) as tf.Tensor1D;
  // The response of each image (definitions.featureResponse): spatial mean of max(y, 0).
  const responses = tf.mean(relu ? y : tf.relu(y), [1, 2]) as tf.Tensor2D;
  return { y, statistics: { active, peak, responses, imageMaxima: relu ? (perImage as tf.Tensor2D) : imageMaxima(y, relu) } };
}

/** Per image and feature, the maximum over positions of |y| (a ReLU's output is never negative). */
function imageMaxima(y: tf.Tensor4D, relu: boolean): tf.Tensor2D {
  return tf.max(relu ? y : tf.abs(y), [1, 2]) as tf.Tensor2D;
}
